import ImageAccess

/// What happened when Ringo tried one checkpoint superblock, newest first.
public struct CheckpointAttempt: Sendable, Equatable {
  public enum Outcome: Sendable, Equatable {
    case used
    case skipped(ParseError)
    /// Not tried because a newer checkpoint was usable.
    case notNeeded
  }
  public var transactionID: UInt64
  /// Block address of the superblock in the checkpoint descriptor area.
  public var block: UInt64
  public var outcome: Outcome
}

/// A problem found while opening a container that did not stop it from opening.
public struct ContainerAnomaly: Sendable, Equatable {
  public var code: String
  public var message: String
  public var offset: Int?
}
