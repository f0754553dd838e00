import BlockScan
import RegionMap

/// Findings from the content scan: `whole-image-encrypted` (critical: nearly every non-zero block is
/// indistinguishable from random, as in a chip-off or raw NAND dump encrypted by the device's hardware key), and,
/// where structures exist too, `encrypted-looks-like-text` (warning: blocks the structures call encrypted hold
/// text) and `free-space-remnants` (info: blocks the space manager calls free hold data).
public struct ContentScanRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [RuleFinding] {
    guard let scan = facts.contentScan else { return [] }
    var out: [RuleFinding] = []
    let a = scan.encryptionAssessment()
    if a.isWholeImageEncrypted {
      out.append(.init(
        .wholeImageEncrypted(fraction: a.encryptedFraction, nonZeroBytes: UInt64(a.nonZeroBytes)), .critical,
        facts: [
          "scanned_bytes": .int(Int64(a.scannedBytes)), "non_zero_bytes": .int(Int64(a.nonZeroBytes)),
          "encrypted_bytes": .int(Int64(a.encryptedBytes)), "encrypted_fraction": .double(a.encryptedFraction),
          "threshold_fraction": .double(EncryptionAssessment.minimumEncryptedFraction),
        ]))
    }
    if let comparison = facts.mapComparison {
      if comparison.fileEncryptedButTextBytes > 0, let first = comparison.fileEncryptedButText.first {
        out.append(.init(
          .encryptedLooksLikeText(bytes: UInt64(comparison.fileEncryptedButTextBytes), firstOffset: first.offset),
          .warning,
          facts: ["bytes": .int(Int64(comparison.fileEncryptedButTextBytes)), "first_offset": .int(Int64(first.offset)),
                  "runs": .int(Int64(comparison.fileEncryptedButText.count))]))
      }
      if comparison.freeButNotZeroBytes > 0 {
        var facts: [String: Fact] = ["bytes": .int(Int64(comparison.freeButNotZeroBytes)),
                                     "runs": .int(Int64(comparison.freeButNotZero.count))]
        for (regionClass, bytes) in comparison.freeButNotZeroByClass { facts["\(regionClass.rawValue)_bytes"] = .int(Int64(bytes)) }
        out.append(.init(.freeSpaceRemnants(bytes: UInt64(comparison.freeButNotZeroBytes)), .info, facts: facts))
      }
    }
    return out
  }
}
