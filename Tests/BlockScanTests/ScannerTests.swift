import TestSupport
import Foundation
import ImageAccess
import RegionMap
import Testing

@testable import BlockScan

/// A source that fails on one range, like a damaged or sparse-with-errors file.
struct FailingSource: ByteSource {
  let inner: MemorySource
  let bad: Range<Int>
  var byteCount: Int { inner.byteCount }
  struct IOFailure: Error, CustomStringConvertible { var description: String { "I/O error (simulated)" } }
  func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    if range.overlaps(bad) { throw IOFailure() }
    return try inner.withBytes(range, body)
  }
}

enum Blocks {
  /// A valid xz stream header (magic, flags 00 04 = CRC64 check, CRC32 of the flags).
  static let xzHeader: [UInt8] = {
    let crc = CompressedSignature.crc32([0x00, 0x04])
    return [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04]
      + [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)]
  }()

  static func text(_ count: Int) -> [UInt8] {
    let line = Array("The quick brown fox jumps over the lazy dog; forensic triage reads every block.\n".utf8)
    return (0..<count).map { line[$0 % line.count] }
  }

  /// A 4 KiB APFS object of `type` with a correct checksum.
  static func apfsObject(type: UInt32, oid: UInt64, rng: inout SeededRandom) -> [UInt8] {
    var block = rng.bytes(4096)
    func put<T: FixedWidthInteger>(_ v: T, at offset: Int) {
      withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { block[offset + i] = b } }
    }
    put(oid, at: 0x08)
    put(UInt64(7), at: 0x10)
    put(type, at: 0x18)
    put(UInt32(0), at: 0x1C)
    put(ReferenceKernels.fletcher64(block), at: 0)
    return block
  }
}

@Suite struct ScannerTests {
  static let seed: UInt64 = 0x5CA1_AB1E_0000_0042

  func scanner(threads: Int = 1, window: Int = 8 << 20, context: Bool = true) throws -> ContentScanner {
    var options = ScanOptions()
    options.threads = threads
    options.windowSize = window
    options.useRunContext = context
    return try ContentScanner(options: options)
  }

  func mixed() -> [UInt8] {
    var rng = SeededRandom(seed: Self.seed)
    var bytes: [UInt8] = []
    bytes += [UInt8](repeating: 0, count: 5 * 4096)
    bytes += Blocks.text(7 * 4096)
    bytes += rng.bytes(40 * 4096)
    bytes += Blocks.apfsObject(type: 0x4000_0002, oid: 1026, rng: &rng)
    bytes += [UInt8](repeating: 0, count: 3 * 4096)
    bytes += rng.bytes(3 * 4096 + 123)  // not a multiple of the block size
    return bytes
  }

