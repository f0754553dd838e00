import ReportModel

/// The batch summary as a text table (`summary.txt`, also printed).
public struct BatchTextRenderer: ReportRenderer {
  public init() {}

  public func render(_ s: BatchSummary) -> String {
    var lines = ["Batch triage of \(s.folder): \(s.files.count) files, reports in \(s.output)", ""]
    let width = min(60, s.files.map(\.path.count).max() ?? 4)
    for f in s.files {
      let name = f.path.count > width ? "…" + f.path.suffix(width - 1) : f.path
      let padded = name + String(repeating: " ", count: max(0, width - name.count))
      let what: String
      if f.status == .report {
        what = (f.verdict ?? "?") + (f.findings.isEmpty ? "" : "  [" + f.findings.joined(separator: ", ") + "]")
      } else {
        what = "\(f.status.rawValue): \(f.message ?? "")"
      }
      lines.append("  \(padded)  \(what)")
    }
    lines.append("")
    func list(_ counts: [String: Int]) -> String {
      counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
    let verdicts = list(s.counts.verdict)
    lines.append("Verdicts: " + (verdicts.isEmpty ? "none" : verdicts))
    lines.append("Files: " + list(s.counts.status))
    return lines.joined(separator: "\n") + "\n"
  }
}

extension BatchSummary: RenderableReport {
  public static var textRenderer: any ReportRenderer<BatchSummary> { BatchTextRenderer() }
}
