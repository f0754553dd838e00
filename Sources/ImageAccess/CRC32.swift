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

  /// Resumes a CRC from its raw register (the state before the final XOR), e.g. one saved with ``register``.
  public init(register: UInt32) { state = register }

  /// The raw register (before the final XOR): with ``init(register:)``, a CRC can be paused and resumed.
  public var register: UInt32 { state }

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