  @Test func classifiesAMixedImageIntoRuns() throws {
    let result = try scanner().scan(source: MemorySource(mixed()))
    #expect(result.isComplete)
    #expect(result.scannedBytes == mixed().count)
    #expect(result.regions.source == .content)
    #expect(result.bytesByClass[.zero] == 8 * 4096)
    #expect(result.bytesByClass[.text] == 7 * 4096)
    #expect(result.bytesByClass[.apfsObject] == 4096)
    #expect(result.bytesByClass[.encrypted] == 43 * 4096)
    #expect(result.blockCounts[.encrypted] == 43)
    // The 123-byte last block is too short for the statistical tests.
    #expect(result.bytesByClass[.unknown] == 123)
    #expect(result.regions.totalBytes == result.scannedBytes)
    #expect(
      result.regions.runs.map(\.regionClass) == [.zero, .text, .encrypted, .apfsObject, .zero, .encrypted, .unknown])
    #expect(result.regions.runs[3] == RegionRun(.apfsObject, offset: 52 * 4096, length: 4096))
  }

  @Test func aCorruptedAPFSObjectIsNotAnObject() throws {
    var rng = SeededRandom(seed: 9)
    var object = Blocks.apfsObject(type: 0x0000_000D, oid: 1, rng: &rng)
    #expect(object.withUnsafeBytes { APFSObjectCheck.isValidObject($0) })
    object[2000] ^= 0x01
    #expect(!object.withUnsafeBytes { APFSObjectCheck.isValidObject($0) })
    let noHeader = Blocks.apfsObject(type: 0x2000_0002, oid: 1, rng: &rng)  // OBJ_NOHEADER
    #expect(!noHeader.withUnsafeBytes { APFSObjectCheck.isValidObject($0) })
  }

  @Test func resultIsTheSameForAnyThreadCountAndWindowOrder() throws {
    var rng = SeededRandom(seed: Self.seed ^ 1)
    var bytes: [UInt8] = []
    for i in 0..<60 {
      switch i % 5 {
      case 0: bytes += rng.bytes(4096 * (1 + i % 7))
      case 1: bytes += Blocks.text(4096 * 3 + i)
      case 2: bytes += [UInt8](repeating: 0, count: 4096 * 2)
      case 3: bytes += Blocks.xzHeader + rng.bytes(4096 * 9)
      default: bytes += rng.bytes(777)
      }
    }
    let single = try scanner(threads: 1, window: 64 << 10).scan(source: MemorySource(bytes))
    for threads in [2, 3, 8] {
      let parallel = try scanner(threads: threads, window: 64 << 10).scan(source: MemorySource(bytes))
      #expect(parallel.regions == single.regions, "threads \(threads)")
      #expect(parallel.blockCounts == single.blockCounts)
      #expect(parallel.strip == single.strip)
    }
  }

  @Test func aSignatureCarriesAcrossWindowEdges() throws {
    var rng = SeededRandom(seed: 77)
    // An xz stream of 40 blocks that crosses two 64 KiB window edges, then text.
    let bytes = Blocks.xzHeader + rng.bytes(40 * 4096 - 12) + Blocks.text(4096)
    let result = try scanner(threads: 2, window: 64 << 10).scan(source: MemorySource(bytes))
    #expect(result.bytesByClass[.compressed] == 40 * 4096)
    #expect(result.bytesByClass[.encrypted] == nil)
    #expect(result.blockCounts[.compressed] == 40)
    // Without run context, only the first block is known to be compressed.
    let isolated = try scanner(threads: 2, window: 64 << 10, context: false).scan(source: MemorySource(bytes))
    #expect(isolated.bytesByClass[.compressed] == 4096)
  }

  @Test func signatureCarryIsBounded() throws {
    var rng = SeededRandom(seed: 78)
    // A signature then 40 random blocks: with a 64 KiB carry limit only the first 16 blocks become compressed,
    // across windows of 32 KiB and with any thread count.
    let bytes = Blocks.xzHeader + rng.bytes(40 * 4096 - 12)
    for threads in [1, 2] {
      var options = ScanOptions()
      options.threads = threads
      options.windowSize = 32 << 10
      options.maximumSignatureCarry = 64 << 10
      let result = try ContentScanner(options: options).scan(source: MemorySource(bytes))
      #expect(result.bytesByClass[.compressed] == 16 * 4096)
      #expect(result.blockCounts[.compressed] == 16)
      #expect(result.blockCounts[.encrypted] == 24)
      #expect(result.regions.runs.map(\.regionClass) == [.compressed, .encrypted])
    }
  }

  @Test func emptyImageIsAClearError() throws {
    let result = try scanner().scan(source: MemorySource([]))
    #expect(result.scannedBytes == 0)
    #expect(result.regions.runs.isEmpty)
    #expect(result.errors.map(\.code) == ["empty-image"])
  }

  @Test func rangesAreClippedSortedAndReported() throws {
    let bytes = mixed()
    let result = try scanner().scan(
      source: MemorySource(bytes), ranges: [12 * 4096..<20 * 4096, 0..<4096, 50 * 4096..<(bytes.count + 9000)])
    #expect(result.errors.map(\.code) == ["range-outside-image"])
    #expect(result.errors[0].offset == 50 * 4096)
    #expect(result.scannedBytes == 4096 + 8 * 4096 + (bytes.count - 50 * 4096))
    #expect(result.regions.runs.first == RegionRun(.zero, offset: 0, length: 4096))
    #expect(result.regions.totalBytes == result.scannedBytes)
  }

  @Test func anUnreadableWindowKeepsTheRestOfTheScan() throws {
    let bytes = mixed()
    let source = FailingSource(inner: MemorySource(bytes), bad: 70_000..<70_001)
    let result = try scanner(threads: 2, window: 64 << 10).scan(source: source)
    #expect(result.errors.count == 1)
    #expect(result.errors[0].code == "unreadable-window")
    #expect(result.errors[0].offset == 65_536)
    #expect(result.errors[0].length == 65_536)
    #expect(result.bytesByClass[.unknown] == 65_536 + 123)  // the window, and the short last block
    #expect(result.regions.totalBytes == bytes.count)
    #expect(result.bytesByClass[.zero] == 8 * 4096)  // blocks outside the bad window are still classified
  }

  #if os(Linux)
    @Test func aFileThatShrinksUnderTheScanIsAnErrorNotACrash() throws {
      // Pages past the new end of file cannot be read: without MADV_POPULATE_READ the first touch would raise SIGBUS.
      // (Our own scratch file, not evidence: the test truncates it after opening.)
      let bytes = mixed()
      let path = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-shrink-\(UUID().uuidString).img")
        .path
      #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
      defer { try? FileManager.default.removeItem(atPath: path) }
      let image = try MappedImage(path: path)
      #expect(truncate(path, 65_536) == 0)
      let result = try scanner(threads: 1, window: 64 << 10).scan(image)
      #expect(result.errors.count >= 1)
      #expect(result.errors.allSatisfy { $0.code == "unreadable-window" && $0.offset! >= 65_536 })
      #expect(result.regions.totalBytes == bytes.count)
      #expect(result.bytesByClass[.unknown, default: 0] >= bytes.count - 65_536)
    }
  #endif

  @Test func sampledTextEntropyKeepsTheStripWeightedByBytes() throws {
    // Strip points that are half text, half random: the sampled strip must give the same means as measuring every
    // text block (an unweighted sample once pulled such a point from 6.5 to 7.8 bits).
    var rng = SeededRandom(seed: Self.seed ^ 0x57)
    var bytes: [UInt8] = []
    for _ in 0..<32 { bytes += Blocks.text(32 * 4096) + rng.bytes(32 * 4096) }
    func strip(sampling: Int) throws -> [EntropyStrip.Point] {
      var options = ScanOptions()
      options.threads = 1
      options.stripPoints = 32
      options.textEntropySampling = sampling
      return try ContentScanner(options: options).scan(source: MemorySource(bytes)).strip.points
    }
    let sampled = try strip(sampling: 16)
    let exact = try strip(sampling: 1)
    #expect(sampled.count == exact.count)
    for (a, b) in zip(sampled, exact) {
      #expect(abs(a.meanEntropy - b.meanEntropy) < 0.02, "point at \(a.scanOffset)")
      #expect(a.bytesByClass == b.bytesByClass)
    }
  }

  @Test func aBlockOfSpacesIsTextAndFill() throws {
    let bytes = [UInt8](repeating: 0x20, count: 4 * 4096) + Blocks.text(4 * 4096)
    let result = try scanner().scan(source: MemorySource(bytes))
    #expect(result.bytesByClass[.text] == bytes.count)
    #expect(result.fillBytes == 4 * 4096)
  }

  @Test func invalidOptionsAreRejected() {
    var options = ScanOptions()
    options.blockSize = 8
    #expect(throws: ScanError.self) { try ContentScanner(options: options) }
    options.blockSize = 4096
    options.threads = -1
    #expect(throws: ScanError.self) { try ContentScanner(options: options) }
  }

  @Test func mappedImageScanMatchesInMemoryScan() throws {
    let bytes = mixed()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-scan-\(UUID().uuidString).img").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let image = try MappedImage(path: path)
    let fromFile = try scanner(threads: 2, window: 64 << 10).scan(image)
    let fromMemory = try scanner(threads: 1, window: 64 << 10).scan(source: MemorySource(bytes))
    #expect(fromFile.regions == fromMemory.regions)
    #expect(fromFile.isComplete)
  }

  @Test func stripCoversTheScanAndAgreesWithTheMap() throws {
    let result = try scanner().scan(source: MemorySource(mixed()))
    let points = result.strip.points
    #expect(!points.isEmpty)
    #expect(points.first?.scanOffset == 0)
    #expect(points.map(\.length).reduce(0, +) == result.scannedBytes)
    var totals: [RegionClass: Int] = [:]
    for p in points { for (k, v) in p.bytesByClass { totals[k, default: 0] += v } }
    #expect(totals == result.bytesByClass)
    #expect(points.first?.maxEntropy == 0)  // leading zero blocks
    #expect(points[points.count - 2].meanEntropy > 7)  // trailing random blocks
  }
}

