/// The scanner's hot loops: pure functions over one block of bytes, no heap allocation.
///
/// Each fast kernel has a plain scalar twin in `BlockKernels+Reference.swift`; the tests check that both agree on
/// random and edge-length inputs. The fast versions use `SIMD4<UInt64>` (which Swift 6.3 on x86-64 lowers to vector
/// instructions) and never `SIMD32<UInt8>`/`SIMD64<UInt8>` (which it lowers lane by lane).
public enum BlockKernels {
  /// The modulus of APFS's Fletcher-64 variant (sums of 32-bit words modulo 2^32 - 1).
  public static let fletcherModulus: UInt64 = 0xFFFF_FFFF

  /// True when every byte of `bytes` is zero.
  ///
  /// ORs 64 bytes at a time into `SIMD4<UInt64>` accumulators and stops at the first 256-byte stretch that holds a
  /// non-zero byte, so non-zero blocks cost almost nothing.
  /// - Complexity: O(n), no allocation.
  @inlinable
  public static func isAllZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
    let n = bytes.count
    var i = 0
    while i &+ 256 <= n {  // i + 256 <= n, so every load below is inside the buffer
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

  /// Wrapping sum of the buffer's 64-bit little-endian words (trailing bytes added one by one): the cheapest loop
  /// that touches every byte, used by the benchmark as the memory-read limit.
  /// - Complexity: O(n), no allocation.
  @inlinable
  public static func readSum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let n = bytes.count
    var a = SIMD4<UInt64>(), b = SIMD4<UInt64>(), c = SIMD4<UInt64>(), d = SIMD4<UInt64>()
    var i = 0
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

  /// The APFS object checksum of `object`: Fletcher-64 over its 32-bit little-endian words from byte 8 on.
  ///
  /// Trailing bytes that do not fill a word are ignored (APFS objects are whole blocks). The result is compared with
  /// the `o_cksum` field (the first 8 bytes, little-endian). Objects shorter than 8 bytes have no checksum field and
  /// get the checksum of zero words.
  ///
  /// The fast path keeps, per word position `p` in an 8-word group, the sum `a_p` and the running sum of sums `b_p`
  /// in `SIMD4<UInt64>` lanes, then recombines: `s1 = Σ a_p`, `s2 = 8·Σ b_p + Σ (8 - p)·a_p`. Chunks of 64 KiB keep
  /// every lane below 2^60 before reduction.
  /// - Complexity: O(n), no allocation. On disk: `obj_phys_t.o_cksum`, Apple File System Reference §Objects.
  @inlinable
  public static func fletcher64(_ object: UnsafeRawBufferPointer) -> UInt64 {
    guard object.count > 8 else { return fletcherFinish(s1: 0, s2: 0) }
    let wordCount = (object.count &- 8) / 4
    let chunkWords = 16_384  // 64 KiB: lanes stay < 2^(21+32) before the final multiply-adds
    var s1: UInt64 = 0
    var s2: UInt64 = 0
    var word = 0
    while word < wordCount {
      let count = min(chunkWords, wordCount &- word)
      let base = 8 &+ word &* 4  // byte offset of this chunk's first word; inside the buffer
      var aLo = SIMD4<UInt64>(), aHi = SIMD4<UInt64>(), bLo = SIMD4<UInt64>(), bHi = SIMD4<UInt64>()
      let mask = SIMD4<UInt64>(repeating: 0xFFFF_FFFF)
      let groups = count / 8
      var g = 0
      while g < groups {
        let v = object.loadUnaligned(fromByteOffset: base &+ g &* 32, as: SIMD4<UInt64>.self)
        bLo &+= aLo
        bHi &+= aHi
        aLo &+= v & mask  // words 0, 2, 4, 6 of the group
        aHi &+= v &>> 32  // words 1, 3, 5, 7
        g &+= 1
      }
      var c1: UInt64 = 0
      var c2: UInt64 = 0
      for lane in 0..<4 {
        let pLo = UInt64(2 &* lane)  // position of the low word in the group
        let pHi = pLo &+ 1
        c1 &+= aLo[lane] &+ aHi[lane]
        c2 &+= 8 &* (bLo[lane] &+ bHi[lane]) &+ (8 &- pLo) &* aLo[lane] &+ (8 &- pHi) &* aHi[lane]
      }
      c1 = reduce(c1)
      c2 = reduce(c2)
      var k = groups &* 8
      while k < count {  // the chunk's last (at most 7) words; sums stay below 2^36 without reduction
        let w = UInt64(object.loadUnaligned(fromByteOffset: base &+ k &* 4, as: UInt32.self).littleEndian)
        c1 &+= w
        c2 &+= c1
        k &+= 1
      }
      c1 = reduce(c1)
      c2 = reduce(c2)
      // Appending a chunk of `count` words to a prefix (s1, s2): s2 grows by count·s1 plus the chunk's own s2.
      // count < 2^15 and s1 < 2^32, so the product and the sum stay below 2^49.
      s2 = reduce(s2 &+ UInt64(count) &* s1 &+ c2)
      s1 = reduce(s1 &+ c1)
      word &+= count
    }
    return fletcherFinish(s1: s1, s2: s2)
  }

  /// Folds the two running sums (each already below 2^32 - 1) into the stored form `(c2 << 32) | c1`.
  @inlinable
  static func fletcherFinish(s1: UInt64, s2: UInt64) -> UInt64 {
    let m = fletcherModulus
    let c1 = m &- reduce(s1 &+ s2)
    let c2 = m &- reduce(s1 &+ c1)
    return (c2 << 32) | c1
  }

  /// `x mod (2^32 - 1)` without a division: 2^32 ≡ 1, so the high and low halves can be added (twice, for carries),
  /// then one conditional subtraction.
  @inlinable
  static func reduce(_ x: UInt64) -> UInt64 {
    let m = fletcherModulus
    var r = (x & m) &+ (x &>> 32)  // < 2^33
    r = (r & m) &+ (r &>> 32)  // <= 2^32
    return r >= m ? r &- m : r
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
    while i &+ 8 <= n {
      let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      t[Int(truncatingIfNeeded: w & 0xFF)] &+= 1
      t[256 &+ Int(truncatingIfNeeded: (w &>> 8) & 0xFF)] &+= 1
      t[512 &+ Int(truncatingIfNeeded: (w &>> 16) & 0xFF)] &+= 1
      t[768 &+ Int(truncatingIfNeeded: (w &>> 24) & 0xFF)] &+= 1
      t[Int(truncatingIfNeeded: (w &>> 32) & 0xFF)] &+= 1
      t[256 &+ Int(truncatingIfNeeded: (w &>> 40) & 0xFF)] &+= 1
      t[512 &+ Int(truncatingIfNeeded: (w &>> 48) & 0xFF)] &+= 1
      t[768 &+ Int(truncatingIfNeeded: w &>> 56)] &+= 1
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

  /// Counters a ``histogram(_:into:)`` scratch buffer must hold.
  public static let histogramScratchCount = 1024
}
