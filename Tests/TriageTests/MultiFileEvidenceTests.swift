import Evidence
import Foundation
import ImageAccess
import Testing
import TestSupport

@testable import Triage

/// E01 sets made by the real `ewfacquire` (Debian ewf-tools) and split raw sets made by `split`, from dissect's
/// real images: the same container, volumes, files and verdict as the raw image; a corrupted chunk and a missing
/// segment are reported, located, and make the verdict `damaged`.
@Suite struct MultiFileEvidenceTests {
  static let raw = "snapshot.bin"

  /// A fresh folder in the system temp folder.
  static func folder() throws -> String {
    URL(fileURLWithPath: try Scratch.file([], name: "placeholder")).deletingLastPathComponent().path
  }

  /// `image` acquired with ewfacquire into 1 MiB segments (several files for a 32 MiB image), MD5 and SHA-1 stored.
  static func acquire(_ image: String) throws -> String {
    let target = try folder() + "/disk"
    let (status, output) = try RealImages.run(
      "ewfacquire",
      ["-u", "-q", "-t", target, "-C", "CASE-7", "-e", "Examiner Name", "-E", "EV-1", "-D", "test disk", "-N", "notes",
       "-d", "sha1", "-c", "deflate:fast", "-S", "1MiB", image])
    guard status == 0 else { throw RealImages.Missing(path: "ewfacquire failed: \(output)") }
    return target + ".E01"
  }

  func triage(_ path: String) throws -> TriageReport { try EvidenceComparison.triage(path) }
  func containerJSON(_ report: TriageReport) throws -> String { try EvidenceComparison.containerJSON(report) }

  @Test func anE01SetReadsLikeTheRawImageAndVerifies() throws {
    let raw = try RealImages.dissect(Self.raw)
    let e01 = try Self.acquire(raw)
    let expected = try triage(raw)
    let report = try triage(e01)
    #expect(report.evidence.format == "ewf")
    #expect(try containerJSON(report) == containerJSON(expected))
    #expect(report.container != nil)
    #expect(report.verdict.verdictClass == expected.verdict.verdictClass)
    #expect(report.errors.isEmpty, "\(report.errors)")
    let ewf = try #require(report.evidence.ewf)
    #expect(ewf.verified == true)
    #expect(ewf.caseNumber == "CASE-7")
    #expect(ewf.examiner == "Examiner Name")
    #expect(ewf.evidenceNumber == "EV-1")
    #expect(ewf.mediaSizeBytes == (try MappedImage(path: raw)).byteCount)
    // The stored and recomputed MD5 equal the raw file's own MD5 (md5sum, an independent tool).
    let (_, md5sum) = try RealImages.run("md5sum", [raw])
    #expect(ewf.stored.md5 == String(md5sum.prefix(32)))
    #expect(ewf.computed.md5 == ewf.stored.md5)
    #expect(ewf.computed.sha1 == ewf.stored.sha1)
    #expect(ewf.acquiredAt?.contains("T") == true)
    let segments = try #require(report.evidence.segments)
    #expect(segments.count >= 3)
    #expect(segments.first?.name == "disk.E01")
    #expect(segments.map(\.name) == segments.indices.map { "disk.E0\($0 + 1)" })
    #expect(report.evidence.sizeBytes == segments.reduce(0) { $0 + $1.sizeBytes })
    #expect(try SchemaCheck.validate(report))
  }