@Suite struct EncryptionAssessmentTests {
  @Test func mostlyEncryptedIsWholeImageEncrypted() {
    let a = EncryptionAssessment(
      bytesByClass: [.encrypted: 95 << 20, .compressed: 1 << 20, .unknown: 4 << 20, .zero: 100 << 20],
      scannedBytes: 200 << 20)
    #expect(a.isWholeImageEncrypted)
    #expect(a.nonZeroBytes == 100 << 20)
    #expect(abs(a.encryptedFraction - 0.95) < 1e-12)
    #expect(abs(a.highEntropyFraction - 0.96) < 1e-12)
  }

  @Test func structureOrTooLittleDataIsNot() {
    #expect(
      !EncryptionAssessment(bytesByClass: [.encrypted: 85 << 20, .text: 15 << 20], scannedBytes: 100 << 20)
        .isWholeImageEncrypted)
    #expect(!EncryptionAssessment(bytesByClass: [.encrypted: 1000], scannedBytes: 1000).isWholeImageEncrypted)
    #expect(!EncryptionAssessment(bytesByClass: [.zero: 1 << 30], scannedBytes: 1 << 30).isWholeImageEncrypted)
    #expect(!EncryptionAssessment(bytesByClass: [:], scannedBytes: 0).isWholeImageEncrypted)
  }

  @Test func erasedFlashPagesDoNotHideAnEncryptedDump() throws {
    var rng = SeededRandom(seed: 4243)
    // A NAND-style dump: 40 % erased pages (0xFF), the rest ciphertext.
    var bytes: [UInt8] = []
    for i in 0..<800 { bytes += i % 5 < 2 ? [UInt8](repeating: 0xFF, count: 4096) : rng.bytes(4096) }
    let result = try ContentScanner().scan(source: MemorySource(bytes))
    #expect(result.fillBytes == 320 * 4096)
    #expect(result.bytesByClass[.unknown] == 320 * 4096)
    let a = result.encryptionAssessment()
    #expect(a.nonZeroBytes == 480 * 4096)
    #expect(a.isWholeImageEncrypted)
    // Without the fill rule the same figures would fail the 90 % line.
    #expect(!EncryptionAssessment(bytesByClass: result.bytesByClass, scannedBytes: result.scannedBytes).isWholeImageEncrypted)
  }

  @Test func randomImageScansAsWholeImageEncrypted() throws {
    var rng = SeededRandom(seed: 4242)
    let bytes = rng.bytes(4 << 20) + [UInt8](repeating: 0, count: 1 << 20)
    let result = try ContentScanner().scan(source: MemorySource(bytes))
    let a = result.encryptionAssessment()
    #expect(a.isWholeImageEncrypted)
    #expect(a.encryptedFraction > 0.99)
  }
}

