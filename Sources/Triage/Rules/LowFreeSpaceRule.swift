import APFSFormat

/// `low-free-space` (critical): the container, or a volume limited by its quota, has less free space than the
/// threshold (``MinFreeThreshold``). A nearly full iPhone cannot finish an update: this is the boot-loop case.
public struct LowFreeSpaceRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [TriageReport.Finding] {
    guard let container = facts.container else { return [] }
    let lang = facts.options.language
    var out: [TriageReport.Finding] = []
    let capacity = facts.capacityBytes
    let free = facts.freeBytes
    let threshold = facts.options.minFree.threshold(capacity: capacity)
    let fraction = capacity > 0 ? Double(free) / Double(capacity) : 0
    if free < threshold {
      out.append(.init(
        code: "low-free-space", severity: .critical, volume: nil,
        message: lang.pick(
          "The container has \(ByteText.exact(free, lang)) free of \(ByteText.exact(capacity, lang)) "
            + "(\(ByteText.percent(fraction))), below the threshold of \(ByteText.exact(threshold, lang)). "
            + "An OS update needs free space to unpack and stage itself; with this little it can fail half-way "
            + "and leave the device in a boot loop.",
          "コンテナの空き容量は \(ByteText.exact(capacity, lang)) 中 \(ByteText.exact(free, lang))"
            + "（\(ByteText.percent(fraction))）で、基準値 \(ByteText.exact(threshold, lang)) を下回っています。"
            + "OS アップデートは展開と準備のために空き容量を必要とし、これほど少ないと途中で失敗して"
            + "起動ループ（リンゴループ）に陥ることがあります。"),
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
        code: "low-free-space", severity: .critical, volume: volume.name,
        message: lang.pick(
          "Volume \"\(volume.name)\" can allocate only \(ByteText.exact(available, lang)) more: its quota is "
            + "\(ByteText.exact(quotaBytes, lang)) and it already uses \(volume.allocatedBlockCount) blocks.",
          "ボリューム「\(volume.name)」はあと \(ByteText.exact(available, lang)) しか確保できません。"
            + "クォータは \(ByteText.exact(quotaBytes, lang)) で、すでに \(volume.allocatedBlockCount) ブロックを使用しています。"),
        facts: [
          "available_bytes": .uint(available), "quota_blocks": .uint(volume.quotaBlockCount),
          "alloc_blocks": .uint(volume.allocatedBlockCount), "threshold_bytes": .uint(volumeThreshold),
        ]))
    }
    return out
  }
}
