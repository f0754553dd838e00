import CPrefetch

/// The APFS object checksum: Fletcher-64 over 32-bit little-endian words from byte 8 on (the 8-byte `o_cksum` field
/// itself is skipped), as the container reader verifies it and the content scanner recognises objects with it. The
/// one implementation in the product (the forge and TestSupport keep independent copies on purpose: they check
/// this one). On disk: `o_cksum` of `obj_phys_t`, Apple File System Reference §Objects.
public enum Fletcher64 {
  /// The modulus of APFS's Fletcher-64 variant (sums of 32-bit words modulo 2^32 - 1).
  public static let modulus: UInt64 = 0xFFFF_FFFF

  /// How far ahead of the line being read the checksum prefetches (the block scanner's measured distance).
  public static let prefetchDistance = 4096

  /// The checksum of `block[8...]`, as stored in `o_cksum`.
  public static func checksum(_ block: [UInt8]) -> UInt64 {
    block.withUnsafeBytes { checksum($0) }
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
  public static func checksum(_ object: UnsafeRawBufferPointer) -> UInt64 {
    guard object.count > 8 else { return finish(s1: 0, s2: 0) }
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
      let start = object.baseAddress.unsafelyUnwrapped + base  // count > 0 words, so the buffer is not empty
      while g &+ 2 <= groups {  // two groups (64 bytes, one cache line's worth) per prefetch
        ringo_prefetch_read(start + (g &* 32 &+ prefetchDistance))
        let v = object.loadUnaligned(fromByteOffset: base &+ g &* 32, as: SIMD4<UInt64>.self)
        bLo &+= aLo
        bHi &+= aHi
        aLo &+= v & mask
        aHi &+= v &>> 32
        let w = object.loadUnaligned(fromByteOffset: base &+ g &* 32 &+ 32, as: SIMD4<UInt64>.self)
        bLo &+= aLo
        bHi &+= aHi
        aLo &+= w & mask
        aHi &+= w &>> 32
        g &+= 2
      }
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
    return finish(s1: s1, s2: s2)
  }

  /// Folds the two running sums (each already below 2^32 - 1) into the stored form `(c2 << 32) | c1`.
  @inlinable
  static func finish(s1: UInt64, s2: UInt64) -> UInt64 {
    let m = modulus
    let c1 = m &- reduce(s1 &+ s2)
    let c2 = m &- reduce(s1 &+ c1)
    return (c2 << 32) | c1
  }

  /// `x mod (2^32 - 1)` without a division: 2^32 ≡ 1, so the high and low halves can be added (twice, for carries),
  /// then one conditional subtraction.
  @inlinable
  static func reduce(_ x: UInt64) -> UInt64 {
    let m = modulus
    var r = (x & m) &+ (x &>> 32)  // < 2^33
    r = (r & m) &+ (r &>> 32)  // <= 2^32
    return r >= m ? r &- m : r
  }
}
