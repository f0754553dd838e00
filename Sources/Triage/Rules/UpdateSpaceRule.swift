import IPSWFormat

/// With `--ipsw`: `update-space-shortfall` (critical) when the container's free space is below the update's
/// estimated system-partition need (BuildManifest/Restore.plist `MinimumSystemPartition` + `SystemPartitionPadding`),
/// the boot-loop case; `update-space-need` (info) otherwise, with the figures.
public struct UpdateSpaceRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [TriageReport.Finding] {
    guard let ipsw = facts.ipsw, let estimate = ipsw.estimate, facts.container != nil else { return [] }
    let lang = facts.options.language
    let free = facts.freeBytes
    let need = estimate.estimatedBytes
    let version = [ipsw.productVersion, ipsw.build.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
    let factList: [String: Fact] = [
      "estimated_need_bytes": .uint(need), "free_bytes": .uint(free),
      "minimum_system_partition_mib": .int(Int64(estimate.minimumSystemPartitionMiB)),
      "padding_mib": estimate.paddingMiB.map { .int(Int64($0)) } ?? .null,
      "device_capacity_gb": .int(Int64(ipsw.deviceCapacityGB)),
      "sources": .list(estimate.sources.map { .string($0) }), "is_estimate": .bool(true),
    ]
    let keys = estimate.sources.joined(separator: ", ")
    if free < need {
      return [.init(
        code: "update-space-shortfall", severity: .critical, volume: nil,
        message: lang.pick(
          "The update to iOS \(version) needs about \(ByteText.exact(need, lang)) (an estimate from \(keys), for a "
            + "\(ipsw.deviceCapacityGB) GB device); the container had only \(ByteText.exact(free, lang)) free. An "
            + "update that cannot stage its system partition fails part-way: the boot-loop case.",
          "iOS \(version) へのアップデートには約 \(ByteText.exact(need, lang)) が必要です（\(keys) からの推定、"
            + "\(ipsw.deviceCapacityGB) GB 端末として計算）。コンテナの空きは \(ByteText.exact(free, lang)) しかありません。"
            + "システム領域を用意できないアップデートは途中で失敗し、起動ループになります。"),
        facts: factList)]
    }
    return [.init(
      code: "update-space-need", severity: .info, volume: nil,
      message: lang.pick(
        "The update to iOS \(version) needs about \(ByteText.exact(need, lang)) (an estimate from \(keys)); the "
          + "container has \(ByteText.exact(free, lang)) free, which is enough.",
        "iOS \(version) へのアップデートには約 \(ByteText.exact(need, lang)) が必要です（\(keys) からの推定）。"
          + "コンテナの空きは \(ByteText.exact(free, lang)) で足ります。"),
      facts: factList)]
  }
}
