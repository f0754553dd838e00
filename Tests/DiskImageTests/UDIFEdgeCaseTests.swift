import TestSupport
import DiskImage
import DiskImageTestSupport
import ImageAccess
import Testing

/// Builds small images with the test UDIF writer, checks they read back exactly, then corrupts them on purpose.
@Suite struct UDIFEdgeCaseTests {
  static func plain(_ sectors: Int, seed: UInt64) -> [UInt8] {
    var random = SeededRandom(seed: seed)
    return random.compressibleBytes(sectors * 512)
  }

  static func sample() -> (image: [UInt8], disk: [UInt8]) {
    let a = plain(8, seed: 1), b = plain(64, seed: 2), c = plain(16, seed: 3), d = plain(33, seed: 4)
    let partitions = [
      UDIFWriter.Partition(name: "MBR", chunks: [.init(.raw, bytes: a)]),
      UDIFWriter.Partition(
        name: "disk image (Apple_APFS : 1)",
        chunks: [.init(.zlib, bytes: b), .init(.zero, sectors: 5), .init(.comment, sectors: 0), .init(.bzip2, bytes: c)]),
      UDIFWriter.Partition(name: " (Apple_Free : 2)", chunks: [.init(.ignore, sectors: 7), .init(.xz, bytes: d)]),
    ]
    let disk = a + b + [UInt8](repeating: 0, count: 5 * 512) + c + [UInt8](repeating: 0, count: 7 * 512) + d
    return (UDIFWriter.make(partitions: partitions), disk)
  }

  @Test func writtenImageReadsBackExactly() throws {
    let (image, disk) = Self.sample()
    let udif = try UDIFImage(source: MemorySource(image))
    #expect(udif.byteCount == disk.count)
    #expect(try udif.read(0..<udif.byteCount) == disk)
    #expect(udif.partitions.count == 3)
    #expect(udif.chunkCounts[.zlib] == 1)
    #expect(udif.chunkCounts[.bzip2] == 1)
    #expect(udif.chunkCounts[.lzma] == 1)
    #expect(udif.chunkCounts[.terminator] == 3)
    var random = SeededRandom(seed: 77)
    for _ in 0..<500 {
      let start = Int(random.next() % UInt64(disk.count))
      let end = min(disk.count, start + Int(random.next() % 70_000))
      #expect(try udif.read(start..<end) == Array(disk[start..<end]))
    }
  }

