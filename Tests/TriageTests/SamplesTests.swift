import APFSForge
import Foundation
import ImageAccess
import Reporting
import TestSupport
import Testing

@testable import Triage

/// The committed samples: their bytes are what the forge makes from their preset and seed, and their reports are
/// the committed expected reports (so README's first command shows what the README says).
@Suite struct SamplesTests {
  static let samples: [(name: String, preset: Preset, seed: UInt64, size: UInt64?, verdict: TriageReport.VerdictClass)] = [
    ("ios-full", .iosFull, 1, nil, .unrecoverableWithoutVendor),
    ("ios-healthy", .iosHealthy, 2, nil, .unrecoverableWithoutVendor),
    ("onekey", .onekey, 3, nil, .recoverableWithCredentials),
    ("macos", .macos, 4, 8 << 20, .recoverable),
  ]

  static func samplePath(_ name: String) -> String {
    RealImages.packageRoot.appendingPathComponent("Samples/\(name).img").path
  }

  @Test(arguments: samples.map(\.name))
  func reportEqualsTheCommittedExpectedReport(name: String) throws {
    let sample = Self.samples.first { $0.name == name }!
    var report = try Triage.run(path: Self.samplePath(name), options: TriageOptions(), toolVersion: "0.1.0")
    report.evidence.path = "Samples/\(name).img"
    #expect(report.verdict.verdictClass == sample.verdict)
    let expected = try String(
      contentsOf: RealImages.packageRoot.appendingPathComponent("Samples/expected/\(name).report.json"), encoding: .utf8)
    #expect(try report.rendered(as: .json) == expected)
    let expectedText = try String(
      contentsOf: RealImages.packageRoot.appendingPathComponent("Samples/expected/\(name).report.txt"), encoding: .utf8)
    #expect(TextRenderer().render(report) == expectedText)
    #expect(try SchemaCheck.validate(report))
  }

  @Test(arguments: samples.map(\.name))
  func theForgeRebuildsTheSampleByteForByte(name: String) throws {
    let sample = Self.samples.first { $0.name == name }!
    let path = try Scratch.file([], name: "\(name).img")
    try FileManager.default.removeItem(atPath: path)
    _ = try APFSForger.forge(sample.preset.spec(seed: sample.seed, size: sample.size, free: nil, files: nil), to: path)
    #expect(try EvidenceHash.sha256(of: try MappedImage(path: path))
            == EvidenceHash.sha256(of: try MappedImage(path: Self.samplePath(name))))
  }
}
