import BlockScan
import Foundation
import ImageAccess
import ReportModel
import Reporting
import TestSupport
import Testing
import Triage

/// Every output model is Codable: encoded by the one configuration (sorted keys, nulls kept), it decodes back to an
/// equal value, and the committed sample reports decode and re-encode byte for byte.
@Suite struct ReportModelTests {
  static let samples = ["ios-full", "ios-healthy", "onekey", "macos"]

  static func sample(_ name: String) throws -> Data {
    try Data(contentsOf: RealImages.packageRoot.appendingPathComponent("Samples/expected/\(name).report.json"))
  }

  /// The top-level keys of a JSON document, and which of them are null (read by an independent parser).
  static func keys(_ json: String) throws -> (all: Set<String>, null: Set<String>) {
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    return (Set(object.keys), Set(object.filter { $0.value is NSNull }.keys))
  }

  static func roundTrip<M: Codable & Equatable>(_ model: M) throws {
    let text = try ReportJSON.string(model)
    #expect(try ReportJSON.decode(M.self, from: Data(text.utf8)) == model)
    #expect(try ReportJSON.string(try ReportJSON.decode(M.self, from: Data(text.utf8))) == text)
  }

  @Test(arguments: samples)
  func committedTriageReportsDecodeAndReencodeByteForByte(name: String) throws {
    let data = try Self.sample(name)
    let report = try ReportJSON.decode(TriageReport.self, from: data)
    #expect(report.schema == TriageReport.schemaID)
    #expect(try ReportJSON.string(report) == String(decoding: data, as: UTF8.self))
    try Self.roundTrip(report)
  }

  @Test func triageReportOfAFreshTriageRoundTrips() throws {
    let path = RealImages.packageRoot.appendingPathComponent("Samples/onekey.img").path
    var options = TriageOptions()
    options.scan = true
    options.language = .ja
    let report = try Triage.run(path: path, options: options, toolVersion: "test")
    #expect(report.contentScan != nil)
    try Self.roundTrip(report)
  }

  @Test func nullsAreWrittenNotOmitted() throws {
    let report = TriageReport(
      tool: .init(version: "t"),
      evidence: .init(path: "x", sizeBytes: 0, sha256: nil, format: "unknown", apfsOffsetBytes: nil, partitions: []),
      container: nil, regions: nil,
      findings: [.init(code: "c", severity: .info, volume: nil, message: "m", facts: ["n": .null])],
      verdict: .init(verdictClass: .notAPFS, summary: "s", reasons: [], advice: []),
      errors: [.init(code: "e", offset: nil, message: "m")], language: "en")
    let json = try ReportJSON.string(report)
    let (all, null) = try Self.keys(json)
    #expect(null == ["container", "regions", "content_scan", "ipsw"])
    #expect(all.isSuperset(of: ["schema", "tool", "evidence", "findings", "verdict", "errors", "language"]))
    #expect(json.contains("\"sha256\" : null"))
    #expect(json.contains("\"apfs_offset_bytes\" : null"))
    #expect(json.contains("\"volume\" : null"))
    #expect(json.contains("\"offset\" : null"))
    try Self.roundTrip(report)
  }

