import BlockScan
import Crypto
import Evidence
import Foundation
@testable import ImageAccess
import Testing
import TestSupport

@testable import Triage

/// One read of the evidence feeding the hashes and the content scan (``OnePass``): the same digests and the same scan
/// as separate passes, whatever the ring size, the number of producers and where the scanned range starts.
@Suite struct OnePassTests {
  /// 40 MiB + a ragged tail: random, text, zeros and a repeated byte, so every class and run edge appears.
  static let bytes: [UInt8] = {
    let line = Array("a line of ordinary text that is not ciphertext 0123456789\n".utf8)
    var out = Scratch.randomBytes(count: 12 << 20, seed: 11)
    out += (0..<(10 << 20) / line.count).flatMap { _ in line }
    out += [UInt8](repeating: 0, count: 9 << 20)
    out += [UInt8](repeating: 0x5A, count: 3 << 20)
    out += Scratch.randomBytes(count: (6 << 20) + 12_345, seed: 12)
    return out
  }()

  static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 { EvidenceHash.hexString(digest) }

  func expectSameScan(_ shared: ScanResult?, _ alone: ScanResult) {
    #expect(shared?.regions == alone.regions)
    #expect(shared?.blockCounts == alone.blockCounts)
    #expect(shared?.strip == alone.strip)
    #expect(shared?.scannedBytes == alone.scannedBytes)
    #expect(shared?.errors == alone.errors)
  }

  @Test(arguments: [(0, 1, 2), (20_480, 2, 2), (4 << 20, 1, 6), (1, 2, 5)])
  func digestsAndScanMatchSeparatePasses(offset: Int, producers: Int, slots: Int) throws {
    let source = MemorySource(Self.bytes)
    var options = ScanOptions()
    options.windowSize = 4 << 20  // more windows than slots
    let scanner = try ContentScanner(options: options)
    let range = offset..<(Self.bytes.count - 4097)
    let progress = ByteProgress()
    let outcome = OnePass.run(
      source, digests: [.sha256, .md5, .sha1], scanner: scanner, scanRange: range, producers: producers,
      slots: slots, progress: progress)
    #expect(try outcome.digests[0].get() == Self.hex(SHA256.hash(data: Self.bytes)))
    #expect(try outcome.digests[1].get() == Self.hex(Insecure.MD5.hash(data: Self.bytes)))
    #expect(try outcome.digests[2].get() == Self.hex(Insecure.SHA1.hash(data: Self.bytes)))
    expectSameScan(outcome.scan, scanner.scan(source: try SliceSource(source, offset: range.lowerBound, length: range.count)))
    #expect(progress.done == Self.bytes.count)
  }

  /// A mapped file is lent window by window (no copy): the same digests and scan.
  @Test(arguments: [(0, 2), (20_480, 3)])
  func aMappedFileIsLentWithTheSameResults(offset: Int, slots: Int) throws {
    let image = try MappedImage(path: try Scratch.file(Self.bytes))
    var options = ScanOptions()
    options.windowSize = 4 << 20
    let scanner = try ContentScanner(options: options)
    let range = offset..<(Self.bytes.count - 100)
    let outcome = OnePass.run(image, digests: [.sha256, .sha1], scanner: scanner, scanRange: range, slots: slots)
    #expect(try outcome.digests[0].get() == Self.hex(SHA256.hash(data: Self.bytes)))
    #expect(try outcome.digests[1].get() == Self.hex(Insecure.SHA1.hash(data: Self.bytes)))
    expectSameScan(outcome.scan, scanner.scan(source: try SliceSource(image, offset: range.lowerBound, length: range.count)))
  }

  /// The threads of the shared read cannot all be created (`pthread_create` failing after `limit`, the test seam of
  /// ``ImageAccess/Threads``): the pass does not hang, and separate reads give the same digests and scan.
  @Test(arguments: [(0, 2), (1, 2), (3, 1), (4, 2)])
  func withoutThreadsTheDigestsAndScanAreReadApartWithTheSameResults(limit: Int, producers: Int) throws {
    let source = MemorySource(Self.bytes)
    var options = ScanOptions()
    options.windowSize = 4 << 20
    let scanner = try ContentScanner(options: options)
    let range = 20_480..<(Self.bytes.count - 4097)
    let progress = ByteProgress()
    let outcome = Threads.$startLimit.withValue(limit) {
      OnePass.run(
        source, digests: [.sha256, .md5, .sha1], scanner: scanner, scanRange: range, producers: producers, slots: 3,
        progress: progress)
    }
    #expect(try outcome.digests[0].get() == Self.hex(SHA256.hash(data: Self.bytes)))
    #expect(try outcome.digests[1].get() == Self.hex(Insecure.MD5.hash(data: Self.bytes)))
    #expect(try outcome.digests[2].get() == Self.hex(Insecure.SHA1.hash(data: Self.bytes)))
    expectSameScan(outcome.scan, scanner.scan(source: try SliceSource(source, offset: range.lowerBound, length: range.count)))
    #expect(progress.done == Self.bytes.count)
    // A mapped file (lent, not copied, when threads can be had) and an unreadable window: as with threads.
    let image = try MappedImage(path: try Scratch.file(Self.bytes))
    let mapped = Threads.$startLimit.withValue(limit) {
      OnePass.run(image, digests: [.sha256], scanner: scanner, scanRange: range, slots: 2)
    }
    #expect(try mapped.digests[0].get() == Self.hex(SHA256.hash(data: Self.bytes)))
    expectSameScan(mapped.scan, outcome.scan!)
    let failing = Failing(inner: source, bad: (20 << 20)..<((20 << 20) + 10))
    let threaded = OnePass.run(failing, digests: [.sha1], scanner: scanner, scanRange: range, slots: 2)
    let alone = Threads.$startLimit.withValue(limit) {
      OnePass.run(failing, digests: [.sha1], scanner: scanner, scanRange: range, slots: 2)
    }
    #expect(alone.digests == threaded.digests)
    expectSameScan(alone.scan, threaded.scan!)
  }

