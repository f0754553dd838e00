#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How many bytes of a block fall in each class the text test needs, from ``BlockKernels/byteClasses(_:stopAboveControl:stopAboveNonPrintable:)``
/// or from a histogram. Control bytes are the rest: 0x01...0x08, 0x0B, 0x0C, 0x0E...0x1F and 0x7F.
public struct ByteClassCounts: Sendable, Equatable {
  /// Bytes examined: the whole block, or fewer when the pre-check stopped because the block cannot be text.
  public var counted: Int
  /// Bytes equal to 0x00.
  public var zero: Int
  /// Printable ASCII 0x20...0x7E plus tab, line feed and carriage return.
  public var printable: Int
  /// Bytes 0x80...0xFF.
  public var high: Int

  public init(counted: Int, zero: Int, printable: Int, high: Int) {
    self.counted = counted
    self.zero = zero
    self.printable = printable
    self.high = high
  }

  /// Control bytes among the counted ones.
  public var control: Int { counted &- zero &- printable &- high }
  /// Counted bytes other than 0x00.
  public var nonZero: Int { counted &- zero }
}

/// What one block's bytes look like: byte-class counts and two statistics of its byte histogram.
///
/// Computed by ``init(histogram:byteCount:)`` from the 256-bin histogram that ``BlockKernels/histogram(_:into:)``
/// fills, so the kernel stays a single pass. ``ContentPolicy`` turns this into a class; it needs no bytes at all.
public struct BlockStats: Sendable, Equatable {
  /// Bytes in the block (the last block of an image may be short).
  public var byteCount: Int
  /// Bytes equal to 0x00.
  public var zeroBytes: Int
  /// Printable ASCII 0x20...0x7E plus tab, line feed and carriage return.
  public var printableBytes: Int
  /// Control bytes other than 0x00, tab, LF and CR: 0x01...0x08, 0x0B, 0x0C, 0x0E...0x1F and 0x7F.
  public var controlBytes: Int
  /// Bytes 0x80...0xFF.
  public var highBytes: Int
  /// Shannon entropy of the byte histogram, in bits per byte (0...8).
  public var entropy: Double
  /// Pearson's chi-square statistic of the histogram against the uniform distribution (255 degrees of freedom):
  /// `Σ (count - n/256)² / (n/256)`. Uniformly random bytes give 255 ± 22.6; any bias makes it grow with `n`.
  public var chiSquare: Double

  public init(
    byteCount: Int, zeroBytes: Int, printableBytes: Int, controlBytes: Int, highBytes: Int, entropy: Double,
    chiSquare: Double
  ) {
    self.byteCount = byteCount
    self.zeroBytes = zeroBytes
    self.printableBytes = printableBytes
    self.controlBytes = controlBytes
    self.highBytes = highBytes
    self.entropy = entropy
    self.chiSquare = chiSquare
  }

  /// Statistics of a block of `byteCount` bytes from its 256-bin histogram.
  ///
  /// Entropy uses a table of `c·log2(c)` for counts up to 65536 (exactly the same values as `log2` would give), so
  /// it costs 256 lookups; chi-square comes from the integer sum of squared counts.
  /// - Complexity: O(256), no allocation.
  public init(histogram h: UnsafeBufferPointer<UInt32>, byteCount: Int) {
    precondition(h.count >= 256, "histogram needs 256 counters")  // programmer error
    if (0..<65_536).contains(byteCount), let sums = Self.smallBlockSums(h, byteCount: byteCount) {
      self.init(
        byteCount: byteCount, zeroBytes: sums.zero, printableBytes: sums.printable,
        controlBytes: byteCount &- sums.zero &- sums.printable &- sums.high, highBytes: sums.high,
        sumCLogC: sums.cLogC, sumSquares: sums.squares)
      return
    }
    var printable = Int(h[0x09]) &+ Int(h[0x0A]) &+ Int(h[0x0D])
    for v in 0x20...0x7E { printable &+= Int(h[v]) }
    var control = Int(h[0x7F])
    for v in 0x01...0x1F where v != 0x09 && v != 0x0A && v != 0x0D { control &+= Int(h[v]) }
    var high = 0
    for v in 0x80...0xFF { high &+= Int(h[v]) }
    var sumSquares: UInt64 = 0
    // Four separate sums break the chain of dependent floating-point adds (about 4x faster than one sum).
    var s0 = 0.0
    var s1 = 0.0
    var s2 = 0.0
    var s3 = 0.0
    var outside = false  // a count beyond the table (blocks over 64 KiB): recomputed below with log2
    EntropyTable.cLog2c.withUnsafeBufferPointer { t in
      let limit = t.count
      var v = 0
      while v < 256 {
        let c0 = Int(h[v])
        let c1 = Int(h[v &+ 1])
        let c2 = Int(h[v &+ 2])
        let c3 = Int(h[v &+ 3])
        // Each c <= 2^32 and there are 256 of them: the sum of squares fits for blocks below 2^28 bytes.
        sumSquares &+= UInt64(c0) &* UInt64(c0) &+ UInt64(c1) &* UInt64(c1) &+ UInt64(c2) &* UInt64(c2)
        sumSquares &+= UInt64(c3) &* UInt64(c3)
        if c0 < limit, c1 < limit, c2 < limit, c3 < limit {
          s0 += t[c0]
          s1 += t[c1]
          s2 += t[c2]
          s3 += t[c3]
        } else {
          outside = true
        }
        v &+= 4
      }
    }
    if outside {
      (s0, s1, s2, s3) = (0, 0, 0, 0)
      for v in 0..<256 where h[v] > 0 { s0 += Double(h[v]) * log2(Double(h[v])) }
    }
    self.init(
      byteCount: byteCount, zeroBytes: Int(h[0]), printableBytes: printable, controlBytes: control, highBytes: high,
      sumCLogC: (s0 + s1) + (s2 + s3), sumSquares: sumSquares)
  }

