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
    line("| \(l[.path]) | `\(cell(r.evidence.path))` |")
    line("| \(l[.size]) | \(l.bytes(UInt64(r.evidence.sizeBytes))) |")
    line("| \(l[.format]) | \(r.evidence.format) |")
    line("| \(l[.apfsOffset]) | \(r.evidence.apfsOffsetBytes.map(String.init) ?? "—") |")
    line("| SHA-256 | \(r.evidence.sha256.map { "`\($0)`" } ?? l.notComputed) |")
    for row in l.evidenceFileRows(r.evidence) { line("| \(cell(row.label)) | \(cell(row.value)) |") }
    line("| \(l[.tool]) | ringo \(r.tool.version) |")
    line()
    line("## \(l.container)")
    line()
    if let c = r.container {
      line("| " + [Label.uuid, .blockSize, .blocks, .freeBlocks, .free, .checkpointXID, .keybag].map { l[$0] }
        .joined(separator: " | ") + " |")
      line("|---|---|---|---|---|---|---|")
      line("| `\(c.uuid)` | \(c.blockSize) | \(c.blockCount) | \(c.freeBlocks) | \(l.bytes(c.freeBytes)) "
           + "(\(ByteText.percent(c.freeFraction))) | \(c.checkpointXID)\(c.usedFallbackCheckpoint ? " (\(l[.fallback]))" : "") "
           + "| \(l.yesNo(c.keybag)) |")
      line()
      line("### \(l.volumes)")
      line()
      line("| " + [Label.number, .name, .role, .encryption, .caseSensitive, .allocBlocks, .reserve, .quota, .available,
                   .files, .dirs, .snapshots].map { l[$0] }.joined(separator: " | ") + " |")
      line("|---|---|---|---|---|---|---|---|---|---|---|---|")
      for v in c.volumes {
        line("| \(v.index) | \(cell(v.name)) | \(v.role) | \(v.encryption) | \(l.yesNo(v.caseSensitive)) | "
             + "\(v.allocBlocks) | \(v.reserveBlocks) | \(v.quotaBlocks) | \(l.bytes(v.availableBytes)) | "
             + "\(v.files.map(String.init) ?? "—") | \(v.directories.map(String.init) ?? "—") | "
             + "\(v.snapshots.map(String.init) ?? "—") |")
      }
      line()
      for v in c.volumes {
        if let bytes = v.fileBytes {
          line("- \(cell(v.name)): " + l.readable(plaintext: bytes.plaintext, encrypted: bytes.encrypted,
                                                 compressed: bytes.compressed, classes: v.protectionClasses))
        } else {
          line("- \(cell(v.name)): " + l.notMeasured)
        }
        if let unlock = v.unlock { line("- \(cell(v.name)): " + cell(l.unlock(unlock, encryption: v.encryption))) }
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
        let facts = f.facts.keys.sorted().map { "`\($0)` = `\(f.facts[$0]!.text)`" }
        if !facts.isEmpty { line("  - " + facts.joined(separator: ", ")) }
      }
    }
    if !r.errors.isEmpty {
      line()
      line("## \(l.errors)")
      line()
      for e in r.errors {
        line("- `\(e.code)`" + (e.offset.map { " \(l[.atOffset]) \($0)" } ?? "") + (l.showsErrorMessages ? ": \(e.message)" : ""))
      }
    }
    return out
  }
}
