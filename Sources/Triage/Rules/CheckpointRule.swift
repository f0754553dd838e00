import APFSFormat

/// `used-fallback-checkpoint` (warning): the newest checkpoint was unusable and an older one was used; and
/// `stale-block-zero` (info) when block 0 is older than the checkpoint in use.
public struct CheckpointRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [TriageReport.Finding] {
    guard let container = facts.container else { return [] }
    let lang = facts.options.language
    var out: [TriageReport.Finding] = []
    let skipped = container.checkpointAttempts.compactMap { attempt -> (UInt64, String)? in
      if case let .skipped(error) = attempt.outcome { return (attempt.transactionID, error.description) }
      return nil
    }
    if !skipped.isEmpty {
      let list = skipped.map { "xid \($0.0): \($0.1)" }.joined(separator: "; ")
      out.append(.init(
        code: "used-fallback-checkpoint", severity: .warning, volume: nil,
        message: lang.pick(
          "The newest checkpoint could not be used, so the container was read at the older checkpoint xid "
            + "\(container.checkpointTransactionID). Skipped: \(list). Changes made after that checkpoint are not "
            + "visible.",
          "最新のチェックポイントが使用できなかったため、古いチェックポイント xid "
            + "\(container.checkpointTransactionID) で読み取りました。スキップしたもの: \(list)。"
            + "このチェックポイント以降の変更は見えません。"),
        facts: [
          "checkpoint_xid": .uint(container.checkpointTransactionID),
          "skipped_xids": .list(skipped.map { .uint($0.0) }),
          "skipped_reasons": .list(skipped.map { .string($0.1) }),
        ]))
    }
    for anomaly in container.anomalies where anomaly.code == "stale-block-zero" {
      out.append(.init(
        code: "stale-block-zero", severity: .info, volume: nil,
        message: lang.pick(
          "Block 0 holds an older copy of the container superblock (\(anomaly.message)); this is normal after "
            + "an unclean shutdown and the checkpoint area is authoritative.",
          "ブロック 0 のコンテナスーパーブロックは古い版です（\(anomaly.message)）。"
            + "不正なシャットダウン後には普通のことで、チェックポイント領域が正となります。"),
        facts: ["block_zero_xid": .uint(container.blockZero?.transactionID ?? 0),
                "checkpoint_xid": .uint(container.checkpointTransactionID)]))
    }
    return out
  }
}