  /// The same statistics for blocks below 64 KiB, eight counters at a time: every count is then below the
  /// `c·log2(c)` table's end, and the sum of squares (at most n² < 2^32) fits 32-bit lanes, so the class sums and
  /// the sum of squares run in `SIMD8<UInt32>` and only the 256 table lookups stay scalar: 29 % fewer
  /// instructions than the general path (callgrind on `ringo scan` of 64 MiB of random bytes: 35.0 M against 49.0 M,
  /// 3 % of the whole scan). The tests check both paths against the textbook formulas.
  static func smallBlockSums(_ h: UnsafeBufferPointer<UInt32>, byteCount n: Int) -> (
    zero: Int, printable: Int, high: Int, cLogC: Double, squares: UInt64
  )? {
    let counts = UnsafeRawPointer(h.baseAddress!)  // at least 256 counters (checked by the caller)
    var squares = SIMD8<UInt32>()
    var printable = SIMD8<UInt32>()
    var high = SIMD8<UInt32>()
    var low = SIMD8<UInt32>()
    var largest = SIMD8<UInt32>()
    var v = 0
    while v < 0x20 {  // zero, control and whitespace: squares only; those classes come from single counters
      let c = counts.loadUnaligned(fromByteOffset: v &* 4, as: SIMD8<UInt32>.self)
      squares &+= c &* c
      low &+= c
      largest = pointwiseMax(largest, c)
      v &+= 8
    }
    while v < 0x80 {  // 0x20...0x7F: printable, except 0x7F (taken out below)
      let c = counts.loadUnaligned(fromByteOffset: v &* 4, as: SIMD8<UInt32>.self)
      squares &+= c &* c
      printable &+= c
      largest = pointwiseMax(largest, c)
      v &+= 8
    }
    while v < 0x100 {
      let c = counts.loadUnaligned(fromByteOffset: v &* 4, as: SIMD8<UInt32>.self)
      squares &+= c &* c
      high &+= c
      largest = pointwiseMax(largest, c)
      v &+= 8
    }
    // Every count must be at most n (so inside the table) and they must add up to n; a histogram that does not
    // (a caller's mistake) takes the general path. With each count at most n < 2^16, no lane can wrap.
    guard largest.max() <= UInt32(n) else { return nil }
    let printableSum = Int(printable.wrappedSum())
    let highCount = Int(high.wrappedSum())
    guard Int(low.wrappedSum()) &+ printableSum &+ highCount == n else { return nil }
    // Four separate sums break the chain of dependent floating-point adds.
    var s0 = 0.0
    var s1 = 0.0
    var s2 = 0.0
    var s3 = 0.0
    EntropyTable.cLog2c.withUnsafeBufferPointer { table in
      let cLogC = table.baseAddress!  // every count is at most n < 65536 < table count
      var v = 0
      while v < 256 {
        s0 += cLogC[Int(h[v])]
        s1 += cLogC[Int(h[v &+ 1])]
        s2 += cLogC[Int(h[v &+ 2])]
        s3 += cLogC[Int(h[v &+ 3])]
        v &+= 4
      }
    }
    let printableCount = printableSum &- Int(h[0x7F]) &+ Int(h[0x09]) &+ Int(h[0x0A]) &+ Int(h[0x0D])
    return (Int(h[0]), printableCount, highCount, (s0 + s1) + (s2 + s3), UInt64(squares.wrappedSum()))
  }

  /// The statistics from the sums both paths compute.
  init(
    byteCount n: Int, zeroBytes: Int, printableBytes: Int, controlBytes: Int, highBytes: Int, sumCLogC: Double,
    sumSquares: UInt64
  ) {
    let count = Double(n)
    self.init(
      byteCount: n, zeroBytes: zeroBytes, printableBytes: printableBytes, controlBytes: controlBytes,
      highBytes: highBytes, entropy: n > 0 ? max(0, log2(count) - sumCLogC / count) : 0,
      chiSquare: n > 0 ? 256.0 * Double(sumSquares) / count - count : 0)
  }


  /// Statistics of `bytes`, using a caller-provided scratch of ``BlockKernels/histogramScratchCount`` counters (so a
  /// driver allocates it once); its first 256 counters hold the block's histogram afterwards.
  @inlinable
  public init(of bytes: UnsafeRawBufferPointer, scratch: UnsafeMutableBufferPointer<UInt32>) {
    BlockKernels.histogram(bytes, into: scratch)
    self.init(histogram: UnsafeBufferPointer(scratch), byteCount: bytes.count)
  }

  /// The byte-class counts of the whole block (the same numbers the pre-check kernel gives).
  public var byteClasses: ByteClassCounts {
    ByteClassCounts(counted: byteCount, zero: zeroBytes, printable: printableBytes, high: highBytes)
  }

  /// All bytes are zero.
  public var isAllZero: Bool { zeroBytes == byteCount }
  /// Bytes other than 0x00.
  public var nonZeroBytes: Int { byteCount &- zeroBytes }

  /// Expected entropy of `n` uniformly random bytes: `8 - 255 / (2·n·ln 2)` (the first-order bias of the plug-in
  /// estimator; about 7.955 bits at 4 KiB, 7.997 at 64 KiB).
  public static func expectedRandomEntropy(byteCount n: Int) -> Double {
    guard n > 0 else { return 0 }
    return 8.0 - 255.0 / (2.0 * Double(n) * M_LN2)
  }
}

/// `c·log2(c)` for c in 0...65536, built once.
enum EntropyTable {
  static let cLog2c: [Double] = (0...65_536).map { c in c == 0 ? 0 : Double(c) * log2(Double(c)) }
}