  /// A source whose reads fail in one range.
  struct Failing: ByteSource {
    let inner: MemorySource
    let bad: Range<Int>
    var byteCount: Int { inner.byteCount }
    func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
      if range.overlaps(bad) { throw ParseError(.invalid("unreadable"), in: "test", at: max(range.lowerBound, bad.lowerBound)) }
      return try inner.withBytes(range, body)
    }
  }

  @Test func anUnreadableWindowFailsTheDigestsAtItsOffsetAndTheScanGoesOn() throws {
    let source = Failing(inner: MemorySource(Self.bytes), bad: (20 << 20)..<((20 << 20) + 10))
    let scanner = try ContentScanner(options: ScanOptions())
    let outcome = OnePass.run(source, digests: [.sha256], scanner: scanner, scanRange: 0..<source.byteCount, slots: 2)
    guard case .failure(let error) = outcome.digests[0] else {
      Issue.record("the digest of an unreadable source succeeded")
      return
    }
    #expect(error.offset == 20 << 20)
    let scan = try #require(outcome.scan)
    #expect(scan.scannedBytes == source.byteCount)
    #expect(scan.errors.count == 1)
    #expect(scan.regions == scanner.scan(source: source).regions)
  }

  /// Triage with hash and scan (one read) reports the hash of the hash-only run and the scan of the scan-only run.
  @Test func triageReadsOnceAndReportsWhatSeparateRunsReport() throws {
    let path = try Scratch.file(Self.bytes)
    func run(hash: Bool, scan: Bool) throws -> TriageReport {
      var options = TriageOptions()
      options.hash = hash
      options.scan = scan
      return try Triage.run(path: path, options: options, toolVersion: "test")
    }
    let both = try run(hash: true, scan: true)
    #expect(both.evidence.sha256 == (try run(hash: true, scan: false)).evidence.sha256)
    #expect(both.evidence.sha256 == Self.hex(SHA256.hash(data: Self.bytes)))
    let alone = try run(hash: false, scan: true)
    #expect(both.contentScan == alone.contentScan)
    #expect(both.regions == alone.regions)
    #expect(try OpenedEvidence.open(path: path).scanOffsetInStored == 0)
  }

  /// An E01 of a real GPT disk image: the media read once feeds MD5, SHA-1 and the scan of the APFS partition.
  @Test func anE01IsDecodedOnceForItsDigestsAndTheScan() throws {
    let raw = try RealImages.dissect(MultiFileEvidenceTests.raw)
    let e01 = try MultiFileEvidenceTests.acquire(raw)
    let evidence = try OpenedEvidence.open(path: e01)
    #expect(evidence.scanOffsetInMedia == evidence.apfsOffset)
    var options = TriageOptions()
    options.scan = true
    let both = try Triage.run(path: e01, options: options, toolVersion: "test")
    #expect(both.evidence.ewf?.verified == true)
    options.hash = false
    let alone = try Triage.run(path: e01, options: options, toolVersion: "test")
    #expect(both.contentScan == alone.contentScan)
    #expect(both.contentScan != nil)
  }

  /// E01 media decoded by several threads, one libewf handle each: the digests of the raw image, as one handle.
  @Test func severalDecodingHandlesGiveTheDigestsOfOne() throws {
    let raw = try RealImages.dissect(MultiFileEvidenceTests.raw)
    let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: raw)))
    let image = try EWFImage(firstSegment: try MultiFileEvidenceTests.acquire(raw), cache: ChunkCache(capacityBytes: 0))
    let expected = (Self.hex(Insecure.MD5.hash(data: bytes)), Self.hex(Insecure.SHA1.hash(data: bytes)))
    for threads in [1, 2, 3] {
      let digests = try image.mediaDigests(bufferSize: 1 << 20, threads: threads)
      #expect(digests.md5 == expected.0 && digests.sha1 == expected.1, "\(threads) threads")
    }
    #expect(image.checksumErrors().isEmpty)
    // Decoding threads that cannot be created: the media is digested on the calling thread, the same digests.
    for limit in [0, 1, 3] {
      let digests = try Threads.$startLimit.withValue(limit) { try image.mediaDigests(bufferSize: 1 << 20, threads: 2) }
      #expect(digests.md5 == expected.0 && digests.sha1 == expected.1, "at most \(limit) threads")
    }
  }
}