@Suite struct EntropyGraphTests {
  func strip() throws -> EntropyStrip {
    var rng = SeededRandom(seed: 5)
    let bytes = [UInt8](repeating: 0, count: 64 * 4096) + Blocks.text(64 * 4096) + rng.bytes(64 * 4096)
    return try ContentScanner().scan(source: MemorySource(bytes)).strip
  }

  @Test func svgIsAStandaloneDocumentWithTheCurve() throws {
    let svg = EntropyGraph.svg(try strip(), title: "a <b> & \"c\"", width: 600, height: 200)
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"200\""))
    #expect(svg.hasSuffix("</svg>\n"))
    #expect(svg.contains("<polyline"))
    #expect(svg.contains("a &lt;b&gt; &amp; &quot;c&quot;"))
    #expect(svg.contains(EntropyGraph.colour(of: .encrypted)))
    #expect(svg.contains(EntropyGraph.colour(of: .text)))
    #expect(svg == EntropyGraph.svg(try strip(), title: "a <b> & \"c\"", width: 600, height: 200))
  }

  @Test func terminalBarShowsLevelsAndClasses() throws {
    let bar = EntropyGraph.terminalBar(try strip(), width: 30)
    let lines = bar.split(separator: "\n").map(String.init)
    #expect(lines.count == 2)
    #expect(lines[0].count == 30 && lines[1].count == 30)
    #expect(lines[0].hasPrefix("▁▁▁") && lines[0].hasSuffix("███"))
    #expect(lines[1].hasPrefix("...") && lines[1].contains("TTT") && lines[1].hasSuffix("EEE"))
  }
}

@Suite struct MapComparisonTests {
  func map(_ source: RegionSource, _ runs: [(RegionClass, Int, Int)]) -> RegionMap {
    var m = RegionMap(source: source)
    for (c, o, l) in runs { m.append(c, offset: o, length: l) }
    return m
  }

  @Test func findsEncryptedExtentsHoldingTextAndFreeSpaceHoldingData() {
    let structure = map(
      .structure,
      [(.containerMetadata, 0, 4096), (.fileEncrypted, 4096, 16384), (.free, 20480, 16384), (.filePlaintext, 36864, 4096)])
    let content = map(
      .content,
      [(.apfsObject, 0, 4096), (.encrypted, 4096, 8192), (.text, 12288, 12288), (.zero, 24576, 4096),
        (.compressed, 28672, 8192), (.text, 36864, 4096)])
    let result = MapComparison(structure: structure, content: content)
    #expect(result.fileEncryptedButText == [RegionRun(.text, offset: 12288, length: 8192)])
    #expect(
      result.freeButNotZero == [
        RegionRun(.text, offset: 20480, length: 4096), RegionRun(.compressed, offset: 28672, length: 8192),
      ])
    #expect(result.freeButNotZeroBytes == 12288)
    #expect(result.freeButNotZeroByClass == [.text: 4096, .compressed: 8192])
  }

  @Test func emptyAndDisjointMapsGiveNothing() {
    let empty = RegionMap(source: .content)
    #expect(MapComparison(structure: empty, content: empty).fileEncryptedButText.isEmpty)
    let structure = map(.structure, [(.free, 0, 4096)])
    let content = map(.content, [(.text, 8192, 4096)])
    #expect(MapComparison(structure: structure, content: content).freeButNotZero.isEmpty)
  }
}
