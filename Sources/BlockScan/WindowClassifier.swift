#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import RegionMap

/// Classifies the blocks of one window in order: the per-block kernel and policy, then the run context for
/// high-entropy blocks. Not shared between threads; each worker owns one per window.
struct WindowClassifier {
  let options: ScanOptions
  let job: ContentScanner.WindowJob
  let layout: StripLayout
  let scratch: UnsafeMutableBufferPointer<UInt32>  // histogram scratch (1024 counters), owned by the worker
  let aggregate: UnsafeMutableBufferPointer<UInt64>  // 256 counters, owned by the worker
  var result = WindowResult()
  let randomLimit: Double
  /// The pre-check's limits for a whole block (computed once; only a short last block needs its own).
  let fullBlockLimits: (control: Int, nonPrintable: Int)

  /// A high-entropy block waiting for its group's decision.
  struct Pending {
    var offset: Int
    var length: Int
    var entropy: Double
    var compressed: Bool  // decided compressed on its own or by a signature carried from earlier in the run
    var forced: Bool  // compressed by a signature (its own or carried), whatever its histogram
    var sampled: Bool  // measured by stage one only (two-stage mode)
  }

  /// The window's bytes while ``classify(_:)`` runs (stage two re-reads a group's blocks from them).
  var windowBytes: UnsafeRawBufferPointer? = nil
  /// The pending group holds blocks measured by stage one only.
  var groupSampled = false
  /// Two-stage mode: stage one applies to full blocks at least four times the sample.
  let stageOne: Bool
  /// Stage one's sample: bytes, and pieces of ``BlockKernels/samplePieceBytes`` spread over the block.
  let sampleBytes: Int
  let samplePieces: Int
  /// Stage one's estimate of a sampled block's entropy: the block's expected random entropy, less
  /// `(chi² − 255) · entropyPerChiSquare` (see ``classify(_:)``).
  let randomBlockEntropy: Double
  let entropyPerChiSquare: Double
  /// The lowest estimated entropy stage one accepts (the policy's high-entropy line for a whole block).
  let highEntropyLine: Double
  /// Blocks per run group: ``ScanOptions/aggregateBlocks``, times blockSize / sample in two-stage mode, so a group
  /// of samples holds as many measured bytes (64 KiB) as an exact group and its chi-square has the same power.
  let groupBlocks: Int
  /// The pending group's sample counts (stage one adds each accepted sample here in ``BlockKernels/foldSample(_:into:)``;
  /// blocks measured whole add to ``aggregate``). The group's histogram is the sum of both. 16-bit: a group holds at
  /// most ``maximumSampledGroup`` samples, each with no count above ``BlockKernels/sampleFoldMaximumCount``.
  var sampleAggregate: [UInt16] = []
  /// The current block's sample histogram.
  var sampleCounts: [UInt16] = []
  /// The most samples a group may hold with its 16-bit counts (65535 / 63); stage one is off for larger groups.
  static let maximumSampledGroup = Int(UInt16.max) / BlockKernels.sampleFoldMaximumCount
  /// The largest sample: its counts must stay below 2^15 (``BlockKernels/foldSample(_:into:)``).
  static let maximumSampleBytes = 4096
  /// The strip point of the last emitted block and the scan positions it covers, so consecutive blocks skip the
  /// division in ``StripLayout/bin(of:)``.
  var cachedBin = (index: 0, start: 0, end: 0)

  var pending: [Pending] = []
  var groupBytes = 0
  /// Inside a run of high-entropy blocks.
  var inRun = false
  /// Offset of the strong signature seen earlier in the current run, if any.
  var carryOrigin: Int?
  /// The previous group of the current run was biased (used by a short last group).
  var previousGroupBiased: Bool?
  /// The window's first block starts a high-entropy run that is still open.
  var leadingRunOpen = false
  var classifiedUpTo: Int
  /// Text blocks seen in this window (for the strip's entropy sampling).
  var textBlocks = 0
  /// Per strip point of this window: all text bytes, and the text bytes and entropy sum of the sampled text blocks.
  /// ``finish()`` gives the unsampled text the sampled mean, so a point's mean stays weighted by bytes.
  var textBytes: [Int] = []
  var textSampleBytes: [Int] = []
  var textSampleSums: [Double] = []

