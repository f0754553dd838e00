#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Dispatch
import ImageAccess
import RegionMap
import Synchronization

/// How a content scan runs.
public struct ScanOptions: Sendable, Equatable {
  /// Bytes per classified block (default 4 KiB). 16 bytes to 16 MiB.
  public var blockSize = 4096
  /// Worker threads; 0 means one per online core.
  public var threads = 0
  /// Bytes mapped and classified as one unit of work; rounded down to a multiple of ``blockSize``, at most 1 GiB,
  /// at least one block. Results do not
  /// depend on the thread count, but they do depend on this (run context stops at window edges except for the
  /// signature carry, see ``ContentScanner``).
  public var windowSize = 8 << 20
  public var policy = ContentPolicy.standard
  /// Use neighbouring blocks (aggregated histograms, signatures at the start of a run) to tell compressed from
  /// encrypted. Off: every block is judged alone.
  public var useRunContext = true
  /// High-entropy blocks whose histograms are summed for the run test (16 × 4 KiB = 64 KiB).
  public var aggregateBlocks = 16
  /// Recognise blocks that are APFS objects with a correct checksum.
  public var detectAPFSObjects = true
  /// Points in the entropy strip.
  public var stripPoints = 512
  /// Text blocks are decided by the byte-class pre-check, without a histogram; the strip's entropy for text comes
  /// from every `textEntropySampling`-th text block of a window plus the first text block of each strip point
  /// (1: every text block, an exact strip at the histogram's cost). Classes never depend on it.
  public var textEntropySampling = 16
  /// How far (bytes from the signature's block) a compressed-format signature marks its run `compressed`. Bounded
  /// so that a chance match inside ciphertext cannot relabel the rest of a whole encrypted image.
  public var maximumSignatureCarry = 64 << 20
  /// ``ScanMode/exact`` (the default, and what reports use) or ``ScanMode/twoStage``.
  public var mode = ScanMode.exact
  /// Two-stage mode: bytes of a block whose histogram stands for the block in stage one, taken as pieces of 64 bytes
  /// (``BlockKernels/samplePieceBytes``, rounded down to whole pieces) spread evenly over the block; larger values
  /// count as 4096. At least ``ContentPolicy/minimumStatisticalBytes`` and at most a quarter of the block, or stage
  /// one is off (so is it when a group would hold more than 1040 samples: ``aggregateBlocks`` × block / sample).
  public var stageOneSampleBytes = 512
  /// Two-stage mode: a group of high-entropy blocks whose sampled chi-square lies between this and
  /// ``ContentPolicy/randomChiSquareLimit`` is re-measured on all its bytes (stage two). 255 + 3·√510 ≈ 323: about
  /// 0.13 % of groups of random data (each costs 8 groups' worth of stage one).
  public var stageTwoChiSquareFloor = 255.0 + 3 * (510.0).squareRoot()

  public init() {}
}

/// How blocks that are neither zero, text nor an APFS object are measured.
public enum ScanMode: String, Sendable, CaseIterable {
  /// The 256-bin histogram, entropy and chi-square of every byte of every such block.
  case exact
  /// Stage one takes the histogram of a sample of ``ScanOptions/stageOneSampleBytes`` (512) bytes spread over the
  /// block in 64-byte pieces: a sample that proves the block is not text (more control bytes than the text rule allows
  /// in the whole block) and looks uniformly random (chi-square within the random limit) decides the block. Its class
  /// comes from its run group, which holds 8× as many blocks (128) so that its samples sum as many bytes as an exact
  /// group; the strip gets an entropy estimated from the sample's chi-square. There are no per-block 256-bin
  /// statistics. Everything else, and every group whose summed chi-square lies near the random limit, goes to stage
  /// two: the exact histogram of every byte. Zero, text and APFS-object blocks are decided as in exact mode. Faster on
  /// high-entropy data; group decisions are 8× coarser (README: confusion matrix).
  case twoStage = "two-stage"
}