  @Test func aMissingOptionalKeyDecodesAsNil() throws {
    let json = #"{"code": "e", "message": "m"}"#
    let error = try ReportJSON.decode(TriageReport.ReportError.self, from: Data(json.utf8))
    #expect(error.offset == nil)
    let present = try ReportJSON.decode(TriageReport.ReportError.self, from: Data(#"{"code":"e","offset":7,"message":"m"}"#.utf8))
    #expect(present.offset == 7)
  }

  @Test func factsKeepTheirValuesThroughJSON() throws {
    let facts: [String: Fact] = [
      "big": .uint(.max), "negative": .int(-3), "fraction": .double(0.25), "whole": .double(2), "flag": .bool(true),
      "name": .string("Data"), "list": .list([.int(1), .string("a"), .null]), "none": .null,
    ]
    let decoded = try ReportJSON.decode([String: Fact].self, from: Data(try ReportJSON.string(facts).utf8))
    #expect(decoded == facts)
    #expect(decoded["big"] == .uint(.max))
    #expect(decoded["flag"] == .bool(true))
    #expect(decoded["flag"] != .int(1))
    #expect(Fact.int(2) == .double(2))
    #expect(Fact.int(2) != .double(2.5))
  }

  @Test func scanReportOfARealScanRoundTrips() throws {
    let path = RealImages.packageRoot.appendingPathComponent("Samples/macos.img").path
    let image = try MappedImage(path: path)
    let result = try ContentScanner(options: ScanOptions()).scan(image)
    let report = ScanReport(result, path: path, seconds: nil, barWidth: 32, toolVersion: "t")
    #expect(report.scannedBytes == image.byteCount)
    #expect(!report.empty)
    #expect(report.classes.map(\.bytes).reduce(0, +) == image.byteCount)
    try Self.roundTrip(report)
    // Not sampled: `sample_every` is null, like the unmeasured `seconds`.
    #expect(try Self.keys(try ReportJSON.string(report)).null == ["sample_every", "seconds"])
  }

  @Test func anEmptyImageIsAScanResultNotAFailure() throws {
    let path = try Scratch.file([], name: "empty.img")
    let result = try ContentScanner(options: ScanOptions()).scan(try MappedImage(path: path))
    let report = ScanReport(result, path: path, seconds: nil, barWidth: 32, toolVersion: "t")
    #expect(report.empty)
    #expect(report.scannedBytes == 0)
    #expect(try report.rendered(as: .text).contains("empty image"))
    try Self.roundTrip(report)
  }

  @Test func dmgReportOfTheRealAPFSDMGRoundTrips() throws {
    let path = try RealImages.fixture("dmg/hdimac_test-disk-image-apfs.dmg")
    let report = try DMGReport.describe(try MappedImage(path: path), path: path, hashExpanded: false, toolVersion: "t")
    #expect(report.kind == "udif")
    #expect(report.udif?.expandedSizeBytes == 10_537_472)
    #expect(report.udif?.sha256 == nil)
    let (_, null) = try Self.keys(try ReportJSON.string(report))
    #expect(null == ["encrcdsa", "aea"])
    try Self.roundTrip(report)
  }

  @Test func aDamagedDMGIsALocatedFailureNamingTheFile() throws {
    var bytes = [UInt8](repeating: 0, count: 4096)
    bytes.replaceSubrange(4096 - 512..<4096 - 508, with: Array("koly".utf8))  // a trailer magic with nothing valid
    let path = try Scratch.file(bytes, name: "bad.dmg")
    #expect {
      _ = try DMGReport.describe(try MappedImage(path: path), path: path, hashExpanded: false, toolVersion: "t")
    } throws: { error in
      (error as? ReportFailure)?.description.hasPrefix(path + ": ") == true
    }
  }

  @Test func batchSummaryRoundTripsAndCountsStatusesAndVerdicts() throws {
    let summary = BatchSummary(
      tool: .init(version: "t"), folder: "/evidence", output: "/out",
      files: [
        .init(path: "a.img", sizeBytes: 10, status: .report, verdict: "recoverable", findings: ["x"], errors: 0,
              report: "reports/a.img.report.json"),
        .init(path: "b.img", sizeBytes: 10, status: .report, verdict: "recoverable", errors: 1, report: "r"),
        .init(path: "link", sizeBytes: nil, status: .skipped, message: "symbolic link (not followed)"),
        .init(path: "c.img", sizeBytes: 3, status: .timeout, message: "stopped after 1 s"),
      ])
    #expect(summary.counts.status == ["report": 2, "skipped": 1, "timeout": 1])
    #expect(summary.counts.verdict == ["recoverable": 2])
    #expect(summary.missingReports == 1)
    try Self.roundTrip(summary)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(try ReportJSON.string(summary).utf8)) as? [String: Any])
    let link = try #require((object["files"] as? [[String: Any]])?.first { $0["path"] as? String == "link" })
    #expect(link["verdict"] is NSNull)
    #expect(link["size_bytes"] is NSNull)
    #expect(link["sha256"] is NSNull)
  }

  @Test(arguments: ["IMG4", "IM4P", "IM4M", "IM4R"])
  func img4ReportOfTheRealObjectsRoundTrips(kind: String) throws {
    let path = try RealImages.fixture("img4/" + kind)
    let report = try IMG4Report.describe(try MappedImage(path: path), path: path, toolVersion: "t")
    #expect(report.kind == kind)
    #expect((report.payload != nil) == (kind == "IMG4" || kind == "IM4P"))
    if kind == "IM4P" || kind == "IM4R" { #expect(report.manifest == nil) }
    if kind == "IM4R" { #expect(report.restoreInfo?.isEmpty == false) }
    if kind == "IM4M" { #expect(report.manifest?.signature.status == "valid") }
    try Self.roundTrip(report)
  }

  @Test func notAnIMG4ObjectIsAFailureNamingTheFile() throws {
    let path = try Scratch.file(Array("plain text".utf8), name: "x.im4p")
    #expect {
      _ = try IMG4Report.describe(try MappedImage(path: path), path: path, toolVersion: "t")
    } throws: { error in
      (error as? ReportFailure)?.description == "\(path): not an IMG4/IM4P/IM4M/IM4R DER object"
    }
  }

  @Test(arguments: ["/hardlink", "/dir/compressed-zlib-fork", "/dir/compressed-lzvn-xattr", "/dir/xattr-large", "/dir/fifo"])
  func statReportOfRealFilesRoundTrips(path: String) throws {
    let session = try VolumeSession.open(path: try RealImages.dissect("case_sensitive.bin"), volumeName: nil)
    let report = try StatReport.describe(session, path: path, toolVersion: "t")
    #expect(report.path == path)
    if path.contains("compressed") { #expect(report.compression?.method.isEmpty == false) }
    if path == "/dir/xattr-large" { #expect(report.xattrs.contains { $0.streamBytes != nil && $0.embeddedBytes == nil }) }
    if path == "/dir/fifo" { #expect(report.dataStream == nil && report.extents.isEmpty) }
    let text = try report.rendered(as: .text)
    #expect(text.hasPrefix("path:        \(path)\n"))
    #expect(text.components(separatedBy: "\nextent:").count - 1 == report.extents.count)
    try Self.roundTrip(report)
  }
}
