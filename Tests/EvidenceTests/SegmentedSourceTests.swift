import Foundation
import ImageAccess
import Testing
import TestSupport

@testable import Evidence

/// A source backed by several files: reads inside and across segments, truncated segments, split raw sets.
@Suite struct SegmentedSourceTests {
  static func segments(_ sizes: [Int], seed: UInt64 = 3) throws -> (SegmentedSource, [UInt8]) {
    var all: [UInt8] = []
    var parts: [SegmentedSource.Segment] = []
    for (i, size) in sizes.enumerated() {
      let bytes = Scratch.randomBytes(count: size, seed: seed &+ UInt64(i))
      all += bytes
      parts.append(.init(name: "x.\(i + 1)", source: try MappedImage(path: try Scratch.file(bytes, name: "x.\(i + 1)"))))
    }
    return (try SegmentedSource(segments: parts), all)
  }

  @Test func readsInsideAndAcrossSegmentsEqualTheConcatenation() throws {
    let (source, all) = try Self.segments([5000, 1, 70_000, 0, 4096])
    #expect(source.byteCount == all.count)
    var random = SeededRandom(seed: 9)
    for _ in 0..<500 {
      let start = Int(random.next() % UInt64(all.count))
      let length = Int(random.next() % UInt64(min(80_000, all.count - start) + 1))
      #expect(try source.read(start..<(start + length)) == Array(all[start..<(start + length)]))
    }
    // Exactly on the boundaries, and one byte either side.
    for boundary in [5000, 5001, 75_001] {
      #expect(try source.read((boundary - 1)..<(boundary + 1)) == Array(all[(boundary - 1)..<(boundary + 1)]))
    }
    #expect(source.segmentIndex(containing: 5000) == 1)
    #expect(source.segmentIndex(containing: 5001) == 2)
  }

  @Test func aReadPastTheEndIsALocatedError() throws {
    let (source, all) = try Self.segments([100, 200])
    #expect(throws: ParseError(.truncated(needed: 10, available: 5), in: "segment_list", at: all.count - 5)) {
      _ = try source.read((all.count - 5)..<(all.count + 5))
    }
  }

  @Test func aSegmentShorterThanDeclaredIsAnErrorNamingItsFile() throws {
    let a = try MappedImage(path: try Scratch.file([UInt8](repeating: 1, count: 4096), name: "disk.001"))
    let b = try MappedImage(path: try Scratch.file([UInt8](repeating: 2, count: 1000), name: "disk.002"))
    #expect(throws: ParseError(.truncated(needed: 4096, available: 1000), in: "segment_file disk.002", at: 4096)) {
      _ = try SegmentedSource(
        segments: [.init(name: "disk.001", source: a), .init(name: "disk.002", source: b)], expectedBytes: [4096, 4096])
    }
  }

  @Test func splitRawNamesFollowTheFirstPiecesWidth() {
    #expect(SplitRawSet.isFirstPiece("/a/x.001"))
    #expect(SplitRawSet.isFirstPiece("/a/x.000"))
    #expect(SplitRawSet.isFirstPiece("/a/x.aa"))
    #expect(!SplitRawSet.isFirstPiece("/a/x.002"))
    #expect(!SplitRawSet.isFirstPiece("/a/x.img"))
    #expect(!SplitRawSet.isFirstPiece("/a.001/x"))
    #expect(SplitRawSet.nextPiece("/a/x.009") == "/a/x.010")
    #expect(SplitRawSet.nextPiece("/a/x.az") == "/a/x.ba")
    #expect(SplitRawSet.nextPiece("/a/x.999") == nil)
  }

  @Test func aSplitSetMadeBySplitOpensAsOneDisk() throws {
    let raw = try RealImages.dissect("snapshot.bin")
    let folder = URL(fileURLWithPath: try Scratch.file([], name: "placeholder")).deletingLastPathComponent().path
    // Unequal pieces: 5 MiB each, the last shorter (32 MiB = 6 × 5 MiB + 2 MiB).
    let (status, output) = try RealImages.run(
      "split", ["-b", "5M", "-d", "-a", "3", "--numeric-suffixes=1", raw, folder + "/disk."])
    #expect(status == 0, "\(output)")
    let opened = try OpenedEvidence.open(path: folder + "/disk.001")
    #expect(opened.format == .splitRaw)
    #expect(opened.segments?.count == 7)
    #expect(opened.segments?.last?.sizeBytes == 2 << 20)
    #expect(opened.stored.byteCount == (try MappedImage(path: raw)).byteCount)
    #expect(try EvidenceHash.sha256(of: opened.stored) == (try EvidenceHash.sha256(of: try MappedImage(path: raw))))
    #expect(opened.apfsOffset == 0)
  }
}
