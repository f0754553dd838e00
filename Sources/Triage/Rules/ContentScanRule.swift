import BlockScan
import RegionMap

/// Findings from the content scan: `whole-image-encrypted` (critical: nearly every non-zero block is
/// indistinguishable from random, as in a chip-off or raw NAND dump encrypted by the device's hardware key), and,
/// where structures exist too, `encrypted-looks-like-text` (warning: blocks the structures call encrypted hold
/// text) and `free-space-remnants` (info: blocks the space manager calls free hold data).
public struct ContentScanRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [TriageReport.Finding] {
    guard let scan = facts.contentScan else { return [] }
    let lang = facts.options.language
    var out: [TriageReport.Finding] = []
    let a = scan.encryptionAssessment()
    if a.isWholeImageEncrypted {
      out.append(.init(
        code: "whole-image-encrypted", severity: .critical, volume: nil,
        message: lang.pick(
          "\(ByteText.percent(a.encryptedFraction)) of the \(ByteText.exact(UInt64(a.nonZeroBytes), lang)) of "
            + "non-zero data is indistinguishable from random bytes, and no readable structure was found. Such dumps "
            + "(chip-off, raw NAND) are encrypted inline by the device's AES engine with keys derived from its "
            + "hardware UID, which never leaves the chip: they cannot be read off the device.",
          "\(ByteText.exact(UInt64(a.nonZeroBytes), lang)) の非ゼロデータのうち \(ByteText.percent(a.encryptedFraction)) が"
            + "乱数と区別できず、読める構造も見つかりません。このようなダンプ（チップオフ、NAND の生データ）は、"
            + "チップから外に出ないハードウェア UID から導出した鍵で端末の AES エンジンによって暗号化されており、"
            + "端末の外では読めません。"),
        facts: [
          "scanned_bytes": .int(Int64(a.scannedBytes)), "non_zero_bytes": .int(Int64(a.nonZeroBytes)),
          "encrypted_bytes": .int(Int64(a.encryptedBytes)), "encrypted_fraction": .double(a.encryptedFraction),
          "threshold_fraction": .double(EncryptionAssessment.minimumEncryptedFraction),
        ]))
    }
    if let comparison = facts.mapComparison {
      if comparison.fileEncryptedButTextBytes > 0 {
        let first = comparison.fileEncryptedButText.first!
        out.append(.init(
          code: "encrypted-looks-like-text", severity: .warning, volume: nil,
          message: lang.pick(
            "\(ByteText.exact(UInt64(comparison.fileEncryptedButTextBytes), lang)) in extents the structures mark "
              + "encrypted hold readable text (first at offset \(first.offset)): ciphertext is never text, so "
              + "those extents were not encrypted, or the records are wrong. Examine them.",
            "構造上は暗号化とされるエクステントのうち \(ByteText.exact(UInt64(comparison.fileEncryptedButTextBytes), lang)) "
              + "が読めるテキストです（最初はオフセット \(first.offset)）。暗号文がテキストになることはないため、"
              + "それらは暗号化されていないか、記録が誤っています。調べてください。"),
          facts: ["bytes": .int(Int64(comparison.fileEncryptedButTextBytes)), "first_offset": .int(Int64(first.offset)),
                  "runs": .int(Int64(comparison.fileEncryptedButText.count))]))
      }
      if comparison.freeButNotZeroBytes > 0 {
        var facts: [String: Fact] = ["bytes": .int(Int64(comparison.freeButNotZeroBytes)),
                                     "runs": .int(Int64(comparison.freeButNotZero.count))]
        for (regionClass, bytes) in comparison.freeButNotZeroByClass { facts["\(regionClass.rawValue)_bytes"] = .int(Int64(bytes)) }
        out.append(.init(
          code: "free-space-remnants", severity: .info, volume: nil,
          message: lang.pick(
            "\(ByteText.exact(UInt64(comparison.freeButNotZeroBytes), lang)) of blocks the space manager calls free "
              + "still hold data (remnants of deleted files, possibly recoverable by carving when not encrypted).",
            "空き領域とされるブロックのうち \(ByteText.exact(UInt64(comparison.freeButNotZeroBytes), lang)) に"
              + "データが残っています（削除されたファイルの残骸で、暗号化されていなければカービングで復元できる可能性があります）。"),
          facts: facts))
      }
    }
    return out
  }
}
