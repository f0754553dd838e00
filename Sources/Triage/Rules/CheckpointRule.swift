import APFSFormat

/// `used-fallback-checkpoint` (warning): the newest checkpoint was unusable and an older one was used; and
/// `stale-block-zero` (info) when block 0 is older than the checkpoint in use.
public struct CheckpointRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [RuleFinding] {
    guard let container = facts.container else { return [] }
    var out: [RuleFinding] = []
    let skipped = container.checkpointAttempts.compactMap { attempt -> AttemptFigures? in
      if case let .skipped(error) = attempt.outcome {
        return AttemptFigures(xid: attempt.transactionID, skipped: ErrorFigures(error), used: false)
      }
      return nil
    }
    if !skipped.isEmpty {
      out.append(.init(
        .usedFallbackCheckpoint(xid: container.checkpointTransactionID, skipped: skipped), .warning,
        facts: [
          "checkpoint_xid": .uint(container.checkpointTransactionID),
          "skipped_xids": .list(skipped.map { .uint($0.xid) }),
          "skipped_reasons": .list(skipped.map { .string($0.skipped?.detail ?? "") }),
        ]))
    }
    for anomaly in container.anomalies where anomaly.code == "stale-block-zero" {
      out.append(.init(
        .staleBlockZero(detail: anomaly.message, blockZeroXID: container.blockZero?.transactionID ?? 0,
                        checkpointXID: container.checkpointTransactionID), .info,
        facts: ["block_zero_xid": .uint(container.blockZero?.transactionID ?? 0),
                "checkpoint_xid": .uint(container.checkpointTransactionID)]))
    }
    return out
  }
}
