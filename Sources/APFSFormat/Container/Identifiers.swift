import ImageAccess

/// A 64-bit on-disk identifier with a meaning of its own. The kinds below are distinct types so that the compiler
/// refuses an object id where a physical block or a transaction id belongs (all three are bare 64-bit integers on
/// disk and were mixed before).
public protocol APFSIdentifier: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
  ExpressibleByIntegerLiteral where RawValue == UInt64, IntegerLiteralType == UInt64
{
  init(rawValue: UInt64)
}

extension APFSIdentifier {
  public init(_ rawValue: UInt64) { self.init(rawValue: rawValue) }
  public init(integerLiteral value: UInt64) { self.init(rawValue: value) }
  public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
  public var description: String { "\(rawValue)" }
}

/// An object identifier (`oid_t`) of a virtual or ephemeral object: resolved through an object map or a
/// checkpoint map, never read as a block address. Apple File System Reference §Objects.
public struct ObjectID: APFSIdentifier {
  public var rawValue: UInt64
  public init(rawValue: UInt64) { self.rawValue = rawValue }
}

/// A transaction identifier (`xid_t`): which checkpoint wrote an object, and which object-map entry is current.
public struct TransactionID: APFSIdentifier {
  public var rawValue: UInt64
  public init(rawValue: UInt64) { self.rawValue = rawValue }
}

/// A physical block address (`paddr_t`, and the oid of a physical object): block number inside the container.
public struct PhysicalBlock: APFSIdentifier {
  public var rawValue: UInt64
  public init(rawValue: UInt64) { self.rawValue = rawValue }

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
