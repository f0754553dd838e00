import Foundation
import IPSWFormat
import ImageAccess
import TestSupport
import Testing

/// `AEAExtractor` on Apple's real profile-0 fixture (signed, not encrypted: no key): the payload lands as NAME
/// (the name without `.aea`) only when complete; existing files are kept; a symlink at the target name is replaced,
/// never followed; a damaged archive leaves nothing behind.
@Suite struct AEAExtractorTests {
  static func fixture() throws -> String { try RealImages.fixture("aea/contactVerificationTest.shortcut") }

  static func folder() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-aea-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
  }

  @Test func outputNames() {
    #expect(AEAExtractor.outputName(for: "/x/096-1.dmg.aea") == "096-1.dmg")
    #expect(AEAExtractor.outputName(for: "/x/archive.AEA") == "archive")
    #expect(AEAExtractor.outputName(for: "/x/.aea") == "payload")
    #expect(AEAExtractor.outputName(for: "plain") == "plain")
  }

  @Test func extractsOnceKeepsExistingFilesAndReportsProgress() throws {
    let out = try Self.folder()
    var extractor = AEAExtractor(path: try Self.fixture(), key: nil)
    let progress = ByteProgress()
    extractor.progress = progress
    let outcome = try extractor.extract(into: out)
    #expect(outcome.name == "contactVerificationTest.shortcut" && outcome.bytes == 145_341 && outcome.profile == 0)
    #expect(progress.total == 145_341 && progress.done == 145_341)
    #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["contactVerificationTest.shortcut"])
    // A second run without overwrite refuses and keeps the file.
    #expect(throws: AEAExtractor.Failure.self) { try AEAExtractor(path: try Self.fixture(), key: nil).extract(into: out) }
    let kept = try FileManager.default.attributesOfItem(atPath: out + "/contactVerificationTest.shortcut")
    #expect(kept[.size] as? Int == 145_341)
  }

  @Test func aSymlinkAtTheTargetIsReplacedNotFollowed() throws {
    let out = try Self.folder()
    let elsewhere = try Self.folder() + "/victim"
    try Data("untouched".utf8).write(to: URL(fileURLWithPath: elsewhere))
    try FileManager.default.createSymbolicLink(atPath: out + "/contactVerificationTest.shortcut", withDestinationPath: elsewhere)
    var extractor = AEAExtractor(path: try Self.fixture(), key: nil)
    extractor.overwrite = true
    _ = try extractor.extract(into: out)
    #expect(try String(contentsOfFile: elsewhere, encoding: .utf8) == "untouched")
    let attributes = try FileManager.default.attributesOfItem(atPath: out + "/contactVerificationTest.shortcut")
    #expect(attributes[.type] as? FileAttributeType == .typeRegular)
  }

  @Test func aSymlinkedOutputFolderIsRefused() throws {
    let real = try Self.folder()
    let link = try Self.folder() + "/link"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
    #expect(throws: AEAExtractor.Failure.self) { try AEAExtractor(path: try Self.fixture(), key: nil).extract(into: link) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: real).isEmpty)
  }

  @Test func damagedArchivesAndCapsLeaveNothing() throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try Self.fixture())))
    var damaged = bytes
    damaged[damaged.count * 3 / 4] ^= 0x40
    let copy = try Self.folder() + "/damaged.shortcut.aea"
    try Data(damaged).write(to: URL(fileURLWithPath: copy))
    let out = try Self.folder()
    do {
      _ = try AEAExtractor(path: copy, key: nil).extract(into: out)
      Issue.record("a damaged segment must fail")
    } catch {
      #expect(error.description.contains("nothing was written") && error.archiveFailure?.offset != nil, "\(error)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    var capped = AEAExtractor(path: try Self.fixture(), key: nil)
    capped.maxBytes = 1000
    #expect(throws: AEAExtractor.Failure.self) { try capped.extract(into: out) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
  }
}
