import Foundation
import ImageAccess
import TestSupport
import Testing

@testable import Triage

/// Triage with the content scan: images without structures, and disagreements between the two maps.
@Suite struct ContentScanTriageTests {
  func triage(_ path: String, scan: Bool? = nil) throws -> TriageReport {
    var options = TriageOptions()
    options.hash = false
    options.scan = scan
    return try Triage.run(path: path, options: options, toolVersion: "test")
  }

  @Test func aRandomDumpIsWholeImageEncrypted() throws {
    let report = try triage(try Scratch.file(Scratch.randomBytes(count: 4 << 20, seed: 9)))
    #expect(report.verdict.verdictClass == .notAPFS)
    #expect(report.findings.contains { $0.code == "whole-image-encrypted" && $0.severity == .critical })
    #expect(report.regions?.source == "content")
    #expect(report.contentScan?.wholeImageEncrypted == true)
    #expect(report.verdict.summary.contains("encrypted as a whole"))
    #expect(try SchemaCheck.validate(report))
  }

  @Test func aTextDumpIsNotCalledEncrypted() throws {
    let line = Array("Plain text line of a log file, not ciphertext at all. 0123456789\n".utf8)
    let bytes = (0..<(2 << 20) / line.count).flatMap { _ in line }
    let report = try triage(try Scratch.file(bytes))
    #expect(report.verdict.verdictClass == .notAPFS)
    #expect(!report.findings.contains { $0.code == "whole-image-encrypted" })
    #expect((report.contentScan?.summaryBytes["text"] ?? 0) > 1 << 20)
  }

  @Test func theScanIsOffByDefaultWhenAContainerExists() throws {
    let sample = RealImages.packageRoot.appendingPathComponent("Samples/ios-full.img").path
    #expect(try triage(sample).contentScan == nil)
    let scanned = try triage(sample, scan: true)
    #expect(scanned.contentScan != nil)
    #expect(scanned.regions?.source == "structure")
    #expect(!scanned.findings.contains { $0.code == "encrypted-looks-like-text" })
  }

  @Test func textInEncryptedExtentsAndDataInFreeBlocksBecomeFindings() throws {
    let sample = RealImages.packageRoot.appendingPathComponent("Samples/ios-healthy.img").path
    let structure = try triage(sample)
    let encrypted = try #require(structure.regions?.runs.first { $0.regionClass == "file-encrypted" })
    let free = try #require(structure.regions?.runs.first { $0.regionClass == "free" && $0.length >= 8192 })
    let text = Array(String(repeating: "plain words where ciphertext should be\n", count: 200).utf8)
    let path = try Scratch.mutatedCopy(of: sample) { bytes in
      for i in 0..<4096 { bytes[encrypted.offset + i] = text[i] }
      for i in 0..<4096 { bytes[free.offset + i] = text[i] }
    }
    let report = try triage(path, scan: true)
    let looksLikeText = try #require(report.findings.first { $0.code == "encrypted-looks-like-text" })
    #expect(looksLikeText.facts["first_offset"] == .int(Int64(encrypted.offset)))
    #expect(report.findings.contains { $0.code == "free-space-remnants" })
  }
}