/// The content scanner: walks the image in windows, classifies every block, merges runs.
///
/// Layout (STYLE.md §6): kernels in ``BlockKernels`` (no allocation), the per-block policy in ``ContentPolicy``, and
/// this driver. The driver splits the scanned ranges into windows of ``ScanOptions/windowSize`` bytes and hands them to
/// one thread per core; each window is mapped, classified and unmapped on its own (resident memory stays at about
/// one window per thread), and the window results are joined in offset order, so the result is the same for any
/// thread count.
///
/// Inside a window, consecutive high-entropy blocks form a run. The run is cut into groups of
/// ``ScanOptions/aggregateBlocks`` blocks whose histograms are summed: a compressor's small byte bias, invisible in
/// 4 KiB, adds up over 64 KiB, while random data stays at chi-square ≈ 255 whatever the length. A group whose summed
/// chi-square exceeds ``ContentPolicy/randomChiSquareLimit`` is `compressed`; a group of fewer than 4 blocks takes
/// the previous group's answer. A strong format signature (xz, gzip, bzip2, zstd, LZFSE, lz4, zip, 7z, PNG, JPEG)
/// at the start of a block marks the rest of the run `compressed`, up to ``ScanOptions/maximumSignatureCarry``
/// (64 MiB) from the signature, also across window edges. The bound keeps a chance match inside ciphertext from
/// relabelling the rest of a whole encrypted image; a compressed file larger than that with no other evidence is
/// `encrypted` past its first 64 MiB.
///
/// - Complexity: O(n) time; O(threads × window) resident mapping; O(runs) result memory.
public struct ContentScanner: Sendable {
  public let options: ScanOptions

  /// - Throws: ``ScanError`` with code `invalid-option` for a block size outside 16...16 MiB, a window smaller than
  ///   a block, negative threads, or fewer than 1 strip point.
  public init(options: ScanOptions = ScanOptions()) throws(ScanError) {
    var o = options
    guard (16...(16 << 20)).contains(o.blockSize) else {
      throw ScanError(
        code: "invalid-option", offset: nil, length: 0,
        message: "block size \(o.blockSize) is outside 16...\(16 << 20) bytes")
    }
    guard o.threads >= 0, o.threads <= 4096 else {
      throw ScanError(code: "invalid-option", offset: nil, length: 0, message: "thread count \(o.threads) is invalid")
    }
    guard o.stripPoints >= 1, o.stripPoints <= 1 << 20 else {
      throw ScanError(
        code: "invalid-option", offset: nil, length: 0, message: "strip points \(o.stripPoints) is invalid")
    }
    o.aggregateBlocks = max(1, min(o.aggregateBlocks, 1 << 16))
    o.textEntropySampling = max(1, o.textEntropySampling)
    let blocks = max(1, min(o.windowSize, 1 << 30) / o.blockSize)  // at most 1 GiB mapped per thread
    let (window, overflow) = blocks.multipliedReportingOverflow(by: o.blockSize)
    o.windowSize = overflow ? o.blockSize : window
    self.options = o
  }

  /// For a first look at a huge image: one window-sized range in every `every` windows (all of the image when
  /// `every` is 1). Which window of each stretch of `every` is taken comes from a fixed hash of the stretch's index,
  /// so the sample is the same on every run but does not alias with structure that repeats every few windows. Pass
  /// the result as `ranges` to ``scan(_:ranges:)``.
  public static func sampledRanges(byteCount: Int, window: Int, every: Int) -> [Range<Int>] {
    guard byteCount > 0, window > 0 else { return [] }
    guard every > 1 else { return [0..<byteCount] }
    let (stride, overflow) = window.multipliedReportingOverflow(by: every)
    guard !overflow else { return [0..<min(window, byteCount)] }
    var out: [Range<Int>] = []
    var index: UInt64 = 0
    for start in Swift.stride(from: 0, to: byteCount, by: stride) {
      // splitmix64 of the stretch index
      var z = index &* 0x9E37_79B9_7F4A_7C15 &+ 0x9E37_79B9_7F4A_7C15
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      z ^= z >> 31
      index &+= 1
      let lower = start + Int(z % UInt64(every)) * window
      guard lower < byteCount else { continue }
      out.append(lower..<min(lower + window, byteCount))
    }
    return out
  }

  /// The thread count used when ``ScanOptions/threads`` is 0.
  public static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

