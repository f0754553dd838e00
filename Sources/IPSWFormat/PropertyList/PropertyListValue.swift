import Foundation
import ImageAccess

/// Decodes an XML or binary property list (Foundation `PropertyListSerialization`) into a root dictionary.
///
/// - Throws: ``ParseError`` naming `structure` when the bytes are not a property list or the root is not a dictionary.
func propertyListDictionary(_ bytes: [UInt8], structure: String) throws -> [String: Any] {
  guard bytes.count <= 64 << 20 else {
    throw ParseError(.limitExceeded(what: "\(structure) is \(bytes.count) bytes", limit: 64 << 20), in: structure, at: 0)
  }
  // Foundation recurses per nesting level and crashes on some hostile binary lists: both refused before it parses.
  try PropertyListNesting.check(bytes, structure: structure)
  let root: Any
  do {
    root = try PropertyListSerialization.propertyList(from: Data(bytes), options: [], format: nil)
  } catch {
    throw ParseError(.invalid("not a property list: \(error)"), in: structure, at: 0)
  }
  guard let dictionary = root as? [String: Any] else {
    throw ParseError(.invalid("root is \(type(of: root)), not a dictionary"), in: structure, at: 0)
  }
  return dictionary
}

/// Lenient accessors: a key with the wrong type reads as absent (and manifests from the wild do vary).
enum PlistValue {
  static func string(_ value: Any?) -> String? { value as? String }

  /// An integer from a number or a decimal/`0x` hex string (ApBoardID and ApChipID are hex strings).
  static func integer(_ value: Any?) -> Int? {
    switch value {
    case let n as Int: return n
    case let n as UInt64: return Int(exactly: n)
    case let n as NSNumber: return n.intValue
    case let s as String:
      let t = s.trimmingCharacters(in: .whitespaces)
      if t.lowercased().hasPrefix("0x") { return Int(t.dropFirst(2), radix: 16) }
      return Int(t)
    default: return nil
    }
  }

  static func bool(_ value: Any?) -> Bool? {
    switch value {
    case let b as Bool: return b
    case let n as NSNumber: return n.boolValue
    default: return nil
    }
  }

  static func data(_ value: Any?) -> [UInt8]? {
    (value as? Data).map { [UInt8]($0) }
  }

  static func dictionary(_ value: Any?) -> [String: Any]? { value as? [String: Any] }
  static func array(_ value: Any?) -> [Any]? { value as? [Any] }

  /// A `{ "16": 260, ... }` table as capacity → MiB, skipping keys that are not integers.
  static func capacityTable(_ value: Any?) -> [Int: Int] {
    guard let d = dictionary(value) else { return [:] }
    var out: [Int: Int] = [:]
    for (k, v) in d { if let key = Int(k), let mib = integer(v) { out[key] = mib } }
    return out
  }
}
