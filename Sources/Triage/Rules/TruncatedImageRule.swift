import APFSFormat

/// `image-truncated` (warning): the image is shorter than the container's declared size. Reading goes on; blocks past
/// the end are reported as unreadable where they are needed.
public struct TruncatedImageRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [RuleFinding] {
    guard let container = facts.container else { return [] }
    let declared = container.declaredByteCount
    let available = UInt64(container.source.byteCount)
    guard declared > available else { return [] }
    let missing = declared - available
    return [.init(
      .imageTruncated(blocks: container.superblock.blockCount, declared: declared, available: available,
                      lessThanOneBlock: missing < UInt64(container.blockSize)), .warning,
      facts: ["declared_bytes": .uint(declared), "image_bytes": .uint(available), "missing_bytes": .uint(missing),
              "block_size": .int(Int64(container.blockSize))])]
  }
}
