import APFSFormat

/// `image-truncated` (warning): the image is shorter than the container's declared size. Reading goes on; blocks past
/// the end are reported as unreadable where they are needed.
public struct TruncatedImageRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [TriageReport.Finding] {
    guard let container = facts.container else { return [] }
    let lang = facts.options.language
    let declared = container.declaredByteCount
    let available = UInt64(container.source.byteCount)
    guard declared > available else { return [] }
    let missing = declared - available
    let aligned = missing < UInt64(container.blockSize)
    return [.init(
      code: "image-truncated", severity: .warning, volume: nil,
      message: lang.pick(
        "The container declares \(container.superblock.blockCount) blocks (\(declared) bytes) but the image holds "
          + "\(available) bytes: \(missing) bytes are missing. "
          + (aligned
            ? "Less than one block is missing: typical of a partition image not aligned to the block size; "
              + "the rest of the container is intact."
            : "The image was probably cut short during acquisition; re-image if possible."),
        "コンテナは \(container.superblock.blockCount) ブロック（\(declared) バイト）を宣言していますが、"
          + "イメージは \(available) バイトしかなく、\(missing) バイトが不足しています。"
          + (aligned
            ? "不足は 1 ブロック未満で、ブロック境界に揃っていないパーティションイメージによく見られます。"
              + "コンテナの残りは無傷です。"
            : "取得時にイメージが途中で切れた可能性があります。可能なら取り直してください。")),
      facts: ["declared_bytes": .uint(declared), "image_bytes": .uint(available), "missing_bytes": .uint(missing),
              "block_size": .int(Int64(container.blockSize))])]
  }
}
