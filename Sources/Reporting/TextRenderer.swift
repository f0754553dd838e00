import ReportModel
import Triage

/// The report as plain terminal text: verdict first, then the figures it rests on.
public struct TextRenderer: ReportRenderer {
  public init() {}
  public func render(_ r: TriageReport) -> String {
    let l = Labels(r)
    var out = ""
    func line(_ s: String = "") { out += s + "\n" }
    line("\(l.title) — ringo \(r.tool.version)")
    line(String(repeating: "=", count: 60))
    line("\(l.verdict): \(r.verdict.verdictClass.rawValue) (\(l.verdictName(r.verdict.verdictClass)))")
    line("  " + r.verdict.summary)
    line()
    line("\(l.reasons):")
    for reason in r.verdict.reasons { line("  - " + reason) }
    if !r.verdict.advice.isEmpty {
      line()
      line("\(l.advice):")
      for advice in r.verdict.advice { line("  - " + advice) }
    }
    line()
    line("\(l.evidence):")
    line("  " + l.field(.path, width: 9) + r.evidence.path)
    line("  " + l.field(.size, width: 9) + l.bytes(UInt64(r.evidence.sizeBytes)))
    line("  " + l.field(.format, width: 9) + r.evidence.format
         + (r.evidence.apfsOffsetBytes.map { ", \(l[.apfsAt]) \($0)" } ?? ""))
    line("  " + l.field(.sha256, width: 9) + (r.evidence.sha256 ?? l.notComputed))
    for row in l.evidenceFileRows(r.evidence) { line("  \(row.label): \(row.value)") }
    line()
    if let c = r.container {
      line("\(l.container): \(c.uuid)")
      line("  " + l.field(.blocks, width: 13)
           + "\(c.blockCount) × \(c.blockSize) \(l[.bytesUnit]) = \(l.bytes(c.blockCount * UInt64(c.blockSize)))")
      line("  " + l.field(.free, width: 13)
           + "\(c.freeBlocks) \(l[.blocks]) = \(l.bytes(c.freeBytes)) (\(ByteText.percent(c.freeFraction)))")
      line("  " + l.field(.checkpoint, width: 13) + "xid \(c.checkpointXID)"
           + (c.usedFallbackCheckpoint ? " (\(l[.fallback]))" : ""))
      line("  " + l.field(.keybag, width: 13) + l.yesNo(c.keybag))
      line()
      line("\(l.volumes):")
      for v in c.volumes {
        line("  [\(v.index)] \(v.name)  \(l[.role])=\(v.role)  \(l[.encryption])=\(v.encryption)  "
             + "\(l[.caseSensitive])=\(l.yesNo(v.caseSensitive))")
        line("      \(l[.uuid]) \(v.uuid); \(l[.alloc]) \(v.allocBlocks) \(l[.blocks]), \(l[.reserve]) \(v.reserveBlocks), "
             + "\(l[.quota]) \(v.quotaBlocks), \(l[.available]) \(l.bytes(v.availableBytes))")
        if let files = v.files {
          line("      \(l[.files]) \(files), \(l[.directories]) \(v.directories ?? 0), \(l[.symlinks]) \(v.symlinks ?? 0), "
               + "\(l[.snapshots]) \(v.snapshots ?? 0) (\(l.countsSource(v.countsSource)))")
        }
        if let bytes = v.fileBytes {
          line("      " + l.readable(plaintext: bytes.plaintext, encrypted: bytes.encrypted, compressed: bytes.compressed,
                                   classes: v.protectionClasses))
        } else if v.countsSource == "superblock" {
          line("      " + l.notMeasured)
        }
        if let unlock = v.unlock { line("      " + l.unlock(unlock, encryption: v.encryption)) }
      }
    } else {
      line("\(l.container): \(l.noContainer)")
    }
    if !r.findings.isEmpty {
      line()
      line("\(l.findings):")
      for f in r.findings {
        line("  [\(f.severity.rawValue)] \(f.code)" + (f.volume.map { " (\($0))" } ?? ""))
        line("      " + f.message)
      }
    }
    if !r.errors.isEmpty {
      line()
      line("\(l.errors):")
      for e in r.errors {
        line("  \(e.code)" + (e.offset.map { " @\($0)" } ?? "") + (l.showsErrorMessages ? ": \(e.message)" : ""))
      }
    }
    return out
  }
}
