import IPSWFormat

/// With `--ipsw`: `update-space-shortfall` (critical) when the container's free space is below the update's
/// estimated system-partition need (BuildManifest/Restore.plist `MinimumSystemPartition` + `SystemPartitionPadding`),
/// the boot-loop case; `update-space-need` (info) otherwise, with the figures.
public struct UpdateSpaceRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [RuleFinding] {
    guard let ipsw = facts.ipsw, let estimate = ipsw.estimate, facts.container != nil else { return [] }
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
        .updateSpaceShortfall(version: version, need: need, sources: keys, capacityGB: ipsw.deviceCapacityGB,
                              free: free), .critical, facts: factList)]
    }
    return [.init(.updateSpaceNeed(version: version, need: need, sources: keys, free: free), .info, facts: factList)]
  }
}
