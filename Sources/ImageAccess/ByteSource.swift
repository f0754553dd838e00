/// Random read access to evidence bytes: a mapped file, a slice of one (a GPT partition), an expanded DMG, or bytes in
/// memory (tests).
///
/// Parsers above this layer never see a file: they ask a source for a range and get bytes or a located error. A read
/// that reaches past the end throws ``ParseError/Reason/truncated(needed:available:)`` carrying the absolute offset.
public protocol ByteSource: Sendable {
  /// Total size in bytes.
  var byteCount: Int { get }

  /// Calls `body` with the bytes of `range`. The pointer is valid only inside `body`.
  ///
  /// - Throws: ``ParseError`` when the range is not inside the source, or the source's own read error.
  func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R
}

extension ByteSource {
  /// A copy of the bytes in `range`.
  public func read(_ range: Range<Int>) throws -> [UInt8] {
    try withBytes(range) { Array($0) }
  }

  /// A ``ByteReader`` over `length` bytes at `offset`, for field-by-field parsing.
  public func reader(at offset: Int, length: Int, structure: String) throws -> ByteReader {
    try checkRange(offset, length, structure: structure)
    return ByteReader(try read(offset..<(offset + length)), base: offset, structure: structure)
  }

  /// Throws a located ``ParseError`` unless `offset ..< offset + length` lies inside the source.
  public func checkRange(_ offset: Int, _ length: Int, structure: String) throws(ParseError) {
    guard offset >= 0, length >= 0 else {
      throw ParseError(.valueOutOfRange(field: "offset", value: UInt64(bitPattern: Int64(offset))), in: structure, at: nil)
    }
    guard offset <= byteCount, length <= byteCount - offset else {
      throw ParseError(
        .truncated(needed: length, available: max(0, byteCount - offset)), in: structure, at: offset)
    }
  }
}

/// Bytes held in memory. Used by tests and for small decoded structures.
public struct MemorySource: ByteSource {
  public let bytes: [UInt8]
  public init(_ bytes: [UInt8]) { self.bytes = bytes }
  public var byteCount: Int { bytes.count }
  public func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    try checkRange(range.lowerBound, range.count, structure: "memory")
    return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
  }
}

/// A window of another source, e.g. an APFS partition inside a GPT disk. Offsets are relative to the slice; errors
/// still name the slice-relative offset, and ``baseOffset`` says where it sits in the parent.
public struct SliceSource: ByteSource {
  public let parent: any ByteSource
  public let baseOffset: Int
  public let byteCount: Int

  /// - Throws: ``ParseError`` when the slice does not fit inside `parent`.
  public init(_ parent: any ByteSource, offset: Int, length: Int) throws(ParseError) {
    try parent.checkRange(offset, length, structure: "slice")
    self.parent = parent
    self.baseOffset = offset
    self.byteCount = length
  }

  /// A slice from `offset` to the end of `parent`, clamped (a truncated partition is still readable up to EOF).
  public init(_ parent: any ByteSource, from offset: Int) throws(ParseError) {
    try self.init(parent, offset: offset, length: max(0, parent.byteCount - offset))
  }

  public func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    try checkRange(range.lowerBound, range.count, structure: "slice")
    return try parent.withBytes((range.lowerBound + baseOffset)..<(range.upperBound + baseOffset), body)
  }
}
