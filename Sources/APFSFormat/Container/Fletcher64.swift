/// The APFS object checksum (Fletcher-64 over 32-bit little-endian words, skipping the 8-byte checksum field).
///
/// Sums are kept in 64-bit accumulators and reduced once at the end: for blocks up to 64 KiB the second sum stays
/// below 2^60, and reduction modulo 2^32−1 commutes with addition, so the result equals the per-word reduction of the
/// reference algorithm. On disk: `o_cksum` of `obj_phys_t`, Apple File System Reference §Objects.
public enum Fletcher64 {
  /// The checksum of `block[8...]`, as stored in `o_cksum`.
  public static func checksum(_ block: [UInt8]) -> UInt64 {
    block.withUnsafeBytes { checksum($0) }
  }

  /// The checksum of `block[8...]` for a block up to 64 KiB (longer blocks are reduced every 16 Ki words).
  public static func checksum(_ block: UnsafeRawBufferPointer) -> UInt64 {
    let modulus: UInt64 = 0xFFFF_FFFF
    var sum1: UInt64 = 0
    var sum2: UInt64 = 0
    let words = block.count / 4
    var index = 2  // skip o_cksum (two words)
    while index < words {
      let end = min(words, index + 16384)
      while index < end {
        sum1 &+= UInt64(UInt32(littleEndian: block.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self)))
        sum2 &+= sum1
        index &+= 1
      }
      sum1 %= modulus
      sum2 %= modulus
    }
    let check1 = modulus - ((sum1 + sum2) % modulus)
    let check2 = modulus - ((sum1 + check1) % modulus)
    return (check2 << 32) | check1
  }
}
