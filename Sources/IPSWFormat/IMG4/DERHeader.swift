import ImageAccess

/// The identifier and length of one DER element, read in place from a ``ByteSource`` so that large contents (a 100 MB
/// kernelcache payload) are located without being copied.
///
/// Only definite lengths are accepted (DER forbids the indefinite form). Tag numbers use the high-tag-number form for
/// IMG4's four-character private tags (e.g. `MANB` = 0x4D41_4E42), so up to 5 continuation bytes are read.
/// On disk: ITU-T X.690 §8.1.2 (identifier) and §8.1.3 (length).
public struct DERHeader: Sendable, Equatable {
  public enum TagClass: UInt8, Sendable { case universal = 0, application = 1, contextSpecific = 2, `private` = 3 }

  public static let sequence = (TagClass.universal, UInt64(16))
  public static let set = (TagClass.universal, UInt64(17))

  public var offset: Int  // absolute offset of the identifier byte
  public var tagClass: TagClass
  public var isConstructed: Bool
  public var tagNumber: UInt64
  public var headerLength: Int
  /// Absolute range of the contents.
  public var contents: Range<Int>
  /// Absolute end of the whole element.
  public var end: Int { contents.upperBound }

  public func isTag(_ tagClass: TagClass, _ number: UInt64) -> Bool {
    self.tagClass == tagClass && tagNumber == number
  }
  public var isSequence: Bool { isTag(.universal, 16) && isConstructed }
  public var isSet: Bool { isTag(.universal, 17) && isConstructed }
  public var isOctetString: Bool { isTag(.universal, 4) && !isConstructed }
  public var isIA5String: Bool { isTag(.universal, 22) && !isConstructed }
  public var isInteger: Bool { isTag(.universal, 2) && !isConstructed }

  /// Reads the header at `offset`; the element must end at or before `limit`.
  ///
  /// - Throws: ``ParseError`` naming `structure` for a truncated header, an indefinite or over-long length, a tag
  ///   number over 64 bits, or contents running past `limit`.
  public init(in source: any ByteSource, at offset: Int, limit: Int, structure: String) throws {
    guard offset >= 0, offset < limit, limit <= source.byteCount else {
      throw ParseError(.truncated(needed: 2, available: max(0, limit - offset)), in: structure, at: offset)
    }
    let headerBytes = try source.read(offset..<min(limit, offset + 16))
    let reader = ByteReader(headerBytes, base: offset, structure: structure)
    let first = try reader.u8(0)
    tagClass = TagClass(rawValue: first >> 6)!  // two bits: always 0...3
    isConstructed = first & 0x20 != 0
    var position = 1
    if first & 0x1F == 0x1F {
      var number: UInt64 = 0
      var count = 0
      while true {
        let b = try reader.u8(position)
        position += 1
        count += 1
        guard count <= 9, number >> 57 == 0 else {
          throw ParseError(.valueOutOfRange(field: "tag number", value: number), in: structure, at: offset)
        }
        number = (number << 7) | UInt64(b & 0x7F)
        if b & 0x80 == 0 { break }
      }
      tagNumber = number
    } else {
      tagNumber = UInt64(first & 0x1F)
    }
    let lengthByte = try reader.u8(position)
    position += 1
    var length: UInt64
    if lengthByte < 0x80 {
      length = UInt64(lengthByte)
    } else if lengthByte == 0x80 {
      throw ParseError(.invalid("indefinite length is not DER"), in: structure, at: offset + position - 1)
    } else {
      let count = Int(lengthByte & 0x7F)
      guard count <= 8 else {
        throw ParseError(
          .valueOutOfRange(field: "length-of-length", value: UInt64(count)), in: structure, at: offset + position - 1)
      }
      length = 0
      for _ in 0..<count {
        length = (length << 8) | UInt64(try reader.u8(position))
        position += 1
      }
    }
    self.offset = offset
    headerLength = position
    let start = offset + position
    guard start <= limit, length <= UInt64(limit - start) else {
      throw ParseError(
        .truncated(needed: Int(clamping: length), available: max(0, limit - start)), in: structure, at: offset)
    }
    contents = start..<(start + Int(length))
  }

  /// The elements directly inside this constructed element, in order (at most `maxChildren`).
  public func children(in source: any ByteSource, structure: String, maxChildren: Int = 4096) throws -> [DERHeader] {
    var out: [DERHeader] = []
    var cursor = contents.lowerBound
    while cursor < contents.upperBound {
      guard out.count < maxChildren else {
        throw ParseError(.limitExceeded(what: "elements in \(structure)", limit: maxChildren), in: structure, at: cursor)
      }
      let child = try DERHeader(in: source, at: cursor, limit: contents.upperBound, structure: structure)
      out.append(child)
      cursor = child.end
    }
    return out
  }
}

extension ByteSource {
  /// The contents of a small primitive element as text (IA5String), at most `maxLength` bytes.
  func derString(_ header: DERHeader, structure: String, maxLength: Int = 4096) throws -> String {
    guard header.contents.count <= maxLength else {
      throw ParseError(.limitExceeded(what: "string length \(header.contents.count)", limit: maxLength),
        in: structure, at: header.offset)
    }
    return String(decoding: try read(header.contents), as: UTF8.self)
  }
}

/// A four-character code as IMG4 uses them (`krnl`, `MANB`), from its tag number or string.
public func fourCC(_ value: UInt64) -> String {
  var s = ""
  var v = value
  var bytes: [UInt8] = []
  while v != 0 {
    bytes.insert(UInt8(v & 0xFF), at: 0)
    v >>= 8
  }
  for b in bytes { s.append(b >= 0x20 && b < 0x7F ? Character(UnicodeScalar(b)) : "?") }
  return s
}
