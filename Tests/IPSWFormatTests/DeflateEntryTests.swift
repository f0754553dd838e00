import DiskImageTestSupport
import IPSWFormat
import IPSWTestSupport
import ImageAccess
import Testing

@Suite("ZIP deflated entries and decompression bombs")
struct DeflateEntryTests {
  static let text = Array(String(repeating: "Darwin Kernel Version 23.0.0: firmware text. ", count: 2000).utf8)

  @Test("deflated entries stream back byte-exact, with and without data descriptors", arguments: [false, true])
  func roundTrip(descriptor: Bool) throws {
    let dir = try makeTemporaryDirectory("defl")
    defer { removeTemporaryDirectory(dir) }
    let path = dir + "/a.zip"
    let w = try ZIPWriter(path: path)
    let compressed = Compressors.deflate(Self.text)
    try w.add(
      "Restore.plist", .deflated(compressed: compressed, uncompressedSize: UInt64(Self.text.count),
        crc32: CRC32.checksum(Self.text)), dataDescriptor: descriptor)
    try w.finish()
    let zip = try ZIPArchive(path: path)
    let entry = zip.entries[0]
    #expect(entry.method == .deflated && entry.compressedSize == UInt64(compressed.count))
    var out: [UInt8] = []
    let result = try zip.read(entry, chunkSize: 1000) { out.append(contentsOf: $0) }
    #expect(out == Self.text && result.crcMatches)
    #expect(throws: ParseError.self) { try zip.storedData(of: entry) }
  }

  func bomb(_ dir: String, declared: UInt64?) throws -> ZIPArchive {
    let zeros = [UInt8](repeating: 0, count: 64 << 20)
    let compressed = Compressors.deflate(zeros)
    let path = dir + "/bomb-\(declared ?? 0).zip"
    let w = try ZIPWriter(path: path)
    try w.add(
      "bomb.bin", .deflated(compressed: compressed, uncompressedSize: declared ?? UInt64(zeros.count),
        crc32: CRC32.checksum(zeros)))
    try w.finish()
    return try ZIPArchive(path: path)
  }

  @Test("a bomb stops at the output cap, the declared size, or the ratio cap")
  func bombs() throws {
    let dir = try makeTemporaryDirectory("bomb")
    defer { removeTemporaryDirectory(dir) }
    let honest = try bomb(dir, declared: nil)
    var seen: UInt64 = 0
    let capped = try #require(throws: ParseError.self) {
      try honest.read(honest.entries[0], limits: ReadLimits(maxOutputBytes: 1 << 20)) { seen += UInt64($0.count) }
    }
    #expect(seen <= 1 << 20)
    if case .limitExceeded = capped.reason {} else { Issue.record("unexpected \(capped.reason)") }
    #expect(throws: ParseError.self) {
      try honest.read(honest.entries[0], limits: ReadLimits(maxRatio: 50)) { _ in }
    }
    let liar = try bomb(dir, declared: 1000)
    let lie = try #require(throws: ParseError.self) { try liar.read(liar.entries[0]) { _ in } }
    #expect(lie.description.contains("declared uncompressed size"))
    // 64 MiB of zeros in ~64 KiB is past the default 100:1 ratio (issue 13): refused before decoding; with the ratio
    // cap raised to what deflate can reach, the same archive reads fine.
    seen = 0
    let refused = try #require(throws: ParseError.self) { try honest.read(honest.entries[0]) { seen += UInt64($0.count) } }
    #expect(refused.description.contains("compression ratio cap 100:1") && seen == 0)
    let result = try honest.read(honest.entries[0], limits: ReadLimits(maxRatio: 2000)) { _ in }
    #expect(result.byteCount == 64 << 20 && result.crcMatches)
  }

  @Test("corrupt deflate data gives an error located inside the entry's data")
  func corruptDeflate() throws {
    let dir = try makeTemporaryDirectory("corrupt")
    defer { removeTemporaryDirectory(dir) }
    let path = dir + "/c.zip"
    let w = try ZIPWriter(path: path)
    var compressed = Compressors.deflate(Self.text)
    compressed[0] = 0xFF  // reserved block type 3
    try w.add("x", .deflated(compressed: compressed, uncompressedSize: UInt64(Self.text.count), crc32: 0))
    let layout = try w.finish()
    let zip = try ZIPArchive(path: path)
    let error = try #require(throws: ParseError.self) { try zip.read(zip.entries[0]) { _ in } }
    let start = Int(layout.dataOffsets["x"]!)
    #expect(error.offset.map { $0 >= start && $0 <= start + compressed.count } == true)
  }
}