  /// Scans `ranges` of `image` (all of it when `nil`).
  ///
  /// Ranges are sorted and merged; parts outside the image are dropped and reported (`range-outside-image`). A
  /// window that cannot be mapped is classed `unknown` and reported (`unreadable-window`); the rest of the scan goes
  /// on. An empty image or empty range list gives an empty map and an `empty-image` error.
  public func scan(_ image: MappedImage, ranges: [Range<Int>]? = nil, progress: ByteProgress? = nil) -> ScanResult {
    scan(byteCount: image.byteCount, ranges: ranges, progress: progress) { range, body in
      try image.forEachWindow(in: range, windowSize: max(1, range.count)) { _, bytes in body(bytes) }
    }
  }

  /// Scans any byte source (bytes in memory, a slice, a decoded DMG) the same way. `progress` advances by each
  /// window classified.
  public func scan(source: any ByteSource, ranges: [Range<Int>]? = nil, progress: ByteProgress? = nil) -> ScanResult {
    scan(byteCount: source.byteCount, ranges: ranges, progress: progress) { range, body in
      try source.withBytes(range) { body($0) }
    }
  }

  /// The windows a whole scan of `byteCount` bytes classifies, in the order its workers take them.
  public func windowRanges(byteCount: Int) -> [Range<Int>] {
    WindowFeed.split(0..<max(0, byteCount), size: options.windowSize)
  }

  /// Scans `byteCount` bytes whose windows (``windowRanges(byteCount:)``, each asked for once, in increasing order,
  /// by several worker threads) come from `read`: for one sequential read of the evidence that also feeds the
  /// hashes (``ImageAccess/WindowFeed``). Same result as ``scan(source:ranges:)`` over the same bytes.
  public func scan(
    byteCount: Int, reading read: @escaping @Sendable (Range<Int>, (UnsafeRawBufferPointer) -> Void) throws -> Void
  ) -> ScanResult {
    scan(byteCount: byteCount, ranges: nil, read: read)
  }

  // MARK: - Driver

  typealias Reader = @Sendable (Range<Int>, (UnsafeRawBufferPointer) -> Void) throws -> Void

  struct WindowJob: Sendable {
    var range: Range<Int>
    var scanStart: Int  // position of range.lowerBound in scan coordinates
  }

