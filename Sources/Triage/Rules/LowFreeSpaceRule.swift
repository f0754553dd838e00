import ImageAccess
import APFSFormat

/// `low-free-space` (critical): the container, or a volume limited by its quota, has less free space than the
/// threshold (``MinFreeThreshold``). A nearly full iPhone cannot finish an update: this is the boot-loop case.
public struct LowFreeSpaceRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [RuleFinding] {
    guard let container = facts.container else { return [] }
    var out: [RuleFinding] = []
    let capacity = facts.capacityBytes
    let free = facts.freeBytes
    let threshold = facts.options.minFree.threshold(capacity: capacity)
    let fraction = capacity > 0 ? Double(free) / Double(capacity) : 0
    if free < threshold {
      out.append(.init(
        .lowFreeSpace(free: free, capacity: capacity, threshold: threshold, fraction: fraction), .critical,
        facts: [
          "free_bytes": .uint(free), "capacity_bytes": .uint(capacity), "threshold_bytes": .uint(threshold),
          "free_fraction": .double(fraction), "free_blocks": .uint(container.spaceManager.main.freeCount),
          "block_size": .int(Int64(container.blockSize)),
        ]))
    }
    for volume in container.volumes.compactMap(\.superblock) where volume.quotaBlockCount > 0 {
      let available = facts.availableBytes(volume)
      let quotaBytes = volume.quotaBlockCount &* UInt64(container.blockSize)
      let volumeThreshold = facts.options.minFree.threshold(capacity: quotaBytes)
      guard available < free, available < volumeThreshold else { continue }
      out.append(.init(
        .lowVolumeSpace(volume: volume.name, available: available, quotaBytes: quotaBytes,
                        allocatedBlocks: volume.allocatedBlockCount), .critical, volume: volume.name,
        facts: [
          "available_bytes": .uint(available), "quota_blocks": .uint(volume.quotaBlockCount),
          "alloc_blocks": .uint(volume.allocatedBlockCount), "threshold_bytes": .uint(volumeThreshold),
        ]))
    }
    return out
  }
}
