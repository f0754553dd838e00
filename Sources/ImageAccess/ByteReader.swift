/// A bounds-checked view of a copied run of bytes, addressed in image coordinates.
///
/// Every read checks its range and throws ``ParseError`` (with the absolute offset) instead of trapping, so parsers can
/// be written field by field without guarding each access. Little- and big-endian integers, raw byte runs, UUIDs
/// and C strings are supported.
public struct ByteReader: Sendable {
  /// The bytes, as read from the source.
  public let bytes: [UInt8]
  /// Absolute offset of `bytes[0]` in the image.
  public let base: Int
  /// Spec name used in errors, e.g. `nx_superblock_t`.
  public var structure: String

  public init(_ bytes: [UInt8], base: Int = 0, structure: String = "bytes") {
    self.bytes = bytes
    self.base = base
    self.structure = structure
  }

  public var count: Int { bytes.count }

  /// Throws unless `offset ..< offset + length` lies inside the bytes.
  @inlinable
  public func check(_ offset: Int, _ length: Int) throws(ParseError) {
    guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count &- offset else {
      let available = offset >= 0 && offset <= bytes.count ? bytes.count &- offset : 0
      throw ParseError(
        .truncated(needed: length, available: available), in: structure,
        at: base &+ max(0, min(offset, bytes.count)))
    }
  }

  @inlinable
  public func u8(_ offset: Int) throws(ParseError) -> UInt8 {
    try check(offset, 1)
    return bytes[offset]
  }

  @inlinable
  public func le<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, _ offset: Int) throws(ParseError) -> T {
    let size = MemoryLayout<T>.size
    try check(offset, size)
    var value: T = 0
    for i in 0..<size {  // cannot leave the array: checked above
      value |= T(bytes[offset &+ i]) << (8 &* i)
    }
    return value
  }

  @inlinable
  public func be<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, _ offset: Int) throws(ParseError) -> T {
    let size = MemoryLayout<T>.size
    try check(offset, size)
    var value: T = 0
    for i in 0..<size {
      value = (value << 8) | T(bytes[offset &+ i])
    }
    return value
  }

  @inlinable public func u16(_ offset: Int) throws(ParseError) -> UInt16 { try le(UInt16.self, offset) }
  @inlinable public func u32(_ offset: Int) throws(ParseError) -> UInt32 { try le(UInt32.self, offset) }
  @inlinable public func u64(_ offset: Int) throws(ParseError) -> UInt64 { try le(UInt64.self, offset) }
  @inlinable public func be16(_ offset: Int) throws(ParseError) -> UInt16 { try be(UInt16.self, offset) }
  @inlinable public func be32(_ offset: Int) throws(ParseError) -> UInt32 { try be(UInt32.self, offset) }
  @inlinable public func be64(_ offset: Int) throws(ParseError) -> UInt64 { try be(UInt64.self, offset) }

  /// A copy of `length` bytes at `offset`.
  public func bytes(_ offset: Int, _ length: Int) throws(ParseError) -> [UInt8] {
    try check(offset, length)
    return Array(bytes[offset..<(offset &+ length)])
  }

  /// A sub-reader over `length` bytes at `offset`, keeping absolute addressing.
  public func sub(_ offset: Int, _ length: Int, structure: String? = nil) throws(ParseError) -> ByteReader {
    try check(offset, length)
    return ByteReader(
      Array(bytes[offset..<(offset &+ length)]), base: base &+ offset, structure: structure ?? self.structure)
  }

  /// 16 raw bytes as a UUID (APFS stores `uuid_t` as raw bytes, printed in order).
  public func uuid(_ offset: Int) throws(ParseError) -> UUIDBytes {
    UUIDBytes(try bytes(offset, 16))
  }

  /// A NUL-terminated UTF-8 string inside a fixed-size field (decoding replaces invalid sequences).
  public func cString(_ offset: Int, maxLength: Int) throws(ParseError) -> String {
    try check(offset, maxLength)
    var end = offset
    let limit = offset &+ maxLength
    while end < limit, bytes[end] != 0 { end &+= 1 }
    return String(decoding: bytes[offset..<end], as: UTF8.self)
  }

  /// The absolute offset of a field, for error messages.
  @inlinable public func absolute(_ offset: Int) -> Int { base &+ offset }
}

/// A UUID as the 16 bytes stored on disk, printed in storage order and lower case, as TSK and libfsapfs print them.
public struct UUIDBytes: Sendable, Hashable, CustomStringConvertible {
  public let bytes: [UInt8]
  public init(_ bytes: [UInt8]) { self.bytes = bytes }
  public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }
  public var description: String {
    let hexDigits = bytes.map { byte -> String in
      let s = String(byte, radix: 16)
      return s.count == 1 ? "0" + s : s
    }
    var out = ""
    for (i, h) in hexDigits.enumerated() {
      if i == 4 || i == 6 || i == 8 || i == 10 { out += "-" }
      out += h
    }
    return out
  }
}