  func scan(byteCount: Int, ranges: [Range<Int>]?, progress: ByteProgress? = nil, read: @escaping Reader) -> ScanResult {
    var errors: [ScanError] = []
    let wanted = Self.normalize(ranges ?? [0..<byteCount], byteCount: byteCount, errors: &errors)
    let total = wanted.reduce(0) { $0 + $1.count }
    let threads = options.threads == 0 ? Self.onlineCores : options.threads
    if total == 0 {
      errors.append(
        ScanError(
          code: "empty-image", offset: nil, length: 0,
          message: byteCount == 0 ? "the image is empty (0 bytes): nothing to scan" : "no bytes to scan in the given ranges"))
      return ScanResult(
        regions: RegionMap(source: .content), scannedBytes: 0, blockSize: options.blockSize, blockCounts: [:],
        strip: EntropyStrip(points: [], scannedBytes: 0), errors: errors, threads: threads, fillBytes: 0)
    }
    var jobs: [WindowJob] = []
    var scanPosition = 0
    for range in wanted {
      var start = range.lowerBound
      while start < range.upperBound {
        let end = start + min(options.windowSize, range.upperBound - start)
        jobs.append(WindowJob(range: start..<end, scanStart: scanPosition + (start - range.lowerBound)))
        start = end
      }
      scanPosition += range.count
    }
    let points = min(options.stripPoints, max(1, total / options.blockSize))
    let layout = StripLayout(points: points, total: total)

    let results = Mutex<[WindowResult?]>(Array(repeating: nil, count: jobs.count))
    let next = Atomic<Int>(0)
    let workers = min(threads, jobs.count)
    let options = self.options
    let jobList = jobs
    let work: @Sendable (Int) -> Void = { _ in
      let scratch = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: BlockKernels.histogramScratchCount)
      let aggregate = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 256)
      defer {
        scratch.deallocate()
        aggregate.deallocate()
      }
      while true {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard index < jobList.count else { return }
        let job = jobList[index]
        var classifier = WindowClassifier(
          options: options, job: job, layout: layout, scratch: scratch, aggregate: aggregate)
        do {
          try read(job.range) { bytes in classifier.classify(bytes) }
        } catch {
          classifier.fail(error)
        }
        let result = classifier.finish()
        results.withLock { $0[index] = result }
        progress?.advance(job.range.count)
      }
    }
    if workers <= 1 {
      work(0)
    } else {
      DispatchQueue.concurrentPerform(iterations: workers, execute: work)
    }
    let windowResults = results.withLock { $0 }.map { $0! }  // every index below jobs.count was filled above
    return merge(windowResults, jobs: jobs, layout: layout, total: total, errors: errors, threads: max(1, workers))
  }

  /// Sorts, clips and merges the requested ranges.
  static func normalize(_ ranges: [Range<Int>], byteCount: Int, errors: inout [ScanError]) -> [Range<Int>] {
    var clipped: [Range<Int>] = []
    for range in ranges where !range.isEmpty {
      let low = max(0, range.lowerBound)
      let high = min(byteCount, range.upperBound)
      if low >= high || low != range.lowerBound || high != range.upperBound {
        errors.append(
          ScanError(
            code: "range-outside-image", offset: range.lowerBound, length: range.count,
            message: "requested range \(range) reaches outside the image (0..<\(byteCount)); only the inside is scanned"))
      }
      if low < high { clipped.append(low..<high) }
    }
    clipped.sort { $0.lowerBound < $1.lowerBound }
    var merged: [Range<Int>] = []
    for range in clipped {
      if let last = merged.last, range.lowerBound <= last.upperBound {
        merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
      } else {
        merged.append(range)
      }
    }
    return merged
  }

  func merge(
    _ windows: [WindowResult], jobs: [WindowJob], layout: StripLayout, total: Int, errors: [ScanError], threads: Int
  ) -> ScanResult {
    var errors = errors
    var map = RegionMap(source: .content)
    var counts = [Int](repeating: 0, count: ContentClass.count)
    var sums = [Double](repeating: 0, count: layout.points)
    var bytes = [Int](repeating: 0, count: layout.points)
    var mins = [Double](repeating: .infinity, count: layout.points)
    var maxs = [Double](repeating: -.infinity, count: layout.points)
    var fillBytes = 0
    var carryOrigin: Int?  // signature offset whose run reaches the end of the previous window
    var previousEnd = -1
    for (index, window) in windows.enumerated() {
      let job = jobs[index]
      let origin = previousEnd == job.range.lowerBound && options.useRunContext ? carryOrigin : nil
      if let origin, let runEnd = window.leadingRunEnd {
        // The previous window ended inside a signature-marked run that continues here: relabel the leading run's
        // encrypted blocks, up to the carry limit.
        let limit = min(runEnd, origin + options.maximumSignatureCarry)
        for run in window.runs {
          let relabelEnd = run.regionClass == .encrypted ? min(run.end, limit) : run.offset
          if relabelEnd > run.offset {
            map.append(.compressed, offset: run.offset, length: relabelEnd - run.offset)
            let blocks = (relabelEnd - run.offset + options.blockSize - 1) / options.blockSize
            counts[ContentClass.encrypted.rawValue] -= blocks
            counts[ContentClass.compressed.rawValue] += blocks
          }
          map.append(run.regionClass, offset: max(run.offset, relabelEnd), length: run.end - max(run.offset, relabelEnd))
        }
      } else {
        for run in window.runs { map.append(run.regionClass, offset: run.offset, length: run.length) }
      }
      for i in 0..<ContentClass.count { counts[i] += window.blockCounts[i] }
      fillBytes += window.fillBytes
      if let own = window.carryOriginAtEnd {
        carryOrigin = own
      } else if let origin, window.leadingRunEnd == job.range.upperBound {
        carryOrigin = origin  // the run spans this whole window
      } else {
        carryOrigin = nil
      }
      previousEnd = job.range.upperBound
      for (i, bin) in (window.firstBin..<(window.firstBin + window.binBytes.count)).enumerated()
      where window.binBytes[i] > 0 {
        sums[bin] += window.binSums[i]
        bytes[bin] += window.binBytes[i]
        mins[bin] = min(mins[bin], window.binMins[i])
        maxs[bin] = max(maxs[bin], window.binMaxs[i])
      }
      if let error = window.error { errors.append(error) }
    }
    var blockCounts: [RegionClass: Int] = [:]
    for cls in ContentClass.allCases where counts[cls.rawValue] > 0 { blockCounts[cls.regionClass] = counts[cls.rawValue] }
    let strip = Self.strip(map: map, jobs: jobs, layout: layout, sums: sums, bytes: bytes, mins: mins, maxs: maxs)
    return ScanResult(
      regions: map, scannedBytes: total, blockSize: options.blockSize, blockCounts: blockCounts, strip: strip,
      errors: errors, threads: threads, fillBytes: fillBytes)
  }

  /// Builds strip points; class bytes come from the final map (after the carry relabelling), split at point edges.
  static func strip(
    map: RegionMap, jobs: [WindowJob], layout: StripLayout, sums: [Double], bytes: [Int], mins: [Double],
    maxs: [Double]
  ) -> EntropyStrip {
    var classBytes = [[RegionClass: Int]](repeating: [:], count: layout.points)
    // Map image offsets to scan coordinates through the jobs (sorted, non-overlapping).
    var jobIndex = 0
    for run in map.runs {
      var offset = run.offset
      let end = run.end
      while offset < end {
        while jobIndex < jobs.count, jobs[jobIndex].range.upperBound <= offset { jobIndex += 1 }
        guard jobIndex < jobs.count else { break }
        let job = jobs[jobIndex]
        let scan = job.scanStart + (offset - job.range.lowerBound)
        let bin = layout.bin(of: scan)
        let binEnd = layout.start(of: bin + 1)
        let pieceEnd = min(end, job.range.upperBound, offset + (binEnd - scan))
        classBytes[bin][run.regionClass, default: 0] += pieceEnd - offset
        offset = pieceEnd
      }
    }
    var points: [EntropyStrip.Point] = []
    points.reserveCapacity(layout.points)
    for bin in 0..<layout.points {
      let start = layout.start(of: bin)
      let length = layout.start(of: bin + 1) - start
      let weight = bytes[bin]
      points.append(
        EntropyStrip.Point(
          scanOffset: start, length: length, meanEntropy: weight > 0 ? sums[bin] / Double(weight) : 0,
          minEntropy: weight > 0 ? mins[bin] : 0, maxEntropy: weight > 0 ? maxs[bin] : 0,
          bytesByClass: classBytes[bin]))
    }
    return EntropyStrip(points: points, scannedBytes: layout.total)
  }
}

