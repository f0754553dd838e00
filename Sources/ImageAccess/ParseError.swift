/// Why and where a structure failed to parse.
///
/// `offset` is absolute within the evidence (or within the virtual disk of a DMG), in bytes. Every parser in Ringo
/// throws this instead of trapping, so a hostile image ends in a located error and a partial report.
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What went wrong. Open-ended on purpose: add cases, never `default:` them away.
  public enum Reason: Sendable, Equatable {
    /// Fewer bytes were available than the structure needs.
    case truncated(needed: Int, available: Int)
    /// A magic number or signature did not match.
    case badMagic(expected: UInt64, found: UInt64)
    /// A stored checksum did not match the computed one.
    case checksumMismatch(stored: UInt64, computed: UInt64)
    /// Arithmetic on an on-disk value overflowed.
    case arithmeticOverflow(field: String)
    /// An on-disk value is outside what the format allows or what the image can hold.
    case valueOutOfRange(field: String, value: UInt64)
    /// A pointer graph (B-tree, object map, chunk list) revisits a node.
    case loop(detail: String)
    /// A safety limit (depth, count, size) was reached.
    case limitExceeded(what: String, limit: Int)
    /// Anything else that makes the structure unusable, stated plainly.
    case invalid(String)
  }

  public var reason: Reason
  /// The on-disk structure's spec name, e.g. `nx_superblock_t`.
  public var structure: String
  /// Absolute byte offset of the problem, when known.
  public var offset: Int?

  public init(_ reason: Reason, in structure: String, at offset: Int?) {
    self.reason = reason
    self.structure = structure
    self.offset = offset
  }

  /// A short stable code for reports, e.g. `truncated`, `bad-magic`.
  public var code: String {
    switch reason {
    case .truncated: "truncated"
    case .badMagic: "bad-magic"
    case .checksumMismatch: "checksum-mismatch"
    case .arithmeticOverflow: "arithmetic-overflow"
    case .valueOutOfRange: "value-out-of-range"
    case .loop: "loop"
    case .limitExceeded: "limit-exceeded"
    case .invalid: "invalid"
    }
  }

  public var reasonText: String {
    switch reason {
    case let .truncated(needed, available):
      "truncated: needs \(needed) bytes, \(available) available"
    case let .badMagic(expected, found):
      "bad magic: expected \(hex(expected)), found \(hex(found))"
    case let .checksumMismatch(stored, computed):
      "checksum mismatch: stored \(hex(stored)), computed \(hex(computed))"
    case let .arithmeticOverflow(field):
      "arithmetic overflow in \(field)"
    case let .valueOutOfRange(field, value):
      "\(field) out of range: \(value) (\(hex(value)))"
    case let .loop(detail):
      "loop detected: \(detail)"
    case let .limitExceeded(what, limit):
      "limit exceeded: \(what) (limit \(limit))"
    case let .invalid(text):
      text
    }
  }

  public var description: String {
    if let offset {
      return "\(structure) at \(hex(UInt64(clamping: offset))) (\(offset)): \(reasonText)"
    }
    return "\(structure): \(reasonText)"
  }
}

/// `0x…` spelling used in every message.
@inlinable
public func hex<T: BinaryInteger>(_ value: T) -> String {
  "0x" + String(value, radix: 16)
}
