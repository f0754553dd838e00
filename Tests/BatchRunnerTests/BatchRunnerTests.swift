import Foundation
import ReportModel
import Reporting
import TestSupport
import Testing

@testable import BatchRunner

/// The batch engine as a library: the folder walk, the output-folder checks, reading a child's report back with the
/// TriageReport model, and supervising real `ringo triage` children.
@Suite struct BatchRunnerTests {
  /// A fresh folder holding `evidence/` (two images in two levels, a text file, a link) and nothing else.
  static func folder() throws -> (root: String, evidence: String) {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-batchrunner-\(UUID().uuidString)")
    let evidence = root.appendingPathComponent("evidence")
    try FileManager.default.createDirectory(at: evidence.appendingPathComponent("sub"), withIntermediateDirectories: true)
    let samples = RealImages.packageRoot.appendingPathComponent("Samples")
    try FileManager.default.copyItem(
      at: samples.appendingPathComponent("macos.img"), to: evidence.appendingPathComponent("sub/macos.img"))
    try Data("not an image\n".utf8).write(to: evidence.appendingPathComponent("notes.txt"))
    try FileManager.default.createSymbolicLink(
      atPath: evidence.appendingPathComponent("link.img").path, withDestinationPath: "/etc/hostname")
    return (root.path, evidence.path)
  }

  /// The `ringo` binary `swift build --build-tests` put beside the test bundle.
  static var ringo: String {
    var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    if folder.lastPathComponent.hasSuffix(".xctest") { folder = folder.deletingLastPathComponent() }
    return folder.appendingPathComponent("ringo").path
  }

  @Test func thePlanListsTheFolderSortedAndSkipsLinks() throws {
    let (root, evidence) = try Self.folder()
    let plan = try BatchPlan(evidence: evidence, output: root + "/out")
    #expect(plan.entries.map(\.relative) == ["link.img", "notes.txt", "sub/macos.img"])
    #expect(plan.entries[0].skipped == "symbolic link (not followed)")
    #expect(plan.entries[1].size == 13)
    #expect(plan.entries[2].skipped == nil)
    #expect(FileManager.default.fileExists(atPath: root + "/out"))
    let canonicalOut = try EvidenceGuard.canonical(root + "/out")
    #expect(plan.reportPath(plan.entries[2]) == canonicalOut + "/reports/sub/macos.img.report.json")
    #expect(plan.reportPath(plan.entries[2], format: .markdown) == canonicalOut + "/reports/sub/macos.img.report.md")
  }

  @Test func outputFoldersInsideTheEvidenceOrNotEmptyAreRefused() throws {
    let (root, evidence) = try Self.folder()
    #expect(throws: OutputRefused.self) { try BatchPlan.checkFolders(evidence: evidence, output: evidence + "/out") }
    #expect(throws: OutputRefused.self) { try BatchPlan.checkFolders(evidence: evidence + "/sub", output: evidence) }
    #expect(throws: OutputRefused.self) { try BatchPlan.checkFolders(evidence: evidence + "/notes.txt", output: root) }
    try FileManager.default.createDirectory(atPath: root + "/used", withIntermediateDirectories: false)
    try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/used/summary.json"))
    #expect(throws: OutputRefused.self) { try BatchPlan.checkFolders(evidence: evidence, output: root + "/used") }
    try BatchPlan.checkFolders(evidence: evidence, output: root + "/new")
  }

  @Test func aChildsReportIsReadBackWithTheTriageReportModel() throws {
    let path = RealImages.packageRoot.appendingPathComponent("Samples/expected/ios-full.report.json").path
    let report = try ReportJSON.decode(TriageReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    var file = BatchSummary.File(path: "x", sizeBytes: 1, status: .report)
    BatchRunner.readFacts(path, into: &file)
    #expect(file.status == .report)
    #expect(file.verdict == "unrecoverable-without-vendor")
    #expect(file.findings == report.findings.map(\.code))
    #expect(file.findings.contains("low-free-space"))
    #expect(file.sha256 == report.evidence.sha256)
    #expect(file.errors == report.errors.count)
  }

  @Test func aReportOfAnotherSchemaOrTruncatedMarksTheFileFailed() throws {
    let summary = BatchSummary(tool: .init(version: "t"), folder: "/e", output: "/o", files: [])
    let other = try Scratch.file(Array(try ReportJSON.string(summary).utf8), name: "other.json")
    var file = BatchSummary.File(path: "x", sizeBytes: 1, status: .report)
    BatchRunner.readFacts(other, into: &file)
    #expect(file.status == .failed)
    #expect(file.message?.contains("not a ringo.triage/1 document") == true)

    let sample = try Data(
      contentsOf: RealImages.packageRoot.appendingPathComponent("Samples/expected/macos.report.json"))
    let cut = try Scratch.file(Array(sample.prefix(sample.count / 2)), name: "cut.json")
    var truncated = BatchSummary.File(path: "y", sizeBytes: 1, status: .report)
    BatchRunner.readFacts(cut, into: &truncated)
    #expect(truncated.status == .failed)
    #expect(truncated.verdict == nil)
  }

  @Test func realChildrenGiveReportsAndTheSummaryCountsThem() throws {
    let (root, evidence) = try Self.folder()
    let plan = try BatchPlan(evidence: evidence, output: root + "/out")
    let runner = BatchRunner(
      plan: plan, executable: Self.ringo, childOptions: ["--no-hash"], extraFormats: [.text, .json], jobs: 2,
      timeout: 600)
    let summary = runner.summary(toolVersion: "t")
    #expect(summary.files.map(\.status) == [.skipped, .report, .report])
    #expect(summary.files.map(\.verdict) == [nil, "not-apfs", "recoverable"])
    #expect(summary.counts.verdict == ["not-apfs": 1, "recoverable": 1])
    #expect(summary.missingReports == 0)
    #expect(FileManager.default.fileExists(atPath: plan.reportPath(plan.entries[2], format: .text)))
    let text = try plan.write(summary)
    #expect(text.contains("sub/macos.img  recoverable"))
    let written = try ReportJSON.decode(
      BatchSummary.self, from: Data(contentsOf: URL(fileURLWithPath: plan.output + "/summary.json")))
    #expect(written == summary)
  }

  @Test func aChildPastTheTimeoutIsStoppedAndLeavesNoReport() throws {
    let (root, evidence) = try Self.folder()
    let plan = try BatchPlan(evidence: evidence, output: root + "/out")
    let files = BatchRunner(plan: plan, executable: Self.ringo, childOptions: [], jobs: 1, timeout: 0.001).run()
    #expect(files.map(\.status) == [.skipped, .timeout, .timeout])
    #expect(!FileManager.default.fileExists(atPath: plan.reportPath(plan.entries[2])))
  }

  @Test func aMissingExecutableIsAFailedFileNotACrash() throws {
    let (root, evidence) = try Self.folder()
    let plan = try BatchPlan(evidence: evidence, output: root + "/out")
    let files = BatchRunner(plan: plan, executable: root + "/no-such-ringo", childOptions: [], jobs: 1, timeout: 10).run()
    #expect(files[1].status == .failed)
    #expect(files[1].message?.hasPrefix("cannot start ") == true)
  }
}
