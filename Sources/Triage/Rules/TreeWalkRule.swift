import APFSFormat

/// `fs-tree-unwalkable` (critical): a volume's file-system tree could not be walked to the end (a loop, keys out of
/// order, an extent past the end of the container ...). Says where it stopped and how far it got. Trees that are
/// encrypted (ONEKEY metadata) are `metadata-encrypted` instead.
public struct TreeWalkRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [RuleFinding] {
    facts.treeFailures.map { failure in
      .init(.treeUnwalkable(failure), .critical, volume: failure.volume, facts: [
        "structure": .string(failure.structure), "offset": failure.offset.map { .int(Int64($0)) } ?? .null,
        "error_code": .string(failure.errorCode), "records_read": .int(Int64(failure.recordsRead)),
        "files_walked": .int(Int64(failure.filesWalked)),
      ])
    }
  }
}
