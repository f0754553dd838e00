/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB8_8320, initial and final XOR 0xFFFF_FFFF), as GPT headers and
/// partition arrays (UEFI §5.3) and ZIP entries use it.
///
/// Streamed: feed buffers with ``update(_:)`` and read ``value`` at any time. On disk: the `crc-32` field of the local
/// and central headers, PKWARE APPNOTE §4.4.7.
public struct CRC32: Sendable {
  static let table: [UInt32] = (0..<256).map { n -> UInt32 in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  private var state: UInt32 = 0xFFFF_FFFF

  public init() {}

  /// Adds `bytes` to the checksum.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    var c = state
    Self.table.withUnsafeBufferPointer { t in
      for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    }
    state = c
  }

  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// The CRC of everything fed so far.
  public var value: UInt32 { state ^ 0xFFFF_FFFF }

  /// CRC-32 of `bytes`.
  public static func checksum(_ bytes: [UInt8]) -> UInt32 {
    var crc = CRC32()
    crc.update(bytes)
    return crc.value
  }
}

extension CRC32 {
  /// Adds `count` zero bytes in O(log count) time (the CRC register is linear over GF(2); the "append one zero byte"
  /// step is a 32×32 bit matrix raised to the `count`-th power by squaring). Used for sparse test archives.
  public mutating func updateZeros(count: UInt64) {
    // Column i of a matrix is the image of the register value with only bit i set.
    var step = (0..<32).map { i -> UInt32 in
      let s = UInt32(1) << UInt32(i)
      return Self.table[Int(s & 0xFF)] ^ (s >> 8)
    }
    func apply(_ m: [UInt32], _ v: UInt32) -> UInt32 {
      var out: UInt32 = 0
      var v = v
      var i = 0
      while v != 0 {
        if v & 1 != 0 { out ^= m[i] }
        v >>= 1
        i += 1
      }
      return out
    }
    var n = count
    var s = state
    while n != 0 {
      if n & 1 != 0 { s = apply(step, s) }
      step = step.map { apply(step, $0) }
      n >>= 1
    }
    state = s
  }
}
