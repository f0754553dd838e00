import IPSWFormat
import IPSWTestSupport
import ImageAccess
import TestSupport
import Testing

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Reads a whole file (test side only).
func fileBytes(_ path: String) throws -> [UInt8] {
  let image = try MappedImage(path: path)
  return try image.read(0..<image.byteCount)
}

/// Overwrites bytes of a test archive in the temp directory.
func patch(_ path: String, at offset: UInt64, _ newBytes: [UInt8]) throws {
  var all = try fileBytes(path)
  for (i, b) in newBytes.enumerated() { all[Int(offset) + i] = b }
  try writeFile(path, all)
}

func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
func le16(_ v: UInt16) -> [UInt8] { (0..<2).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

@Suite("ZIP archive reading")
struct ZIPArchiveTests {
  static let payloadA = bytes("hello, firmware\n")
  static let payloadB = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

  func makeArchive(_ dir: String, forceZIP64: Bool = false, comment: [UInt8] = []) throws -> (String, ZIPWriter.Layout) {
    let path = dir + "/test.ipsw"
    let w = try ZIPWriter(path: path, forceZIP64: forceZIP64)
    try w.add("BuildManifest.plist", .stored(Self.payloadA))
    try w.add("Firmware/dfu/iBSS.im4p", .stored(Self.payloadB), dataDescriptor: true)
    try w.add("Firmware/", .stored([]), unixMode: 0o040755)
    let layout = try w.finish(comment: comment)
    return (path, layout)
  }

  @Test("stored entries: names, sizes, zero-copy slices and streamed CRC", arguments: [false, true])
  func storedEntries(forceZIP64: Bool) throws {
    let dir = try makeTemporaryDirectory("zip")
    defer { removeTemporaryDirectory(dir) }
    let (path, layout) = try makeArchive(dir, forceZIP64: forceZIP64)
    let zip = try ZIPArchive(path: path)
    #expect(zip.entries.map(\.name) == ["BuildManifest.plist", "Firmware/dfu/iBSS.im4p", "Firmware/"])
    #expect((zip.zip64Record != nil) == forceZIP64)
    #expect(zip.centralDirectory.lowerBound == Int(layout.centralDirectoryOffset))
    let b = try #require(zip.entry(named: "Firmware/dfu/iBSS.im4p"))
    #expect(b.hasDataDescriptor)
    #expect(b.uncompressedSize == 5000 && b.compressedSize == 5000)
    #expect(b.usesZIP64 == forceZIP64)
    let slice = try zip.storedData(of: b)
    #expect(slice.baseOffset == Int(layout.dataOffsets["Firmware/dfu/iBSS.im4p"]!))
    #expect(try slice.read(0..<slice.byteCount) == Self.payloadB)
    var streamed: [UInt8] = []
    let result = try zip.read(b, chunkSize: 777) { streamed.append(contentsOf: $0) }
    #expect(streamed == Self.payloadB)
    #expect(result.crcMatches && result.byteCount == 5000)
    #expect(try zip.contents(of: zip.entries[0]) == Self.payloadA)
    #expect(zip.entries[2].isDirectory)
  }

  @Test("end record found with comments of every awkward length (window seams)")
  func commentLengths() throws {
    let dir = try makeTemporaryDirectory("zipc")
    defer { removeTemporaryDirectory(dir) }
    for (i, length) in [0, 1, 3, 4, 4071, 4072, 4073, 4074, 4075, 4076, 4077, 4078, 8000, 8150, 8151, 8152, 65535].enumerated() {
      let sub = dir + "/\(i)"
      _ = mkdirAt(sub)
      let (path, layout) = try makeArchive(sub, comment: [UInt8](repeating: 0x41, count: length))
      let zip = try ZIPArchive(path: path)
      #expect(zip.endOfCentralDirectory.offset == Int(layout.endRecordOffset), "comment length \(length)")
      #expect(zip.entries.count == 3)
    }
  }

  @Test("a >4 GiB sparse entry and a local header past 4 GiB use ZIP64 fields")
  func realZIP64() throws {
    let dir = try makeTemporaryDirectory("zip64")
    defer { removeTemporaryDirectory(dir) }
    let path = dir + "/big.ipsw"
    let w = try ZIPWriter(path: path)
    let big: UInt64 = (4 << 30) + 12345
    try w.add("090-00000-001.dmg", .zeros(big))
    try w.add("Restore.plist", .stored(Self.payloadA))
    let layout = try w.finish()
    let zip = try ZIPArchive(path: path)
    #expect(zip.zip64Record != nil)  // the central directory starts past 4 GiB
    #expect(zip.centralDirectory.lowerBound > 0xFFFF_FFFF)
    let dmg = try #require(zip.entry(named: "090-00000-001.dmg"))
    #expect(dmg.usesZIP64 && dmg.compressedSize == big)
    let plist = try #require(zip.entry(named: "Restore.plist"))
    #expect(plist.localHeaderOffset == layout.localHeaderOffsets["Restore.plist"]!)
    #expect(plist.localHeaderOffset > 0xFFFF_FFFF)
    #expect(try zip.contents(of: plist) == Self.payloadA)
    let range = try zip.dataRange(of: dmg)
    #expect(range.count == Int(big))
  }

  @Test("not a ZIP, and too short")
  func notZIP() throws {
    #expect(throws: ParseError.self) { try ZIPArchive(source: MemorySource([UInt8](repeating: 7, count: 5000))) }
    #expect(throws: ParseError.self) { try ZIPArchive(source: MemorySource([0x50, 0x4B])) }
  }

  @Test("truncated central directory: located error")
  func truncatedCentralDirectory() throws {
    let dir = try makeTemporaryDirectory("zipt")
    defer { removeTemporaryDirectory(dir) }
    let (path, layout) = try makeArchive(dir)
    // Claim a central directory larger than the space before the end record.
    try patch(path, at: layout.endRecordOffset + 12, le32(UInt32(layout.centralDirectorySize + 40)))
    let error = try #require(throws: ParseError.self) { try ZIPArchive(path: path) }
    #expect(error.structure == "central directory")
    #expect(error.offset == Int(layout.centralDirectoryOffset))
    // A file cut inside the central directory has no end record at all.
    let all = try fileBytes(path)
    let cut = Array(all[0..<Int(layout.centralDirectoryOffset + 30)])
    #expect(throws: ParseError.self) { try ZIPArchive(source: MemorySource(cut)) }
  }

  @Test("ZIP64 record offset past the end: located error")
  func zip64RecordPastEnd() throws {
    let dir = try makeTemporaryDirectory("zip64bad")
    defer { removeTemporaryDirectory(dir) }
    let (path, layout) = try makeArchive(dir, forceZIP64: true)
    let locator = try #require(layout.zip64LocatorOffset)
    try patch(path, at: locator + 8, le64(layout.fileSize + 1_000_000))
    let error = try #require(throws: ParseError.self) { try ZIPArchive(path: path) }
    #expect(error.structure == "zip64 locator")
    #expect(error.offset == Int(locator))
    if case .valueOutOfRange = error.reason {} else { Issue.record("unexpected reason \(error.reason)") }
  }

  @Test("absurd entry count is refused before allocating")
  func absurdCount() throws {
    let dir = try makeTemporaryDirectory("zipn")
    defer { removeTemporaryDirectory(dir) }
    let (path, layout) = try makeArchive(dir, forceZIP64: true)
    try patch(path, at: layout.zip64RecordOffset! + 32, le64(UInt64.max / 2))
    let error = try #require(throws: ParseError.self) { try ZIPArchive(path: path) }
    #expect(error.structure == "central directory")
  }

  @Test("entry data past EOF or overlapping the central directory: located errors")
  func badEntryRanges() throws {
    let dir = try makeTemporaryDirectory("zipr")
    defer { removeTemporaryDirectory(dir) }
    let (path, layout) = try makeArchive(dir)
    // Central header of the first entry starts at the CD offset: compressed size is at +20.
    try patch(path, at: layout.centralDirectoryOffset + 20, le32(UInt32(layout.centralDirectoryOffset)))
    var zip = try ZIPArchive(path: path)
    let overlap = try #require(throws: ParseError.self) { try zip.dataRange(of: zip.entries[0]) }
    #expect(overlap.offset == Int(layout.dataOffsets["BuildManifest.plist"]!))
    try patch(path, at: layout.centralDirectoryOffset + 20, le32(0xFFFF_FF00))
    zip = try ZIPArchive(path: path)
    let pastEOF = try #require(throws: ParseError.self) { try zip.read(zip.entries[0]) { _ in } }
    if case .truncated = pastEOF.reason {} else { Issue.record("unexpected reason \(pastEOF.reason)") }
    // Local header offset pointing into the central directory.
    try patch(path, at: layout.centralDirectoryOffset + 42, le32(UInt32(layout.centralDirectoryOffset)))
    zip = try ZIPArchive(path: path)
    #expect(throws: ParseError.self) { try zip.dataRange(of: zip.entries[0]) }
  }

  @Test("CRC-32 mismatch is reported, not hidden")
  func crcMismatch() throws {
    let dir = try makeTemporaryDirectory("zipcrc")
    defer { removeTemporaryDirectory(dir) }
    let (path, layout) = try makeArchive(dir)
    try patch(path, at: layout.dataOffsets["BuildManifest.plist"]!, [0x58])
    let zip = try ZIPArchive(path: path)
    let result = try zip.read(zip.entries[0]) { _ in }
    #expect(!result.crcMatches)
    #expect(throws: ParseError.self) { try zip.contents(of: zip.entries[0]) }
  }

  @Test("an entry that decodes to a size other than the central directory's is an error")
  func sizeMismatch() throws {
    let dir = try makeTemporaryDirectory("zipsize")
    defer { removeTemporaryDirectory(dir) }
    let (path, layout) = try makeArchive(dir)
    try patch(path, at: layout.centralDirectoryOffset + 24, le32(UInt32(Self.payloadA.count + 5)))
    let zip = try ZIPArchive(path: path)
    let error = try #require(throws: ParseError.self) { try zip.read(zip.entries[0]) { _ in } }
    #expect(error.offset == Int(layout.dataOffsets["BuildManifest.plist"]!))
  }

  @Test("saturated fields without ZIP64 extra are refused")
  func missingZIP64Extra() throws {
    let dir = try makeTemporaryDirectory("zipx")
    defer { removeTemporaryDirectory(dir) }
    let (path, layout) = try makeArchive(dir)
    try patch(path, at: layout.centralDirectoryOffset + 24, le32(0xFFFF_FFFF))
    let error = try #require(throws: ParseError.self) { try ZIPArchive(path: path) }
    #expect(error.offset == Int(layout.centralDirectoryOffset))
  }

  @Test("mutated archives never trap; errors stay inside the file")
  func mutations() throws {
    let seed: UInt64 = 0x5EED_1B5A  // Fuzzing seed
    var rng = SeededRandom(seed: seed)
    let dir = try makeTemporaryDirectory("zipm")
    defer { removeTemporaryDirectory(dir) }
    let (path, _) = try makeArchive(dir, forceZIP64: true)
    let original = try fileBytes(path)
    for round in 0..<1000 {
      var mutated = original
      for _ in 0..<Int.random(in: 1...6, using: &rng) {
        // Half the rounds hit the end records and central directory, the rest anywhere (local headers, data).
        let low = round % 2 == 0 ? max(0, mutated.count - 400) : 0
        let at = Int.random(in: low..<mutated.count, using: &rng)
        mutated[at] = UInt8.random(in: 0...255, using: &rng)
      }
      if round % 7 == 0 { mutated.removeLast(Int.random(in: 1...200, using: &rng)) }
      do {
        let zip = try ZIPArchive(source: MemorySource(mutated))
        for entry in zip.entries {
          do { try zip.read(entry, limits: ReadLimits(maxOutputBytes: 1 << 20)) { _ in } } catch let e as ParseError {
            if let o = e.offset { #expect(o >= 0 && o <= mutated.count, "seed \(seed) round \(round): \(e)") }
          }
        }
      } catch let e as ParseError {
        if let o = e.offset { #expect(o >= 0 && o <= mutated.count, "seed \(seed) round \(round): \(e)") }
      }
    }
  }
}
