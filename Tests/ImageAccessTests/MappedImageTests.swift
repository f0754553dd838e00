import Foundation
import Testing
@testable import ImageAccess

@Suite struct MappedImageTests {
  /// A temporary file of `size` pseudo-random bytes, outside any evidence folder.
  static func makeFile(size: Int, seed: UInt64 = 7) throws -> (URL, [UInt8]) {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: size)
    for i in 0..<size {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      bytes[i] = UInt8(truncatingIfNeeded: state >> 33)
    }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-mapped-\(UUID().uuidString).bin")
    try Data(bytes).write(to: url)
    return (url, bytes)
  }

  @Test func windowedReadsEqualTheFileAcrossWindowEdges() throws {
    let (url, bytes) = try Self.makeFile(size: 3 * 65536 + 123)
    defer { try? FileManager.default.removeItem(at: url) }
    let image = try MappedImage(path: url.path, windowSize: 65536, cachedWindows: 2)
    #expect(image.byteCount == bytes.count)
    let ranges = [0..<16, 65530..<65542, 65536..<131072, 100..<190_000, (bytes.count - 7)..<bytes.count, 5..<5]
    for range in ranges {
      #expect(try image.read(range) == Array(bytes[range]))
    }
  }

  @Test func readsPastTheEndThrowWithTheOffset() throws {
    let (url, bytes) = try Self.makeFile(size: 1000)
    defer { try? FileManager.default.removeItem(at: url) }
    let image = try MappedImage(path: url.path)
    do {
      _ = try image.read(990..<1010)
      Issue.record("no error")
    } catch let error as ParseError {
      #expect(error.offset == 990)
      #expect(error.reason == .truncated(needed: 20, available: 10))
    }
    #expect(bytes.count == 1000)
  }

  @Test func windowPassCoversEveryByteOnce() throws {
    let (url, bytes) = try Self.makeFile(size: 300_001)
    defer { try? FileManager.default.removeItem(at: url) }
    let image = try MappedImage(path: url.path)
    var seen: [UInt8] = []
    try image.forEachWindow(windowSize: 65536) { offset, buffer in
      #expect(offset == seen.count)
      seen.append(contentsOf: buffer)
    }
    #expect(seen == bytes)
  }

  @Test func missingFileIsAnOpenError() {
    #expect(throws: ImageError.self) { _ = try MappedImage(path: "/nonexistent/ringo/evidence.img") }
  }

  @Test func hashIsSHA256AndLeavesTheFileUntouched() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-hash-\(UUID().uuidString).bin")
    try Data("abc".utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    let before = try FileManager.default.attributesOfItem(atPath: url.path)
    let image = try MappedImage(path: url.path)
    #expect(try EvidenceHash.sha256(of: image)
      == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(try EvidenceHash.sha256(of: MemorySource(Array("abc".utf8)), chunkSize: 1)
      == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let after = try FileManager.default.attributesOfItem(atPath: url.path)
    #expect(before[.modificationDate] as? Date == after[.modificationDate] as? Date)
  }

  @Test func slicesStayInsideTheirParent() throws {
    let parent = MemorySource(Array(0..<100))
    let slice = try SliceSource(parent, offset: 10, length: 20)
    #expect(try slice.read(0..<3) == [10, 11, 12])
    #expect(throws: ParseError.self) { _ = try slice.read(15..<25) }
    #expect(throws: ParseError.self) { _ = try SliceSource(parent, offset: 90, length: 20) }
  }
}
