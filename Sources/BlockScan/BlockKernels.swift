import CPrefetch
import ImageAccess

/// The scanner's hot loops: pure functions over one block of bytes, no heap allocation.
///
/// Each fast kernel has a plain scalar twin in `BlockKernels+Reference.swift`; the tests check that both agree on
/// random and edge-length inputs. The fast versions use `SIMD4<UInt64>` and `SIMD16<UInt8>` (which Swift 6.3 on
/// x86-64 lowers to vector instructions) and never `SIMD32<UInt8>`/`SIMD64<UInt8>` (which it lowers lane by lane);
/// byte comparisons are always vector against vector (`v .== splat`), because comparing with a scalar literal is
/// lowered lane by lane too (measured: 0.14 GB/s against 16 GB/s).
///
/// The kernels that read every byte (zero test, Fletcher-64, histogram, byte classes) ask the CPU to prefetch the
/// line ``prefetchDistance`` bytes ahead of each 64-byte line they read, past the end of the block into the next
/// one, so that the next block's memory reads overlap with this block's arithmetic. Without it, a kernel's time on
/// mapped data was the sum of the memory time and the arithmetic time (Fletcher-64: 58 % of the read limit, with it
/// about 90 %; BENCHMARKS.md). A prefetch is only a hint: it never faults and never reads into the program, so the
/// address it names may lie outside the buffer.
public enum BlockKernels {
  /// How far ahead of the line being read the kernels prefetch. 2–4 KiB measured best on this machine (1 KiB left
  /// most of the gain, 8 KiB no better); 4 KiB is one block ahead at the default block size.
  public static let prefetchDistance = 4096

  /// Hints the CPU to start loading the cache line at `address` (which need not be valid memory).
  @inlinable @inline(__always)
  static func prefetch(_ address: UnsafeRawPointer) {
    ringo_prefetch_read(address)
  }

