// Small building blocks of the forge: byte buffers with little-endian stores, the APFS object checksum,
// the dentry-name hash, and a seeded random generator.

/// A fixed-size block being assembled in memory; all stores are little-endian and bounds-checked by `precondition`
/// because every offset comes from this module's own layout code, never from input.
struct BlockBuffer {
  var bytes: [UInt8]

  init(size: Int) { bytes = [UInt8](repeating: 0, count: size) }

  mutating func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
    let size = MemoryLayout<T>.size
    precondition(offset >= 0 && offset + size <= bytes.count, "forge layout bug: store outside block")
    var v = value.littleEndian
    withUnsafeBytes(of: &v) { raw in
      for i in 0..<size { bytes[offset + i] = raw[i] }
    }
  }

  mutating func put(bytes source: [UInt8], at offset: Int) {
    precondition(offset >= 0 && offset + source.count <= bytes.count, "forge layout bug: store outside block")
    bytes.replaceSubrange(offset..<(offset + source.count), with: source)
  }

  func u64(at offset: Int) -> UInt64 {
    var v: UInt64 = 0
    for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
    return v
  }

  /// Writes the `obj_phys_t` header fields and then the Fletcher-64 checksum over the whole block.
  mutating func sealObject(oid: UInt64, xid: UInt64, type: UInt32, subtype: UInt32) {
    put(oid, at: 8)
    put(xid, at: 16)
    put(type, at: 24)
    put(subtype, at: 28)
    put(Fletcher64.checksum(of: bytes), at: 0)
  }
}

/// The APFS object checksum (Fletcher-64 over 32-bit words, skipping the 8-byte checksum field).
///
/// On disk: `o_cksum` of `obj_phys_t`, Apple File System Reference §Objects.
public enum Fletcher64 {
  public static func checksum(of block: [UInt8]) -> UInt64 {
    let modulus: UInt64 = 0xFFFF_FFFF
    var sum1: UInt64 = 0
    var sum2: UInt64 = 0
    block.withUnsafeBytes { raw in
      var offset = 8
      let end = raw.count & ~3
      // Defer the modulo: 2^32 words of at most 2^32-1 cannot overflow sum1 within 1024 steps; reduce every 1024.
      var counter = 0
      while offset < end {
        let word = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        sum1 &+= word
        sum2 &+= sum1
        offset &+= 4
        counter &+= 1
        if counter == 1024 {
          sum1 %= modulus
          sum2 %= modulus
          counter = 0
        }
      }
    }
    sum1 %= modulus
    sum2 %= modulus
    let check1 = modulus - ((sum1 + sum2) % modulus)
    let check2 = modulus - ((sum1 + check1) % modulus)
    return (check2 << 32) | check1
  }
}

/// CRC-32C (Castagnoli) update without pre- or post-inversion, as APFS uses it for dentry name hashes.
enum CRC32C {
  static let table: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
    return c
  }

  static func update(_ crc: UInt32, _ bytes: some Sequence<UInt8>) -> UInt32 {
    var c = crc
    for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    return c
  }
}

/// The `name_len_and_hash` field of a hashed directory-entry key for an ASCII name.
///
/// The hash is CRC-32C (seed ~0, no final inversion) over the name's code points as UTF-32LE, after case folding
/// when the volume is case-insensitive; only ASCII names are forged, for which normalization is the identity.
/// On disk: `j_drec_hashed_key_t`, Apple File System Reference §File-System Objects.
func dentryNameLengthAndHash(_ name: [UInt8], caseFold: Bool) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for var c in name {
    if caseFold, c >= 0x41, c <= 0x5A { c |= 0x20 }
    crc = CRC32C.update(crc, [c, 0, 0, 0])
  }
  let length = UInt32(name.count + 1) & 0x3FF  // the length counts the NUL terminator
  return ((crc & 0x3F_FFFF) << 10) | length
}

/// SplitMix64: a tiny deterministic generator, so that one seed reproduces one image byte for byte.
public struct SeededRandom: RandomNumberGenerator, Sendable {
  private var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// A generator derived from this seed and a label, independent of how many numbers were drawn before.
  static func derived(_ seed: UInt64, _ label: UInt64) -> SeededRandom {
    var g = SeededRandom(seed: seed ^ (label &* 0xD6E8_FEB8_6659_FD93))
    _ = g.next()
    return g
  }
}

/// Exposes internal encoders to tests in other modules without making them API.
public enum ForgeInternalsProbe {
  public static func nameLengthAndHash(_ name: String, caseFold: Bool) -> UInt32 {
    dentryNameLengthAndHash(Array(name.utf8), caseFold: caseFold)
  }
}
