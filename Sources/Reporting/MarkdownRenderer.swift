import ReportModel
import Triage

/// The report as Markdown, for a case file or a message to the customer.
public struct MarkdownRenderer: ReportRenderer {
  public init() {}
  public func render(_ r: TriageReport) -> String {
    let l = Labels(r)
    var out = ""
    func line(_ s: String = "") { out += s + "\n" }
    func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
    line("# \(l.title)")
    line()
    line("**\(l.verdict): `\(r.verdict.verdictClass.rawValue)`** — \(l.verdictName(r.verdict.verdictClass))")
    line()
    line(r.verdict.summary)
    line()
    line("## \(l.reasons)")
    line()
    for reason in r.verdict.reasons { line("- " + reason) }
    if !r.verdict.advice.isEmpty {
      line()
      line("## \(l.advice)")
      line()
      for advice in r.verdict.advice { line("- " + advice) }
    }
    line()
    line("## \(l.evidence)")
    line()
    line("| | |")
    line("|---|---|")
    line("| path | `\(cell(r.evidence.path))` |")
    line("| size | \(l.bytes(UInt64(r.evidence.sizeBytes))) |")
    line("| format | \(r.evidence.format) |")
    line("| APFS offset | \(r.evidence.apfsOffsetBytes.map(String.init) ?? "—") |")
    line("| SHA-256 | \(r.evidence.sha256.map { "`\($0)`" } ?? l.notComputed) |")
    line("| tool | ringo \(r.tool.version) |")
    line()
    line("## \(l.container)")
    line()
    if let c = r.container {
      line("| uuid | block size | blocks | free blocks | free | checkpoint xid | keybag |")
      line("|---|---|---|---|---|---|---|")
      line("| `\(c.uuid)` | \(c.blockSize) | \(c.blockCount) | \(c.freeBlocks) | \(l.bytes(c.freeBytes)) "
           + "(\(ByteText.percent(c.freeFraction))) | \(c.checkpointXID)\(c.usedFallbackCheckpoint ? " (fallback)" : "") "
           + "| \(c.keybag ? "yes" : "no") |")
      line()
      line("### \(l.volumes)")
      line()
      line("| # | name | role | encryption | case-sensitive | alloc blocks | reserve | quota | available | files | dirs | snapshots |")
      line("|---|---|---|---|---|---|---|---|---|---|---|---|")
      for v in c.volumes {
        line("| \(v.index) | \(cell(v.name)) | \(v.role) | \(v.encryption) | \(v.caseSensitive ? "yes" : "no") | "
             + "\(v.allocBlocks) | \(v.reserveBlocks) | \(v.quotaBlocks) | \(l.bytes(v.availableBytes)) | "
             + "\(v.files.map(String.init) ?? "—") | \(v.directories.map(String.init) ?? "—") | "
             + "\(v.snapshots.map(String.init) ?? "—") |")
      }
      line()
      for v in c.volumes {
        if let bytes = v.fileBytes {
          line("- \(cell(v.name)): " + l.readable(plaintext: bytes.plaintext, encrypted: bytes.encrypted, classes: v.protectionClasses))
        } else {
          line("- \(cell(v.name)): " + l.notMeasured)
        }
      }
    } else {
      line(l.noContainer)
    }
    if !r.findings.isEmpty {
      line()
      line("## \(l.findings)")
      line()
      for f in r.findings {
        line("- **\(f.severity.rawValue)** `\(f.code)`" + (f.volume.map { " (\(cell($0)))" } ?? "") + ": \(f.message)")
        let facts = f.facts.keys.sorted().map { "`\($0)` = \(f.facts[$0]!.text)" }
        if !facts.isEmpty { line("  - " + facts.joined(separator: ", ")) }
      }
    }
    if !r.errors.isEmpty {
      line()
      line("## \(l.errors)")
      line()
      for e in r.errors { line("- `\(e.code)`" + (e.offset.map { " at offset \($0)" } ?? "") + ": \(e.message)") }
    }
    return out
  }
}