  /// True when every byte of `bytes` is zero.
  ///
  /// ORs 64 bytes at a time into `SIMD4<UInt64>` accumulators and stops at the first 256-byte stretch that holds a
  /// non-zero byte, so non-zero blocks cost almost nothing.
  /// - Complexity: O(n), no allocation.
  @inlinable
  public static func isAllZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
    let n = bytes.count
    var i = 0
    let base = bytes.baseAddress
    while i &+ 256 <= n {  // i + 256 <= n, so every load below is inside the buffer
      let ahead = base.unsafelyUnwrapped + (i &+ prefetchDistance)  // n >= 256 here, so base is not nil
      prefetch(ahead)
      prefetch(ahead + 64)
      prefetch(ahead + 128)
      prefetch(ahead + 192)
      var a = bytes.loadUnaligned(fromByteOffset: i, as: SIMD4<UInt64>.self)
      var b = bytes.loadUnaligned(fromByteOffset: i &+ 32, as: SIMD4<UInt64>.self)
      var j = 64
      while j < 256 {
        a |= bytes.loadUnaligned(fromByteOffset: i &+ j, as: SIMD4<UInt64>.self)
        b |= bytes.loadUnaligned(fromByteOffset: i &+ j &+ 32, as: SIMD4<UInt64>.self)
        j &+= 64
      }
      let v = a | b
      if (v[0] | v[1] | v[2] | v[3]) != 0 { return false }
      i &+= 256
    }
    var tail: UInt64 = 0
    while i &+ 8 <= n {
      tail |= bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      i &+= 8
    }
    while i < n {
      tail |= UInt64(bytes[i])
      i &+= 1
    }
    return tail == 0
  }

  /// Counts zero, printable and high bytes (``ByteClassCounts``), stopping early once the block cannot be text.
  ///
  /// The cheap pre-check that spares text blocks the full histogram: 16 bytes per step in `SIMD16<UInt8>` lanes,
  /// counted by subtracting comparison masks (a lane adds 1 for each byte whose mask is all ones). After every
  /// 256 bytes the lane counters (at most 16 each) are summed; if the control bytes so far exceed
  /// `stopAboveControl`, or control plus high bytes exceed `stopAboveNonPrintable`, the kernel returns with
  /// `counted` < `bytes.count`. Both counts only grow, so a caller that takes those limits from its text rule loses
  /// nothing by stopping (random data stops after about 512 bytes).
  /// - Complexity: O(n), no allocation.
  @inlinable
  public static func byteClasses(
    _ bytes: UnsafeRawBufferPointer, stopAboveControl: Int = .max, stopAboveNonPrintable: Int = .max
  ) -> ByteClassCounts {
    let n = bytes.count
    var zero = 0
    var printable = 0
    var high = 0
    var i = 0
    // Splat vectors: comparing against a vector vectorizes, against a scalar literal it does not (see above).
    let zeroV = SIMD16<UInt8>()
    let space = SIMD16<UInt8>(repeating: 0x20)
    let printableSpan = SIMD16<UInt8>(repeating: 0x5F)  // 0x20...0x7E after subtracting 0x20
    let tab = SIMD16<UInt8>(repeating: 0x09)
    let lineFeed = SIMD16<UInt8>(repeating: 0x0A)
    let carriageReturn = SIMD16<UInt8>(repeating: 0x0D)
    let highStart = SIMD16<UInt8>(repeating: 0x80)
    @inline(__always) func step(
      _ v: SIMD16<UInt8>, _ z: inout SIMD16<UInt8>, _ p: inout SIMD16<UInt8>, _ h: inout SIMD16<UInt8>
    ) {
      z &-= unsafeBitCast(v .== zeroV, to: SIMD16<UInt8>.self)
      let isPrintable = ((v &- space) .< printableSpan) .| (v .== tab) .| (v .== lineFeed) .| (v .== carriageReturn)
      p &-= unsafeBitCast(isPrintable, to: SIMD16<UInt8>.self)
      h &-= unsafeBitCast(v .>= highStart, to: SIMD16<UInt8>.self)
    }
    if n >= 256 {
      let start = bytes.baseAddress.unsafelyUnwrapped
      while i &+ 256 <= n {
        var z = SIMD16<UInt8>()
        var p = SIMD16<UInt8>()
        var h = SIMD16<UInt8>()
        var k = 0
        while k < 256 {
          prefetch(start + (i &+ k &+ prefetchDistance))
          step(bytes.loadUnaligned(fromByteOffset: i &+ k, as: SIMD16<UInt8>.self), &z, &p, &h)
          step(bytes.loadUnaligned(fromByteOffset: i &+ k &+ 16, as: SIMD16<UInt8>.self), &z, &p, &h)
          step(bytes.loadUnaligned(fromByteOffset: i &+ k &+ 32, as: SIMD16<UInt8>.self), &z, &p, &h)
          step(bytes.loadUnaligned(fromByteOffset: i &+ k &+ 48, as: SIMD16<UInt8>.self), &z, &p, &h)
          k &+= 64
        }
        i &+= 256
        zero &+= laneSum(z)
        printable &+= laneSum(p)
        high &+= laneSum(h)
        let control = i &- zero &- printable &- high
        if control > stopAboveControl || control &+ high > stopAboveNonPrintable {
          return ByteClassCounts(counted: i, zero: zero, printable: printable, high: high)
        }
      }
    }
    var z = SIMD16<UInt8>()
    var p = SIMD16<UInt8>()
    var h = SIMD16<UInt8>()
    while i &+ 16 <= n {  // at most 15 steps: fewer than 256 bytes remain
      step(bytes.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self), &z, &p, &h)
      i &+= 16
    }
    zero &+= laneSum(z)
    printable &+= laneSum(p)
    high &+= laneSum(h)
    while i < n {
      let b = bytes[i]
      if b == 0 {
        zero &+= 1
      } else if (0x20...0x7E).contains(b) || b == 0x09 || b == 0x0A || b == 0x0D {
        printable &+= 1
      } else if b >= 0x80 {
        high &+= 1
      }
      i &+= 1
    }
    return ByteClassCounts(counted: n, zero: zero, printable: printable, high: high)
  }

  /// Sum of 16 byte lanes that each hold at most 16: two multiplies gather each half's 8 bytes into its top byte
  /// (the partial sums stay below 256, so no carry crosses a byte).
  @inlinable @inline(__always)
  static func laneSum(_ v: SIMD16<UInt8>) -> Int {
    let halves = unsafeBitCast(v, to: SIMD2<UInt64>.self)
    let spread: UInt64 = 0x0101_0101_0101_0101
    return Int(truncatingIfNeeded: ((halves[0] &* spread) &>> 56) &+ ((halves[1] &* spread) &>> 56))
  }

  /// Wrapping sum of the buffer's 64-bit little-endian words (trailing bytes added one by one): the cheapest loop
  /// that touches every byte, used by the benchmark as the memory-read limit. `prefetching` adds the kernels'
  /// prefetch, so the benchmark can show the limit both ways.
  /// - Complexity: O(n), no allocation.
  @inlinable
  public static func readSum(_ bytes: UnsafeRawBufferPointer, prefetching: Bool = false) -> UInt64 {
    let n = bytes.count
    var a = SIMD4<UInt64>(), b = SIMD4<UInt64>(), c = SIMD4<UInt64>(), d = SIMD4<UInt64>()
    var i = 0
    if prefetching, n >= 128 {
      let start = bytes.baseAddress.unsafelyUnwrapped
      while i &+ 128 <= n {
        prefetch(start + (i &+ prefetchDistance))
        prefetch(start + (i &+ prefetchDistance &+ 64))
        a &+= bytes.loadUnaligned(fromByteOffset: i, as: SIMD4<UInt64>.self)
        b &+= bytes.loadUnaligned(fromByteOffset: i &+ 32, as: SIMD4<UInt64>.self)
        c &+= bytes.loadUnaligned(fromByteOffset: i &+ 64, as: SIMD4<UInt64>.self)
        d &+= bytes.loadUnaligned(fromByteOffset: i &+ 96, as: SIMD4<UInt64>.self)
        i &+= 128
      }
    }
    while i &+ 128 <= n {
      a &+= bytes.loadUnaligned(fromByteOffset: i, as: SIMD4<UInt64>.self)
      b &+= bytes.loadUnaligned(fromByteOffset: i &+ 32, as: SIMD4<UInt64>.self)
      c &+= bytes.loadUnaligned(fromByteOffset: i &+ 64, as: SIMD4<UInt64>.self)
      d &+= bytes.loadUnaligned(fromByteOffset: i &+ 96, as: SIMD4<UInt64>.self)
      i &+= 128
    }
    let v = (a &+ b) &+ (c &+ d)
    var sum = v[0] &+ v[1] &+ v[2] &+ v[3]
    while i &+ 8 <= n {
      sum &+= bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      i &+= 8
    }
    while i < n {
      sum &+= UInt64(bytes[i])
      i &+= 1
    }
    return sum
  }

  /// The APFS object checksum of `object` (``ImageAccess/Fletcher64``, the one implementation, shared with the
  /// container reader).
  @inlinable
  public static func fletcher64(_ object: UnsafeRawBufferPointer) -> UInt64 {
    Fletcher64.checksum(object)
  }

  /// Counts each byte value of `bytes` into `histogram[0..<256]`.
  ///
  /// Four interleaved sub-histograms hide the store-to-load dependency when neighbouring bytes are equal; they live
  /// in `histogram[0..<1024]` (the caller's scratch, so the kernel allocates nothing) and are summed into the first
  /// 256 counters at the end.
  /// - Precondition: `histogram.count >= 1024`, and `bytes.count < 2^32`.
  /// - Complexity: O(n), no allocation.
  @inlinable
  public static func histogram(_ bytes: UnsafeRawBufferPointer, into histogram: UnsafeMutableBufferPointer<UInt32>) {
    precondition(histogram.count >= histogramScratchCount, "histogram needs 1024 counters of scratch")  // programmer error
    let t = histogram.baseAddress!
    t.update(repeating: 0, count: histogramScratchCount)
    let n = bytes.count
    var i = 0
    @inline(__always) func count(_ w: UInt64) {
      t[Int(truncatingIfNeeded: w & 0xFF)] &+= 1
      t[256 &+ Int(truncatingIfNeeded: (w &>> 8) & 0xFF)] &+= 1
      t[512 &+ Int(truncatingIfNeeded: (w &>> 16) & 0xFF)] &+= 1
      t[768 &+ Int(truncatingIfNeeded: (w &>> 24) & 0xFF)] &+= 1
      t[Int(truncatingIfNeeded: (w &>> 32) & 0xFF)] &+= 1
      t[256 &+ Int(truncatingIfNeeded: (w &>> 40) & 0xFF)] &+= 1
      t[512 &+ Int(truncatingIfNeeded: (w &>> 48) & 0xFF)] &+= 1
      t[768 &+ Int(truncatingIfNeeded: w &>> 56)] &+= 1
    }
    if n >= 64 {
      let start = bytes.baseAddress.unsafelyUnwrapped
      while i &+ 64 <= n {  // one cache line per step, with one prefetch
        prefetch(start + (i &+ prefetchDistance))
        var k = 0
        while k < 64 {
          count(bytes.loadUnaligned(fromByteOffset: i &+ k, as: UInt64.self))
          k &+= 8
        }
        i &+= 64
      }
    }
    while i &+ 8 <= n {
      count(bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      i &+= 8
    }
    while i < n {
      t[Int(bytes[i])] &+= 1
      i &+= 1
    }
    for v in 0..<256 {  // in place: t[v] is read before it is written, and t[256...] only read
      t[v] = t[v] &+ t[256 &+ v] &+ t[512 &+ v] &+ t[768 &+ v]
    }
  }

  /// Control bytes (0x01...0x1F except tab, LF and CR, and 0x7F: the bytes the text rule counts against text) in
  /// the first 64 bytes of `bytes`. Stage one's router: random data has two or more in all but 0.3 % of its first
  /// lines, text almost never; and a block with any is not all zero.
  /// - Precondition: `bytes.count >= 64`.
  /// - Complexity: O(1), no allocation.
  @inlinable
  public static func firstLineControlBytes(_ bytes: UnsafeRawBufferPointer) -> Int {
    precondition(bytes.count >= 64, "the first line needs 64 bytes")  // programmer error
    let space = SIMD16<UInt8>(repeating: 0x20)
    let zero = SIMD16<UInt8>()
    let tab = SIMD16<UInt8>(repeating: 0x09)
    let lineFeed = SIMD16<UInt8>(repeating: 0x0A)
    let carriageReturn = SIMD16<UInt8>(repeating: 0x0D)
    let delete = SIMD16<UInt8>(repeating: 0x7F)
    var count = SIMD16<UInt8>()
    var i = 0
    while i < 64 {
      let v = bytes.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
      let low = (v .< space) .& .!((v .== zero) .| (v .== tab) .| (v .== lineFeed) .| (v .== carriageReturn))
      count &-= unsafeBitCast(low .| (v .== delete), to: SIMD16<UInt8>.self)
      i &+= 16
    }
    return laneSum(count)
  }

  /// Bytes in one piece of a stage-one sample (``spreadSampleHistogram(_:pieces:into:)``): one cache line.
  public static let samplePieceBytes = 64

  /// Where piece `k` of a `pieces`-piece sample starts in a block of `blockSize` bytes: the pieces are spread evenly,
  /// `k · ⌊blockSize / pieces⌋`, so a block whose tail is padding or text shows it in its sample.
  @inlinable @inline(__always)
  public static func samplePieceStart(_ k: Int, pieces: Int, blockSize: Int) -> Int {
    k &* (blockSize / pieces)
  }

  /// Counts the bytes of a block's stage-one sample (``samplePieceBytes``-byte pieces spread over the block, see
  /// ``samplePieceStart(_:pieces:blockSize:)``) into `histogram[0..<256]`, one table of 16-bit counters: for a
  /// sample of a few hundred bytes the four sub-tables of ``histogram(_:into:)`` cost more to clear and fold than
  /// they save, and 16-bit lanes let ``foldSample(_:into:)`` square eight counters per instruction. Each count is
  /// one memory-destination add; a repeated byte makes it wait for the previous one, which on the high-entropy
  /// blocks stage one is for is rare. Prefetches the same pieces of the next block (the bytes after `block`, which
  /// need not exist: a prefetch is only a hint).
  /// - Precondition: `histogram.count >= 256`, `pieces >= 1`, `block.count >= pieces · samplePieceBytes` (so the
  ///   pieces do not overlap), and a sample below 65536 bytes (no counter can wrap).
  /// - Complexity: O(pieces), no allocation.
  @inlinable
  public static func spreadSampleHistogram(
    _ block: UnsafeRawBufferPointer, pieces: Int, into histogram: UnsafeMutableBufferPointer<UInt16>
  ) {
    precondition(histogram.count >= 256, "histogram needs 256 counters")  // programmer error
    precondition(
      pieces >= 1 && pieces < 1024 && block.count >= pieces &* samplePieceBytes, "sample pieces must fit the block")  // programmer error
    let t = histogram.baseAddress!
    let table = UnsafeMutableRawPointer(t)
    var v = 0
    while v < 512 {  // 256 counters of 2 bytes, cleared 16 bytes at a time
      table.storeBytes(of: SIMD8<UInt16>(), toByteOffset: v, as: SIMD8<UInt16>.self)
      v &+= 16
    }
    let base = block.baseAddress!  // block.count >= 64 here
    let stride = block.count / pieces
    var k = 0
    while k < pieces {
      let piece = k &* stride
      prefetch(base + (piece &+ block.count))
      let p = base + piece
      var j = 0
      while j < samplePieceBytes {  // byte loads: one load and one add per byte, no shifts
        t[Int(p.load(fromByteOffset: j, as: UInt8.self))] &+= 1
        t[Int(p.load(fromByteOffset: j &+ 1, as: UInt8.self))] &+= 1
        t[Int(p.load(fromByteOffset: j &+ 2, as: UInt8.self))] &+= 1
        t[Int(p.load(fromByteOffset: j &+ 3, as: UInt8.self))] &+= 1
        t[Int(p.load(fromByteOffset: j &+ 4, as: UInt8.self))] &+= 1
        t[Int(p.load(fromByteOffset: j &+ 5, as: UInt8.self))] &+= 1
        t[Int(p.load(fromByteOffset: j &+ 6, as: UInt8.self))] &+= 1
        t[Int(p.load(fromByteOffset: j &+ 7, as: UInt8.self))] &+= 1
        j &+= 8
      }
      k &+= 1
    }
  }

  /// The largest sample count ``foldSample(_:into:)`` squares exactly: with every count at most 63, eight squares
  /// sum to at most 31 752 and fit the 16-bit lanes it adds them in. A sample with a larger count is far from uniform
  /// (for 512 bytes, chi-square over 345 already means a count above 41), so stage one rejects it anyway.
  public static let sampleFoldMaximumCount = 63

  /// What stage one needs from a sample's histogram, in one pass over its 256 counters: the sum of the squared counts
  /// (chi-square is `256·squares/n − n`), the control bytes (0x01...0x1F except tab, LF and CR, and 0x7F) and the
  /// largest count. The counters are also added to `aggregate` (the run group's sample counts, wrapping), so the
  /// sample is read once; ``unfoldSample(_:from:)`` takes a rejected one back out.
  ///
  /// `squares` is exact only when `largest <= sampleFoldMaximumCount` (it is summed in 16-bit lanes, eight squares
  /// per lane); callers reject the sample otherwise.
  /// - Precondition: `histogram.count >= 256`, `aggregate.count >= 256`.
  /// - Complexity: O(256), no allocation.
  @inlinable
  public static func foldSample(
    _ histogram: UnsafeBufferPointer<UInt16>, into aggregate: UnsafeMutableBufferPointer<UInt16>
  ) -> (squares: Int, control: Int, largest: Int) {
    precondition(histogram.count >= 256 && aggregate.count >= 256, "sample fold needs 256 counters")  // programmer error
    let h = UnsafeRawPointer(histogram.baseAddress!)
    let a = UnsafeMutableRawPointer(aggregate.baseAddress!)
    var largest = SIMD8<Int16>()
    var squares = 0
    var control = 0
    var quarter = 0
    while quarter < 512 {  // four quarters of 64 counters (128 bytes): eight squares per lane at most each
      var sum = SIMD8<UInt16>()
      var v = quarter
      while v < quarter &+ 128 {
        let c = h.loadUnaligned(fromByteOffset: v, as: SIMD8<UInt16>.self)
        largest = pointwiseMax(largest, unsafeBitCast(c, to: SIMD8<Int16>.self))
        sum &+= c &* c
        a.storeBytes(
          of: a.loadUnaligned(fromByteOffset: v, as: SIMD8<UInt16>.self) &+ c, toByteOffset: v, as: SIMD8<UInt16>.self)
        if v < 0x40 { control &+= Int(c.wrappedSum()) }  // counters 0x00...0x1F
        v &+= 16
      }
      squares &+= Int(SIMD8<UInt32>(truncatingIfNeeded: sum).wrappedSum())
      quarter &+= 128
    }
    let t = histogram.baseAddress!
    control = control &- Int(t[0]) &- Int(t[0x09]) &- Int(t[0x0A]) &- Int(t[0x0D]) &+ Int(t[0x7F])
    return (squares, control, Int(largest.max()))
  }

  /// Takes a sample that ``foldSample(_:into:)`` added back out of `aggregate` (exactly, as both wrap).
  /// - Complexity: O(256), no allocation.
  @inlinable
  public static func unfoldSample(
    _ histogram: UnsafeBufferPointer<UInt16>, from aggregate: UnsafeMutableBufferPointer<UInt16>
  ) {
    precondition(histogram.count >= 256 && aggregate.count >= 256, "sample fold needs 256 counters")  // programmer error
    let h = UnsafeRawPointer(histogram.baseAddress!)
    let a = UnsafeMutableRawPointer(aggregate.baseAddress!)
    var v = 0
    while v < 512 {
      let c = h.loadUnaligned(fromByteOffset: v, as: SIMD8<UInt16>.self)
      a.storeBytes(
        of: a.loadUnaligned(fromByteOffset: v, as: SIMD8<UInt16>.self) &- c, toByteOffset: v, as: SIMD8<UInt16>.self)
      v &+= 16
    }
  }

  /// Counters a ``histogram(_:into:)`` scratch buffer must hold.
  public static let histogramScratchCount = 1024
}