/// Which strip point a scan position falls in: point `i` covers `[i·total/points, (i+1)·total/points)`.
struct StripLayout: Sendable {
  let points: Int
  let total: Int

  func bin(of position: Int) -> Int {
    let (high, low) = position.multipliedFullWidth(by: points)
    return min(points - 1, total.dividingFullWidth((high, low)).quotient)
  }

  /// First scan position of point `bin`: ⌈bin·total/points⌉ (so that `bin(of: start(of: b)) == b`).
  func start(of bin: Int) -> Int {
    if bin >= points { return total }
    let (high, low) = bin.multipliedFullWidth(by: total)
    let (q, r) = points.dividingFullWidth((high, low))
    return r == 0 ? q : q + 1
  }
}

/// The content classes as a dense index, so per-block counting needs no hashing.
enum ContentClass: Int, CaseIterable, Sendable {
  case zero, text, compressed, encrypted, apfsObject, unknown
  static let count = 6
  var regionClass: RegionClass {
    switch self {
    case .zero: .zero
    case .text: .text
    case .compressed: .compressed
    case .encrypted: .encrypted
    case .apfsObject: .apfsObject
    case .unknown: .unknown
    }
  }
}

/// One window's classification, joined in order by ``ContentScanner/merge``.
struct WindowResult: Sendable {
  var runs: [RegionRun] = []
  var blockCounts = [Int](repeating: 0, count: ContentClass.count)
  var firstBin = 0
  var binSums: [Double] = []
  var binBytes: [Int] = []
  var binMins: [Double] = []
  var binMaxs: [Double] = []
  /// End of the high-entropy run that starts at the window's first byte, if the first block is high-entropy.
  var leadingRunEnd: Int?
  /// Bytes in non-zero blocks made of one repeated byte value.
  var fillBytes = 0
  /// When the window's last block belongs to a high-entropy run that a signature marked: the signature's offset.
  var carryOriginAtEnd: Int?
  var error: ScanError?
}
