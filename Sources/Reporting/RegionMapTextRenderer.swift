import ReportModel
import Triage

/// `ringo map`: a report's region map as tab-separated runs (`offset length class`), the bytes per class and the
/// errors. A report without a map renders nothing (the command says why).
public struct RegionMapTextRenderer: ReportRenderer {
  /// Print only the per-class summary, not the runs.
  public var summaryOnly: Bool
  /// The labels' language (the report's own `language` when not given).
  public var language: Language?
  public init(summaryOnly: Bool = false, language: Language? = nil) {
    self.summaryOnly = summaryOnly
    self.language = language
  }

  public func render(_ report: TriageReport) -> String {
    guard let regions = report.regions else { return "" }
    let w = Words(language ?? Language(rawValue: report.language) ?? .en)
    var out = ""
    if !summaryOnly {
      out += "\(w[.offset])\t\(w[.length])\t\(w[.regionClass])\n"
      for run in regions.runs { out += "\(run.offset)\t\(run.length)\t\(run.regionClass)\n" }
      out += "\n"
    }
    let total = regions.summaryBytes.values.reduce(0, +)
    for (name, bytes) in regions.summaryBytes.sorted(by: { $0.key < $1.key }) {
      let share = total > 0 ? Double(bytes) / Double(total) : 0
      out += "\(name)\t\(bytes)\t\(ByteText.percent(share))\n"
    }
    out += "\(w[.runs])\t\(regions.runsTotal)\n"
    for error in report.errors { out += "\(w[.error])\t\(error.code)\t\(error.offset.map(String.init) ?? "-")\t\(error.message)\n" }
    return out
  }
}
