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
    line("  path:    \(r.evidence.path)")
    line("  size:    \(l.bytes(UInt64(r.evidence.sizeBytes)))")
    line("  format:  \(r.evidence.format)" + (r.evidence.apfsOffsetBytes.map { ", APFS at offset \($0)" } ?? ""))
    line("  sha256:  \(r.evidence.sha256 ?? l.notComputed)")
    line()
    if let c = r.container {
      line("\(l.container): \(c.uuid)")
      line("  blocks:      \(c.blockCount) × \(c.blockSize) bytes = \(l.bytes(c.blockCount * UInt64(c.blockSize)))")
      line("  free:        \(c.freeBlocks) blocks = \(l.bytes(c.freeBytes)) (\(ByteText.percent(c.freeFraction)))")
      line("  checkpoint:  xid \(c.checkpointXID)" + (c.usedFallbackCheckpoint ? " (fallback)" : ""))
      line("  keybag:      \(c.keybag ? "yes" : "no")")
      line()
      line("\(l.volumes):")
      for v in c.volumes {
        line("  [\(v.index)] \(v.name)  role=\(v.role)  encryption=\(v.encryption)  "
             + "case-sensitive=\(v.caseSensitive ? "yes" : "no")")
        line("      uuid \(v.uuid); alloc \(v.allocBlocks) blocks, reserve \(v.reserveBlocks), quota \(v.quotaBlocks), "
             + "available \(l.bytes(v.availableBytes))")
        if let files = v.files {
          line("      files \(files), directories \(v.directories ?? 0), symlinks \(v.symlinks ?? 0), "
               + "snapshots \(v.snapshots ?? 0) (\(v.countsSource ?? "?"))")
        }
        if let bytes = v.fileBytes {
          line("      " + l.readable(plaintext: bytes.plaintext, encrypted: bytes.encrypted, classes: v.protectionClasses))
        } else if v.countsSource == "superblock" {
          line("      " + l.notMeasured)
        }
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
        line("  \(e.code)" + (e.offset.map { " @\($0)" } ?? "") + ": \(e.message)")
      }
    }
    return out
  }
}