  @Test func concurrentReadsAgree() async throws {
    let (image, disk) = Self.sample()
    var limits = UDIFImage.Limits()
    limits.cacheBytes = 40_000  // force evictions while tasks race
    let udif = try UDIFImage(source: MemorySource(image), limits: limits)
    try await withThrowingTaskGroup(of: Bool.self) { group in
      for task in 0..<8 {
        group.addTask {
          var random = SeededRandom(seed: UInt64(task))
          for _ in 0..<200 {
            let start = Int(random.next() % UInt64(disk.count))
            let end = min(disk.count, start + Int(random.next() % 9000))
            if try udif.read(start..<end) != Array(disk[start..<end]) { return false }
          }
          return true
        }
      }
      for try await ok in group { #expect(ok) }
    }
  }

  @Test func readPastTheEndIsALocatedError() throws {
    let (image, disk) = Self.sample()
    let udif = try UDIFImage(source: MemorySource(image))
    #expect(throws: ParseError.self) { try udif.read((disk.count - 10)..<(disk.count + 1)) }
  }

  // MARK: Corrupted tables

  static func build(entries: [UDIFWriter.Entry], dataFork: [UInt8], sectorCount: UInt64 = 0, first: UInt64 = 0) -> [UInt8] {
    let mish = UDIFWriter.mish(firstSector: first, sectorCount: 0, entries: entries)
    return UDIFWriter.image(dataFork: dataFork, blocks: [("disk", mish)], sectorCount: sectorCount)
  }

  static func openError(_ image: [UInt8]) -> ParseError? {
    do {
      _ = try UDIFImage(source: MemorySource(image))
      return nil
    } catch let error as ParseError {
      return error
    } catch {
      Issue.record("unexpected error type \(error)")
      return nil
    }
  }

  @Test func overlappingChunksAreRejected() throws {
    let data = [UInt8](repeating: 7, count: 2048)
    let image = Self.build(
      entries: [
        .init(type: UDIFWriter.rawType, startSector: 0, sectorCount: 4, compressedOffset: 0, compressedLength: 2048),
        .init(type: UDIFWriter.zeroType, startSector: 2, sectorCount: 4, compressedOffset: 0, compressedLength: 0),
      ], dataFork: data)
    let error = try #require(Self.openError(image))
    #expect(error.structure.contains("chunk 1"))
    #expect(error.description.contains("overlapping or out of order"))
  }

  @Test func outOfOrderChunksAreRejected() throws {
    let image = Self.build(
      entries: [
        .init(type: UDIFWriter.zeroType, startSector: 10, sectorCount: 4, compressedOffset: 0, compressedLength: 0),
        .init(type: UDIFWriter.zeroType, startSector: 0, sectorCount: 4, compressedOffset: 0, compressedLength: 0),
      ], dataFork: [])
    let error = try #require(Self.openError(image))
    #expect(error.structure.contains("chunk 1"))
  }

  @Test func overlapAcrossTablesIsRejected() throws {
    let one = UDIFWriter.mish(
      firstSector: 0, sectorCount: 8,
      entries: [.init(type: UDIFWriter.zeroType, startSector: 0, sectorCount: 8, compressedOffset: 0, compressedLength: 0)])
    let two = UDIFWriter.mish(
      firstSector: 4, sectorCount: 8,
      entries: [.init(type: UDIFWriter.zeroType, startSector: 0, sectorCount: 8, compressedOffset: 0, compressedLength: 0)])
    let image = UDIFWriter.image(dataFork: [], blocks: [("a", one), ("b", two)], sectorCount: 0)
    let error = try #require(Self.openError(image))
    #expect(error.description.contains("overlaps"))
  }

  @Test func chunkPastEndOfFileIsRejected() throws {
    let data = [UInt8](repeating: 1, count: 1024)
    let image = Self.build(
      entries: [.init(type: UDIFWriter.rawType, startSector: 0, sectorCount: 2, compressedOffset: 1_000_000, compressedLength: 1024)],
      dataFork: data)
    let error = try #require(Self.openError(image))
    #expect(error.offset == 1_000_000)
    #expect(error.code == "truncated")
  }

  @Test func absurdSectorCountsAreRejected() throws {
    for (start, count) in [(UInt64(0), UInt64.max), (UInt64.max - 1, 2), (0, UInt64(1) << 55)] {
      let image = Self.build(
        entries: [.init(type: UDIFWriter.zeroType, startSector: start, sectorCount: count, compressedOffset: 0, compressedLength: 0)],
        dataFork: [])
      #expect(Self.openError(image) != nil, "sectors \(start)+\(count) accepted")
    }
    // Trailer sector count that overflows bytes.
    let image = Self.build(entries: [], dataFork: [], sectorCount: UInt64.max)
    let error = try #require(Self.openError(image))
    #expect(error.structure == "koly")
  }

  @Test func unknownChunkTypeIsRejected() throws {
    let image = Self.build(
      entries: [.init(type: 0x8000_00AA, startSector: 0, sectorCount: 1, compressedOffset: 0, compressedLength: 0)],
      dataFork: [])
    let error = try #require(Self.openError(image))
    #expect(error.reason == .valueOutOfRange(field: "chunk type", value: 0x8000_00AA))
  }

  @Test func hugeCompressedChunkIsRejectedBeforeDecoding() throws {
    let image = Self.build(
      entries: [.init(type: UDIFWriter.zlibType, startSector: 0, sectorCount: 1 << 20, compressedOffset: 0, compressedLength: 16)],
      dataFork: [UInt8](repeating: 0, count: 16))
    let error = try #require(Self.openError(image))
    #expect(error.code == "limit-exceeded")
  }

  @Test func chunkCountBeyondTheTableBytesIsRejected() throws {
    var mish = UDIFWriter.mish(firstSector: 0, sectorCount: 0, entries: [])
    mish[200..<204] = [0xFF, 0xFF, 0xFF, 0xFF]
    let image = UDIFWriter.image(dataFork: [], blocks: [("disk", mish)], sectorCount: 0)
    let error = try #require(Self.openError(image))
    #expect(error.code == "truncated")
    #expect(error.offset == 200)
  }

  @Test func corruptCompressedChunkFailsOnReadAtItsOffset() throws {
    let plain = Self.plain(16, seed: 5)
    var stored = Compressors.zlib(plain)
    for i in 10..<min(stored.count, 40) { stored[i] ^= 0x5A }
    let prefix = [UInt8](repeating: 0xEE, count: 100)
    let image = Self.build(
      entries: [
        .init(type: UDIFWriter.zlibType, startSector: 0, sectorCount: 16, compressedOffset: 100, compressedLength: UInt64(stored.count))
      ], dataFork: prefix + stored)
    let udif = try UDIFImage(source: MemorySource(image))
    do {
      _ = try udif.read(0..<512)
      Issue.record("corrupt chunk decoded")
    } catch let error as ParseError {
      #expect(error.structure.contains("chunk 0"))
      #expect((error.offset ?? 0) >= 100)
      #expect(error.description.contains("zlib"))
    }
  }

  @Test func truncatedFilesFailCleanly() throws {
    let (image, _) = Self.sample()
    for length in [0, 1, 100, 511, 512, image.count / 2, image.count - 513, image.count - 1] {
      let cut = MemorySource(Array(image.prefix(length)))
      let kind = try? DiskImageDetector.open(cut)
      if case .udif = kind { Issue.record("truncated image of \(length) bytes opened as UDIF") }
    }
  }

  @Test func mutatedTrailerAndPlistNeverTrap() throws {
    let (image, _) = Self.sample()
    var random = SeededRandom(seed: 0x444D_47)  // Fuzzing seed
    let xmlStart = image.count - 512 - 2000
    for _ in 0..<300 {
      var mutated = image
      for _ in 0..<3 {
        let region = random.next() % 2 == 0 ? (image.count - 512)..<image.count : max(0, xmlStart)..<(image.count - 512)
        let index = region.lowerBound + Int(random.next() % UInt64(region.count))
        mutated[index] = UInt8(truncatingIfNeeded: random.next())
      }
      if let udif = try? UDIFImage(source: MemorySource(mutated)) {
        _ = try? udif.read(0..<min(udif.byteCount, 1 << 20))
      }
    }
  }

  /// Type 0x80000008 holds xz streams from hdiutil; raw LZMA1 ("alone") from other writers must read too.
  @Test func lzmaChunkMayBeLZMA1Alone() throws {
    let plain = Self.plain(40, seed: 11)
    let stored = Compressors.lzmaAlone(plain)
    let image = Self.build(
      entries: [
        .init(type: UDIFWriter.lzmaType, startSector: 0, sectorCount: 40, compressedOffset: 0, compressedLength: UInt64(stored.count))
      ], dataFork: stored)
    let udif = try UDIFImage(source: MemorySource(image))
    #expect(try udif.read(0..<udif.byteCount) == plain)
  }

  @Test func gapsReadAsZerosAndAreCounted() throws {
    let data = [UInt8](repeating: 9, count: 512)
    let image = Self.build(
      entries: [.init(type: UDIFWriter.rawType, startSector: 3, sectorCount: 1, compressedOffset: 0, compressedLength: 512)],
      dataFork: data, sectorCount: 6)
    let udif = try UDIFImage(source: MemorySource(image))
    #expect(udif.byteCount == 6 * 512)
    #expect(udif.uncoveredByteCount == 5 * 512)
    #expect(try udif.read(0..<(6 * 512)) == [UInt8](repeating: 0, count: 1536) + data + [UInt8](repeating: 0, count: 1024))
  }
}

@Suite struct ImageDetectionTests {
  @Test func rawIsRaw() throws {
    let kind = try DiskImageDetector.open(MemorySource([UInt8](repeating: 0, count: 4096)))
    #expect(kind.name == "raw")
  }

