import ReportModel
import Triage

/// The batch summary as a text table (`summary.txt`, also printed).
public struct BatchTextRenderer: ReportRenderer {
  public var words: Words
  public init(words: Words = Words(.en)) { self.words = words }

  public func render(_ s: BatchSummary) -> String {
    let w = words
    var lines = ["\(w[.batchOf]) \(s.folder): \(s.files.count) \(w[.files]), \(w[.reportsIn]) \(s.output)", ""]
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
    lines.append("\(w[.verdicts]): " + (verdicts.isEmpty ? w[.none] : verdicts))
    lines.append("\(w[.filesHeading]): " + list(s.counts.status))
    return lines.joined(separator: "\n") + "\n"
  }
}

extension BatchSummary: RenderableReport {
  public static var textRenderer: any ReportRenderer<BatchSummary> { BatchTextRenderer() }
  public static func textRenderer(in language: Language) -> any ReportRenderer<BatchSummary> {
    BatchTextRenderer(words: Words(language))
  }
}
