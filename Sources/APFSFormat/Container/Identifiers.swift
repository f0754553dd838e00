import ImageAccess

/// An object identifier (`oid_t`) of a virtual or ephemeral object: resolved through an object map or a
/// checkpoint map, never read as a block address. Apple File System Reference §Objects.
///
/// A wrapper so that the compiler refuses an oid where a physical block or a transaction id belongs (the three are
/// all 64-bit integers on disk and were mixed before).
public struct ObjectID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
  ExpressibleByIntegerLiteral
{
  public var rawValue: UInt64
  public init(rawValue: UInt64) { self.rawValue = rawValue }
  public init(_ rawValue: UInt64) { self.rawValue = rawValue }
  public init(integerLiteral value: UInt64) { rawValue = value }
  public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
  public var description: String { "\(rawValue)" }
}

/// A transaction identifier (`xid_t`): which checkpoint wrote an object, and which object-map entry is current.
public struct TransactionID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
  ExpressibleByIntegerLiteral
{
  public var rawValue: UInt64
  public init(rawValue: UInt64) { self.rawValue = rawValue }
  public init(_ rawValue: UInt64) { self.rawValue = rawValue }
  public init(integerLiteral value: UInt64) { rawValue = value }
  public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
  public var description: String { "\(rawValue)" }
}

/// A physical block address (`paddr_t`, and the oid of a physical object): block number inside the container.
public struct PhysicalBlock: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
  ExpressibleByIntegerLiteral
{
  public var rawValue: UInt64
  public init(rawValue: UInt64) { self.rawValue = rawValue }
  public init(_ rawValue: UInt64) { self.rawValue = rawValue }
  public init(integerLiteral value: UInt64) { rawValue = value }
  public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
  public var description: String { "\(rawValue)" }

  /// The block's byte offset for `blockSize`, with checked arithmetic.
  ///
  /// - Throws: ``ParseError`` `.arithmeticOverflow` when the product leaves `Int`.
  public func byteOffset(blockSize: Int, structure: String) throws(ParseError) -> Int {
    let (offset, overflow) = rawValue.multipliedReportingOverflow(by: UInt64(max(0, blockSize)))
    guard !overflow, offset <= UInt64(Int.max) else {
      throw ParseError(.arithmeticOverflow(field: "physical block \(rawValue) × block size \(blockSize)"),
                       in: structure, at: nil)
    }
    return Int(offset)
  }
}