  static func aea(profile: UInt32, fields: [(String, String)], tail: Int = 144) -> [UInt8] {
    var auth: [UInt8] = []
    for (key, value) in fields {
      let body = Array(key.utf8) + [0] + Array(value.utf8)
      let length = UInt32(body.count + 4)
      auth += withUnsafeBytes(of: length.littleEndian, Array.init) + body
    }
    var out = Array("AEA1".utf8)
    out += withUnsafeBytes(of: profile.littleEndian, Array.init)
    out += withUnsafeBytes(of: UInt32(auth.count).littleEndian, Array.init)
    return out + auth + [UInt8](repeating: 0xA5, count: tail)
  }

  @Test func aeaHeaderReportsProfileAndKeyURL() throws {
    let url = "https://wkms-public.apple.com/fcs-keys/example"
    let bytes = Self.aea(profile: 1, fields: [("com.apple.wkms.fcs-key-url", url), ("com.apple.wkms.fcs-response", "{}")])
    guard case .aea(let header) = try DiskImageDetector.open(MemorySource(bytes)) else {
      Issue.record("not detected as AEA")
      return
    }
    #expect(header.profile == .symmetricEncryption)
    #expect(header.keyServiceURL == url)
    #expect(header.authData.count == 2)
    #expect(header.keyRequirement.contains(url))
  }

