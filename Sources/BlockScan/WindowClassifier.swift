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
  /// Lowest sample entropy that stage one accepts as clearly high-entropy, and the shift from the sample's expected
  /// random entropy to the block's.
  let stageOneEntropyFloor: Double
  let stageOneEntropyShift: Double
  /// Blocks per run group: ``ScanOptions/aggregateBlocks``, times blockSize / sample in two-stage mode, so a group
  /// of samples holds as many measured bytes (64 KiB) as an exact group and its chi-square has the same power.
  let groupBlocks: Int

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
    let sample = options.stageOneSampleBytes
    stageOne = options.mode == .twoStage && sample >= options.policy.minimumStatisticalBytes
      && options.blockSize >= 4 * sample
    // A random sample of 1 KiB has entropy 7.82 ± 0.02; the floor sits a little above the exact test's margin, so
    // a sample near it goes to stage two.
    stageOneEntropyFloor = options.policy.highEntropyMinimum(byteCount: sample) + 0.1
    stageOneEntropyShift = BlockStats.expectedRandomEntropy(byteCount: options.blockSize)
      - BlockStats.expectedRandomEntropy(byteCount: sample)
    groupBlocks = stageOne ? options.aggregateBlocks * (options.blockSize / sample) : options.aggregateBlocks
    pending.reserveCapacity(groupBlocks)
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
      if BlockKernels.isAllZero(block) {
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
      let limits = length == blockSize ? fullBlockLimits : policy.textPrecheckLimits(byteCount: length)
      let classes = BlockKernels.byteClasses(
        block, stopAboveControl: limits.control, stopAboveNonPrintable: limits.nonPrintable)
      if classes.counted == length, policy.isText(classes) {
        closeRun()
        textBlocks += 1
        if Self.isOneRepeatedByte(block) { result.fillBytes += length }  // e.g. a block of spaces
        let bin = layout.bin(of: job.scanStart + (offset - job.range.lowerBound)) - result.firstBin
        textBytes[bin] += length
        let sampled = textBlocks % options.textEntropySampling == 1 % options.textEntropySampling
          || textSampleBytes[bin] == 0
        var entropy: Double?
        if sampled {
          let measured = BlockStats(of: block, scratch: scratch).entropy
          textSampleBytes[bin] += length
          textSampleSums[bin] += measured * Double(length)
          entropy = measured
        }
        emit(.text, offset: offset, length: length, entropy: entropy)
        continue
      }
      if stageOne, length == blockSize {
        let sample = UnsafeRawBufferPointer(rebasing: block[0..<options.stageOneSampleBytes])
        BlockKernels.sampleHistogram(sample, into: scratch)
        let sampled = BlockStats(histogram: UnsafeBufferPointer(scratch), byteCount: sample.count)
        if sampled.entropy >= stageOneEntropyFloor {
          let signature = CompressedSignature.match(block)
          let compressed = signature != nil || sampled.chiSquare > randomLimit
          let entropy = min(8, sampled.entropy + stageOneEntropyShift)
          guard options.useRunContext else {
            closeRun()
            emit(compressed ? .compressed : .encrypted, offset: offset, length: length, entropy: entropy)
            continue
          }
          join(
            offset: offset, length: length, entropy: entropy, compressed: compressed, signature: signature,
            sampled: true, measuredBytes: sample.count)
          continue
        }
      }
      let stats = BlockStats(of: block, scratch: scratch)
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

  /// Adds a high-entropy block, whose histogram of `measuredBytes` bytes is in the scratch, to the run and the
  /// current group (starting them if needed).
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
    for v in 0..<256 { aggregate[v] &+= UInt64(scratch[v]) }
    groupBytes += measuredBytes
    if sampled { groupSampled = true }
    if pending.count >= groupBlocks { flushGroup(final: false) }
  }

  /// The pending group's summed chi-square.
  func groupChiSquare() -> Double {
    var sumSquares: Double = 0
    for v in 0..<256 {
      let c = Double(aggregate[v])
      sumSquares += c * c
    }
    let n = Double(groupBytes)
    return 256.0 * sumSquares / n - n
  }

  /// Stage two: when the pending group's sampled chi-square is near the random limit, measures every byte of its
  /// sampled blocks (the window must still be mapped) and re-decides them as exact mode would.
  mutating func stageTwoIfAmbiguous() {
    guard groupSampled, let bytes = windowBytes, !pending.isEmpty else { return }
    let chiSquare = groupChiSquare()
    guard chiSquare > options.stageTwoChiSquareFloor, chiSquare <= randomLimit else { return }
    for i in pending.indices where pending[i].sampled {
      let start = pending[i].offset - job.range.lowerBound
      let block = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + pending[i].length)])
      // Only the part stage one did not count is added: the sample's counts are already in the aggregate.
      let rest = UnsafeRawBufferPointer(rebasing: block[options.stageOneSampleBytes...])
      BlockKernels.histogram(rest, into: scratch)
      for v in 0..<256 { aggregate[v] &+= UInt64(scratch[v]) }
      groupBytes += rest.count
      let stats = BlockStats(of: block, scratch: scratch)
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
    if pending.count < 4, let previous = previousGroupBiased { biased = previous }
    for block in pending {
      let cls: ContentClass = block.compressed || biased ? .compressed : .encrypted
      emit(cls, offset: block.offset, length: block.length, entropy: block.entropy)
    }
    previousGroupBiased = biased
    groupSampled = false
    pending.removeAll(keepingCapacity: true)
    aggregate.update(repeating: 0)
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
    let bin = layout.bin(of: job.scanStart + (offset - job.range.lowerBound)) - result.firstBin
    result.binSums[bin] += entropy * Double(length)
    result.binBytes[bin] += length
    result.binMins[bin] = min(result.binMins[bin], entropy)
    result.binMaxs[bin] = max(result.binMaxs[bin], entropy)
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