  init(
    options: ScanOptions, job: ContentScanner.WindowJob, layout: StripLayout, scratch: UnsafeMutableBufferPointer<UInt32>,
    aggregate: UnsafeMutableBufferPointer<UInt64>
  ) {
    self.options = options
    self.job = job
    self.layout = layout
    self.scratch = scratch
    self.aggregate = aggregate
    self.randomLimit = options.policy.randomChiSquareLimit
    self.fullBlockLimits = options.policy.textPrecheckLimits(byteCount: options.blockSize)
    self.classifiedUpTo = job.range.lowerBound
    let firstBin = layout.bin(of: job.scanStart)
    let lastBin = layout.bin(of: job.scanStart + job.range.count - 1)
    let bins = lastBin - firstBin + 1
    result.firstBin = firstBin
    result.binSums = [Double](repeating: 0, count: bins)
    result.binBytes = [Int](repeating: 0, count: bins)
    result.binMins = [Double](repeating: .infinity, count: bins)
    result.binMaxs = [Double](repeating: -.infinity, count: bins)
    textBytes = [Int](repeating: 0, count: bins)
    textSampleBytes = [Int](repeating: 0, count: bins)
    textSampleSums = [Double](repeating: 0, count: bins)
    aggregate.initialize(repeating: 0)
    let pieceBytes = BlockKernels.samplePieceBytes
    let sample = max(0, min(options.stageOneSampleBytes, Self.maximumSampleBytes)) / pieceBytes * pieceBytes
    sampleBytes = sample
    samplePieces = sample / pieceBytes
    let sampledGroup = sample > 0 ? options.aggregateBlocks * (options.blockSize / sample) : 0  // both bounded in init
    stageOne = options.mode == .twoStage && sample >= options.policy.minimumStatisticalBytes
      && options.blockSize >= 4 * sample && sampledGroup <= Self.maximumSampledGroup
    // Chi-square of n bytes measures the plug-in entropy's shortfall from 8 bits: 8 − H ≈ chi² / (2·n·ln 2) for a
    // near-uniform histogram (random bytes: chi² ≈ 255, the expected-entropy formula). The sample's bias per byte,
    // (chi² − 255) / n, stands for the block's.
    randomBlockEntropy = BlockStats.expectedRandomEntropy(byteCount: options.blockSize)
    entropyPerChiSquare = 1 / (2 * Double(max(1, sample)) * M_LN2)
    highEntropyLine = options.policy.highEntropyMinimum(byteCount: options.blockSize)
    groupBlocks = stageOne ? sampledGroup : options.aggregateBlocks
    pending.reserveCapacity(groupBlocks)
    if stageOne {
      sampleAggregate = [UInt16](repeating: 0, count: 256)
      sampleCounts = [UInt16](repeating: 0, count: 256)
    }
  }