  @Test func aeaWithBadFieldLengthIsALocatedError() throws {
    var bytes = Self.aea(profile: 1, fields: [("k", "v")])
    bytes[12] = 0xFF  // field length 0xFF bytes: longer than the auth data
    do {
      _ = try DiskImageDetector.open(MemorySource(bytes))
      Issue.record("accepted")
    } catch let error as ParseError {
      #expect(error.offset == 12)
    }
    let truncated = Array(Self.aea(profile: 1, fields: [("k", "v")], tail: 0))
    #expect(throws: ParseError.self) { try DiskImageDetector.open(MemorySource(truncated)) }
  }

  @Test func encrcdsaIsRecognised() throws {
    var bytes = Array("encrcdsa".utf8)
    bytes += [0, 0, 0, 2]  // version 2
    bytes += [0, 0, 0, 16]  // iv size
    bytes += [UInt8](repeating: 0, count: 8)
    bytes += [0, 0, 1, 0]  // 256-bit key
    bytes += [0, 0, 0, 0]
    bytes += [0, 0, 0, 160]  // hmac bits
    bytes += [UInt8](repeating: 0x42, count: 16)  // uuid
    bytes += [0, 0, 2, 0]  // block size 512
    bytes += [0, 0, 0, 0, 0, 0x10, 0, 0]  // data size
    bytes += [0, 0, 0, 0, 0, 0, 0x10, 0]  // data offset
    bytes += [UInt8](repeating: 0, count: 4096)
    guard case .encrcdsa(let header) = try DiskImageDetector.open(MemorySource(bytes)) else {
      Issue.record("not detected as encrcdsa")
      return
    }
    #expect(header.version == 2)
    #expect(header.keyBits == 256)
    #expect(header.blockSize == 512)
    #expect(header.dataOffset == 0x1000)
    #expect(header.keyRequirement.contains("password"))
  }
}

@Suite struct HostileInputTests {
  @Test func deeplyNestedPlistIsRejectedBeforeParsing() throws {
    let depth = 100_000
    let xml = Array(("<plist><dict><key>resource-fork</key>" + String(repeating: "<array>", count: depth)).utf8)
    do {
      _ = try ResourceFork(parsingXML: xml, at: 1000)
      Issue.record("accepted")
    } catch {
      #expect(error.code == "limit-exceeded")
      #expect((error.offset ?? 0) > 1000)
    }
    let image = UDIFWriter.image(dataFork: [], xml: xml, sectorCount: 0)
    #expect(throws: ParseError.self) { try UDIFImage(source: MemorySource(image)) }
  }

  /// Random byte flips in the chunk data of every real fixture: reading the whole disk ends in bytes or a
  /// ParseError, never a trap, a hang or an oversized allocation.
  @Test(arguments: Fixtures.expanded)
  func mutatedFixtureChunksNeverTrap(_ fixture: Fixtures.Expanded) throws {
    let original = try Fixtures.open(fixture.file).read(0..<Fixtures.open(fixture.file).byteCount)
    let dataForkLength = Int(try KolyTrailer(from: MemorySource(original)).dataForkLength)
    var random = SeededRandom(seed: 0x4649_5854 ^ UInt64(fixture.file.utf8.count))  // Fuzzing seed
    var failures = 0
    for _ in 0..<60 {
      var mutated = original
      for _ in 0..<(1 + Int(random.next() % 8)) {
        mutated[Int(random.next() % UInt64(dataForkLength))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
      }
      let udif = try UDIFImage(source: MemorySource(mutated))  // tables untouched: must open
      do {
        _ = try EvidenceHash.sha256(of: udif)
      } catch let error as ParseError {
        failures += 1
        // Chunk errors point into the data fork.
        if let offset = error.offset { #expect(offset >= 0 && offset <= dataForkLength, "\(error)") }
      }
    }
    #expect(failures > 0, "no mutation was detected at all")
  }
}