  @Test func aCorruptedChunkIsLocatedAndTheEvidenceDamaged() throws {
    let e01 = try Self.acquire(try RealImages.dissect(Self.raw))
    let second = e01.replacingOccurrences(of: ".E01", with: ".E02")
    // Flip one byte in the middle of the second segment (inside compressed chunk data).
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: second))
    try handle.seek(toOffset: 500_000)
    let byte = try handle.read(upToCount: 1)![0]
    try handle.seek(toOffset: 500_000)
    try handle.write(contentsOf: Data([byte ^ 0xFF]))
    try handle.close()
    // ewfverify (libewf's own tool) names the damaged sectors: "at sector(s): A - B".
    let (_, verify) = try RealImages.run("ewfverify", [e01])
    let line = try #require(verify.split(separator: "\n").first { $0.contains("at sector(s):") })
    let firstSector = try #require(Int(line.split(separator: ":")[1].split(separator: "-")[0].trimmingCharacters(in: .whitespaces)))

    let report = try triage(e01)
    let error = try #require(report.errors.first { $0.code == "ewf-chunk-checksum" })
    #expect(error.offset == firstSector * 512)
    #expect(report.evidence.ewf?.verified == false)
    #expect(report.evidence.ewf?.checksumErrors.first?.offset == firstSector * 512)
    #expect(report.verdict.verdictClass == .damaged)
    #expect(try SchemaCheck.validate(report))
  }

  @Test func aMissingSecondSegmentIsAnErrorNamingIt() throws {
    let e01 = try Self.acquire(try RealImages.dissect(Self.raw))
    try FileManager.default.removeItem(atPath: e01.replacingOccurrences(of: ".E01", with: ".E02"))
    let report = try triage(e01)
    #expect(report.evidence.format == "ewf")
    let error = try #require(report.errors.first)
    #expect(error.message.contains("disk.E02"), "\(error.message)")
    #expect(report.verdict.verdictClass == .damaged)
    #expect(try SchemaCheck.validate(report))
  }

  @Test func aMissingLastSegmentIsAnErrorAtTheFirstUnreadableOffset() throws {
    let e01 = try Self.acquire(try RealImages.dissect(Self.raw))
    var last = e01
    while FileManager.default.fileExists(atPath: EWFNames.next(last)) { last = EWFNames.next(last) }
    try FileManager.default.removeItem(atPath: last)
    let report = try triage(e01)
    #expect(report.verdict.verdictClass == .damaged)
    let error = try #require(report.errors.first { $0.code == "ewf-segment-missing" }, "\(report.errors)")
    #expect(error.message.contains(EWFImage.baseName(last)), "\(error.message)")
    // ewfverify (libewf's own tool) places the missing media at the same sector.
    let (_, verify) = try RealImages.run("ewfverify", [e01])
    let line = try #require(verify.split(separator: "\n").first { $0.contains("at sector(s):") })
    let firstSector = try #require(Int(line.split(separator: ":")[1].split(separator: "-")[0].trimmingCharacters(in: .whitespaces)))
    #expect(error.offset == firstSector * 512)
    #expect(report.evidence.ewf?.verified == nil)  // the hash section was in the missing segment
    #expect(try SchemaCheck.validate(report))
  }

  /// libewf leaks the chunk buffer of every read it fails (FUZZING.md, finding 7; found by the `ewf` harness,
  /// Tests/FuzzReproducers/ewf/failed-read-leaks-chunk-buffer): a reader that keeps reading such a set must not reach
  /// libewf once per unreadable chunk. With a budget of one failed read, every chunk of the reproducer's media is asked
  /// for twice: the failures are located at or past the first one, and libewf saw exactly one of them.
  @Test func failedReadsReachLibewfABoundedNumberOfTimes() throws {
    let reproducer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("FuzzReproducers/ewf/failed-read-leaks-chunk-buffer")
    // libewf finds segments by name: the input is the single segment image.E01, as the harness writes it.
    let segment = try Scratch.file([UInt8](try Data(contentsOf: reproducer)), name: "image.E01")
    let probe = try EWFImage(firstSegment: segment, cache: ChunkCache(capacityBytes: 0))
    let image = try EWFImage(
      firstSegment: segment, cache: ChunkCache(capacityBytes: 0), failedReadBytes: probe.chunkSize)
    #expect(image.failedReadLimit == 1)
    var buffer = [UInt8](repeating: 0, count: image.chunkSize)
    var firstFailure: Int? = nil
    var failures = 0
    for _ in 0..<2 {
      var offset = 0
      while offset < image.byteCount {
        let count = min(image.chunkSize, image.byteCount - offset)
        do {
          try buffer.withUnsafeMutableBytes { try image.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count]), at: offset) }
        } catch {
          failures += 1
          let at = try #require((error as? ParseError)?.offset, "\(error)")
          if let firstFailure { #expect(at >= firstFailure) } else { firstFailure = at }
        }
        offset += count
      }
    }
    #expect(failures >= 2, "the reproducer's media must fail to read (failed \(failures) times)")
    #expect(image.libewfReadFailures == 1, "libewf saw \(image.libewfReadFailures) of \(failures) failing reads")
  }

  @Test func aSplitRawSetReadsLikeTheRawImage() throws {
    let raw = try RealImages.dissect(Self.raw)
    let folder = try Self.folder()
    let (status, output) = try RealImages.run("split", ["-b", "3M", "-a", "2", raw, folder + "/disk."])
    #expect(status == 0, "\(output)")
    let expected = try triage(raw)
    let report = try triage(folder + "/disk.aa")
    #expect(report.evidence.format == "split-raw")
    #expect(report.evidence.sha256 == expected.evidence.sha256)
    #expect(report.evidence.segments?.count == 11)
    #expect(try containerJSON(report) == containerJSON(expected))
    #expect(report.verdict.verdictClass == expected.verdict.verdictClass)
    #expect(try SchemaCheck.validate(report))
  }
}

/// The EnCase segment names for tests: `.E01` → `.E02`.
enum EWFNames {
  static func next(_ path: String) -> String {
    let number = Int(path.suffix(2))!
    return String(path.dropLast(2)) + (number < 9 ? "0\(number + 1)" : "\(number + 1)")
  }
}