  /// Classifies the window's bytes (called once, with the whole window mapped).
  mutating func classify(_ bytes: UnsafeRawBufferPointer) {
    windowBytes = bytes
    defer {
      // The bytes are unmapped after this call: settle the open group's stage two while they are still there.
      if groupSampled { stageTwoIfAmbiguous() }
      windowBytes = nil
    }
    let blockSize = options.blockSize
    let policy = options.policy
    var start = 0
    let count = bytes.count
    while start < count {
      let length = min(blockSize, count - start)
      let block = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)])
      let offset = job.range.lowerBound + start
      start += length
      // The router: a block whose first cache line holds two or more control bytes (random data: all but 0.3 % of
      // blocks; text: almost never) is not all zero, is likely not text, and is sampled by stage one below. In exact
      // mode it skips the text pre-check: its histogram's class counts decide the text rule instead (the same counts,
      // so the same answer).
      let routed = length == blockSize && length >= 64 && BlockKernels.firstLineControlBytes(block) >= 2
      let sampled = stageOne && routed
      if !routed, BlockKernels.isAllZero(block) {
        closeRun()
        emit(.zero, offset: offset, length: length, entropy: 0)
        continue
      }
      if options.detectAPFSObjects, length == blockSize, APFSObjectCheck.isValidObject(block) {
        closeRun()
        let stats = BlockStats(of: block, scratch: scratch)
        emit(.apfsObject, offset: offset, length: length, entropy: stats.entropy)
        continue
      }
      // Stage one: more control bytes in the sample than the text rule allows in the whole block proves it is not
      // text; a sample chi-square within the random limit (and the entropy that implies above the high-entropy line)
      // decides it, with no whole-block histogram. Anything else takes the exact path below, which then skips the
      // text pre-check when the sample already ruled text out.
      var provenNotText = false
      if sampled {
        let pieces = samplePieces
        let fold = sampleCounts.withUnsafeMutableBufferPointer { counts in
          BlockKernels.spreadSampleHistogram(block, pieces: pieces, into: counts)
          return sampleAggregate.withUnsafeMutableBufferPointer {
            BlockKernels.foldSample(UnsafeBufferPointer(counts), into: $0)
          }
        }
        let n = Double(sampleBytes)
        let chiSquare = 256 * Double(fold.squares) / n - n
        let entropy = min(8, randomBlockEntropy - (chiSquare - 255) * entropyPerChiSquare)
        provenNotText = fold.control > fullBlockLimits.control
        if provenNotText, fold.largest <= BlockKernels.sampleFoldMaximumCount, chiSquare <= randomLimit,
          entropy >= highEntropyLine
        {
          let signature = CompressedSignature.match(block)
          guard options.useRunContext else {
            unfoldSample()
            closeRun()
            emit(signature != nil ? .compressed : .encrypted, offset: offset, length: length, entropy: entropy)
            continue
          }
          join(
            offset: offset, length: length, entropy: entropy, compressed: signature != nil, signature: signature,
            sampled: true, measuredBytes: sampleBytes)
          continue
        }
        unfoldSample()
      }
      let skipPrecheck = provenNotText || (routed && !stageOne)
      if !skipPrecheck {
        let limits = length == blockSize ? fullBlockLimits : policy.textPrecheckLimits(byteCount: length)
        let classes = BlockKernels.byteClasses(
          block, stopAboveControl: limits.control, stopAboveNonPrintable: limits.nonPrintable)
        if classes.counted == length, policy.isText(classes) {
          emitText(block, offset: offset, entropy: nil)
          continue
        }
      }
      let stats = BlockStats(of: block, scratch: scratch)
      if skipPrecheck, !provenNotText, policy.isText(stats.byteClasses) {
        emitText(block, offset: offset, entropy: stats.entropy)
        continue
      }
      if stats.entropy == 0 { result.fillBytes += length }  // one repeated non-zero byte, e.g. erased flash (0xFF)
      let signature = CompressedSignature.match(block)
      guard options.useRunContext, policy.isHighEntropy(stats) else {
        closeRun()
        let verdict = policy.verdict(for: stats, startsWithCompressedSignature: signature != nil)
        emit(Self.regionClass(verdict), offset: offset, length: length, entropy: stats.entropy)
        continue
      }
      let verdict = policy.verdict(for: stats, startsWithCompressedSignature: signature != nil)
      join(
        offset: offset, length: length, entropy: stats.entropy, compressed: verdict == .compressed,
        signature: signature, sampled: false, measuredBytes: length)
    }
  }

  /// Records a text block; its entropy goes to the strip for the sampled text blocks (measured here unless the
  /// caller already has it).
  mutating func emitText(_ block: UnsafeRawBufferPointer, offset: Int, entropy known: Double?) {
    let length = block.count
    closeRun()
    textBlocks += 1
    if Self.isOneRepeatedByte(block) { result.fillBytes += length }  // e.g. a block of spaces
    let bin = stripBin(offset)
    textBytes[bin] += length
    let sampled = textBlocks % options.textEntropySampling == 1 % options.textEntropySampling
      || textSampleBytes[bin] == 0
    var entropy: Double?
    if sampled {
      let measured = known ?? BlockStats(of: block, scratch: scratch).entropy
      textSampleBytes[bin] += length
      textSampleSums[bin] += measured * Double(length)
      entropy = measured
    }
    emit(.text, offset: offset, length: length, entropy: entropy)
  }

  /// Takes a rejected sample back out of the group's sample counts.
  mutating func unfoldSample() {
    sampleCounts.withUnsafeBufferPointer { counts in
      sampleAggregate.withUnsafeMutableBufferPointer { BlockKernels.unfoldSample(counts, from: $0) }
    }
  }

  /// Adds a high-entropy block to the run and the current group (starting them if needed). A block measured whole
  /// has its histogram of `measuredBytes` bytes in the scratch, added here; a sampled block's counts were already
  /// folded into ``sampleAggregate``.
  mutating func join(
    offset: Int, length: Int, entropy: Double, compressed: Bool, signature: CompressedSignature?, sampled: Bool,
    measuredBytes: Int
  ) {
    if !inRun {
      inRun = true
      carryOrigin = nil
      previousGroupBiased = nil
      if offset == job.range.lowerBound { leadingRunOpen = true }
    }
    if let signature, signature.carriesOverRun { carryOrigin = offset }
    let carried = carryOrigin.map { offset - $0 < options.maximumSignatureCarry } ?? false
    pending.append(
      Pending(
        offset: offset, length: length, entropy: entropy, compressed: compressed || carried,
        forced: signature != nil || carried, sampled: sampled))
    if sampled {
      groupSampled = true
    } else {
      for v in 0..<256 { aggregate[v] &+= UInt64(scratch[v]) }
    }
    groupBytes += measuredBytes
    if pending.count >= groupBlocks { flushGroup(final: false) }
  }

  /// The pending group's summed chi-square.
  func groupChiSquare() -> Double {
    var sumSquares: Double = 0
    let samples = sampleAggregate.isEmpty ? nil : sampleAggregate
    for v in 0..<256 {
      let c = Double(aggregate[v] &+ UInt64(samples?[v] ?? 0))  // samples: 16-bit counts that never wrapped
      sumSquares += c * c
    }
    let n = Double(groupBytes)
    return 256.0 * sumSquares / n - n
  }

  /// Stage two: when the pending group's sampled chi-square is near the random limit, measures every byte of its
  /// blocks (the window must still be mapped), re-decides the sampled ones as exact mode would, and rebuilds the
  /// group's histogram from whole blocks.
  mutating func stageTwoIfAmbiguous() {
    guard groupSampled, let bytes = windowBytes, !pending.isEmpty else { return }
    let chiSquare = groupChiSquare()
    guard chiSquare > options.stageTwoChiSquareFloor, chiSquare <= randomLimit else { return }
    aggregate.update(repeating: 0)
    for v in 0..<256 { sampleAggregate[v] = 0 }
    groupBytes = 0
    for i in pending.indices {
      let start = pending[i].offset - job.range.lowerBound
      let block = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + pending[i].length)])
      let stats = BlockStats(of: block, scratch: scratch)
      for v in 0..<256 { aggregate[v] &+= UInt64(scratch[v]) }
      groupBytes += block.count
      guard pending[i].sampled else { continue }
      let verdict = options.policy.verdict(for: stats, startsWithCompressedSignature: pending[i].forced)
      pending[i].entropy = stats.entropy
      pending[i].compressed = pending[i].forced || verdict == .compressed
      pending[i].sampled = false
    }
    groupSampled = false
  }

  static func regionClass(_ verdict: BlockVerdict) -> ContentClass {
    switch verdict {
    case .zero: .zero
    case .text: .text
    case .compressed: .compressed
    case .randomLike: .encrypted
    case .unknown: .unknown
    }
  }

  /// Decides the pending group: compressed when its summed histogram is biased (or it is short and the previous
  /// group was), encrypted otherwise, except blocks already decided compressed.
  mutating func flushGroup(final: Bool) {
    guard !pending.isEmpty else { return }
    stageTwoIfAmbiguous()
    let chiSquare = groupChiSquare()
    var biased = chiSquare > randomLimit
    // A short last group takes the previous group's answer: fewer than 4 blocks, or with samples, fewer than 4 whole
    // blocks' bytes measured (the chi-square's power grows with the bytes counted).
    let short = stageOne ? groupBytes < 4 * options.blockSize : pending.count < 4
    if short, let previous = previousGroupBiased { biased = previous }
    for block in pending {
      let cls: ContentClass = block.compressed || biased ? .compressed : .encrypted
      emit(cls, offset: block.offset, length: block.length, entropy: block.entropy)
    }
    previousGroupBiased = biased
    groupSampled = false
    pending.removeAll(keepingCapacity: true)
    aggregate.update(repeating: 0)
    if stageOne { for v in 0..<256 { sampleAggregate[v] = 0 } }
    groupBytes = 0
  }

  /// Ends the current high-entropy run (a non-high-entropy block follows, or the window ends).
  mutating func closeRun() {
    guard inRun else { return }
    flushGroup(final: true)
    inRun = false
    if leadingRunOpen {
      leadingRunOpen = false
      result.leadingRunEnd = classifiedUpTo
    }
  }

  /// Records a classified block. `entropy` is nil for a text block left out of the strip's entropy sample.
  mutating func emit(_ cls: ContentClass, offset: Int, length: Int, entropy: Double?) {
    precondition(offset == classifiedUpTo, "blocks must be emitted in order")  // programmer error
    classifiedUpTo = offset + length
    result.blockCounts[cls.rawValue] += 1
    if let last = result.runs.last, last.regionClass == cls.regionClass, last.end == offset {
      result.runs[result.runs.count - 1].length += length
    } else {
      result.runs.append(RegionRun(cls.regionClass, offset: offset, length: length))
    }
    guard let entropy else { return }
    let bin = stripBin(offset)
    result.binSums[bin] += entropy * Double(length)
    result.binBytes[bin] += length
    result.binMins[bin] = min(result.binMins[bin], entropy)
    result.binMaxs[bin] = max(result.binMaxs[bin], entropy)
  }

  /// The index into this window's strip arrays of the point that holds image offset `offset` (cached: a block is
  /// almost always in the same point as the one before).
  mutating func stripBin(_ offset: Int) -> Int {
    let position = job.scanStart + (offset - job.range.lowerBound)
    if position < cachedBin.start || position >= cachedBin.end {
      let bin = layout.bin(of: position)
      cachedBin = (bin - result.firstBin, layout.start(of: bin), layout.start(of: bin + 1))
    }
    return cachedBin.index
  }

  /// The window could not be read: whatever is not classified yet becomes `unknown`.
  mutating func fail(_ error: any Error) {
    let at = classifiedUpTo
    let missing = job.range.upperBound - at
    result.error = ScanError(
      code: "unreadable-window", offset: at, length: missing,
      message: "cannot read \(missing) bytes at offset \(at): \(error); classed unknown")
    pending.removeAll()
    groupSampled = false
    inRun = false
    leadingRunOpen = false
    if missing > 0 { emit(.unknown, offset: at, length: missing, entropy: 0) }
  }

  /// True when every byte of `block` equals the first (real text differs within a few bytes, so this is cheap).
  static func isOneRepeatedByte(_ block: UnsafeRawBufferPointer) -> Bool {
    guard let base = block.baseAddress, block.count > 1 else { return true }
    return memcmp(base, base + 1, block.count - 1) == 0
  }

  /// Closes any open run and returns the window's result.
  mutating func finish() -> WindowResult {
    for bin in 0..<textBytes.count where textBytes[bin] > textSampleBytes[bin] && textSampleBytes[bin] > 0 {
      let unsampled = textBytes[bin] - textSampleBytes[bin]
      result.binSums[bin] += Double(unsampled) * textSampleSums[bin] / Double(textSampleBytes[bin])
      result.binBytes[bin] += unsampled
    }
    let origin = inRun ? carryOrigin : nil
    if inRun {
      closeRun()
      result.carryOriginAtEnd = origin
    }
    if result.leadingRunEnd == nil, leadingRunOpen { result.leadingRunEnd = classifiedUpTo }
    if classifiedUpTo < job.range.upperBound, result.error == nil {
      // The reader returned fewer bytes than asked; never expected, but keep the map complete.
      let missing = job.range.upperBound - classifiedUpTo
      result.error = ScanError(
        code: "unreadable-window", offset: classifiedUpTo, length: missing,
        message: "only \(classifiedUpTo - job.range.lowerBound) of \(job.range.count) bytes were read; rest classed unknown")
      emit(.unknown, offset: classifiedUpTo, length: missing, entropy: 0)
    }
    return result
  }
}
