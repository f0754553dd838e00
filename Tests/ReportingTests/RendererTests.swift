import Foundation
import ReportModel
import Reporting
import TestSupport
import Testing
import Triage

/// Every output format goes through one protocol: a model in, text out.
@Suite struct RendererTests {
  static func sampleReport(_ name: String = "macos") throws -> TriageReport {
    try ReportJSON.decode(
      TriageReport.self,
      from: Data(contentsOf: RealImages.packageRoot.appendingPathComponent("Samples/expected/\(name).report.json")))
  }

  /// Renders with any renderer of the model: the code a new output format (HTML) plugs into.
  static func renderAll<M>(_ model: M, with renderers: [any ReportRenderer<M>]) throws -> [String] {
    try renderers.map { try $0.render(model) }
  }

  @Test func triageReportHasTextMarkdownAndJSON() throws {
    let report = try Self.sampleReport()
    #expect(TriageReport.formats == [.text, .json, .markdown])
    let expectedText = try String(
      contentsOf: RealImages.packageRoot.appendingPathComponent("Samples/expected/macos.report.txt"), encoding: .utf8)
    #expect(try report.rendered(as: .text) == expectedText)
    #expect(try report.rendered(as: .markdown).hasPrefix("# Ringo triage report"))
    let json = try report.rendered(as: .json)
    #expect(try ReportJSON.decode(TriageReport.self, from: Data(json.utf8)) == report)
  }

  @Test func aRendererConformingToTheProtocolPlugsIn() throws {
    struct VerdictLine: ReportRenderer {
      func render(_ r: TriageReport) -> String { r.verdict.verdictClass.rawValue + "\n" }
    }
    let report = try Self.sampleReport("ios-full")
    let outputs = try Self.renderAll(report, with: [VerdictLine(), TextRenderer(), JSONRenderer<TriageReport>()])
    #expect(outputs[0] == "unrecoverable-without-vendor\n")
    #expect(outputs[1].contains("Verdict: unrecoverable-without-vendor"))
    #expect(outputs[2].contains("\"class\" : \"unrecoverable-without-vendor\""))
  }

  @Test func aFormatAModelHasNoRendererForIsRefused() throws {
    let summary = BatchSummary(tool: .init(version: "t"), folder: "/e", output: "/o", files: [])
    #expect(BatchSummary.formats == [.text, .json])
    #expect(IPSWReport.formats == [.text, .json])
    #expect(DMGReport.formats == [.text, .json])
    #expect(ScanReport.formats == [.text, .json])
    #expect(throws: UnsupportedFormat.self) { try summary.rendered(as: .markdown) }
  }

  @Test func batchTextListsEveryFileAndTheCounts() throws {
    let summary = BatchSummary(
      tool: .init(version: "t"), folder: "/evidence", output: "/out",
      files: [
        .init(path: "a.img", sizeBytes: 1, status: .report, verdict: "recoverable", findings: ["low-free-space"]),
        .init(path: "b.img", sizeBytes: 1, status: .crashed, message: "the triage process died on signal 7"),
      ])
    let text = try summary.rendered(as: .text)
    #expect(text.hasPrefix("Batch triage of /evidence: 2 files, reports in /out\n"))
    #expect(text.contains("  a.img  recoverable  [low-free-space]\n"))
    #expect(text.contains("  b.img  crashed: the triage process died on signal 7\n"))
    #expect(text.hasSuffix("Verdicts: recoverable 1\nFiles: crashed 1, report 1\n"))
  }

  @Test func outputFormatsByFileExtension() {
    #expect(OutputFormat(pathExtension: "MD") == .markdown)
    #expect(OutputFormat(pathExtension: "txt") == .text)
    #expect(OutputFormat(pathExtension: "json") == .json)
    #expect(OutputFormat(pathExtension: "pdf") == nil)
    #expect(OutputFormat.allCases.map(\.reportSuffix) == [".report.txt", ".report.json", ".report.md"])
  }

  @Test func regionMapRunsAndSummaryFromTheModel() throws {
    let report = try Self.sampleReport()
    let regions = try #require(report.regions)
    let full = RegionMapTextRenderer().render(report)
    #expect(full.hasPrefix("offset\tlength\tclass\n"))
    #expect(full.split(separator: "\n").count == 1 + regions.runs.count + regions.summaryBytes.count + 1)
    let summary = RegionMapTextRenderer(summaryOnly: true).render(report)
    #expect(!summary.contains("offset\t"))
    #expect(summary.hasSuffix("runs\t\(regions.runsTotal)\n"))
    #expect(full.hasSuffix(summary))
  }
}
