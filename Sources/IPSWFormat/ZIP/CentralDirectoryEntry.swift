import ImageAccess

/// How an entry's data is stored. Open set: unknown methods parse and are reported, but cannot be read.
public struct CompressionMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  public var rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }
  public static let stored = CompressionMethod(rawValue: 0)
  public static let deflated = CompressionMethod(rawValue: 8)
  public static let deflate64 = CompressionMethod(rawValue: 9)
  public static let bzip2 = CompressionMethod(rawValue: 12)
  public static let lzma = CompressionMethod(rawValue: 14)
  public var description: String {
    switch rawValue {
    case 0: "stored"
    case 8: "deflated"
    case 9: "deflate64"
    case 12: "bzip2"
    case 14: "lzma"
    default: "method-\(rawValue)"
    }
  }
}

/// One entry of the central directory, with ZIP64 extended values already applied.
///
/// On disk: "central file header", PKWARE APPNOTE §4.3.12, signature `PK\1\2`, 46 bytes + name + extra + comment;
/// ZIP64 values from the "Zip64 extended information extra field" (header ID 0x0001), APPNOTE §4.5.3.
public struct CentralDirectoryEntry: Sendable, Equatable {
  public static let signature: UInt32 = 0x0201_4B50  // "PK\1\2"
  public static let fixedSize = 46

  /// Absolute offset of this header in the archive.
  public var headerOffset: Int
  public var versionMadeBy: UInt16  // version made by (high byte: host system, 3 = Unix)
  public var versionNeeded: UInt16  // version needed to extract
  public var flags: UInt16  // general purpose bit flag
  public var method: CompressionMethod  // compression method
  public var modificationTime: UInt16  // last mod file time (DOS)
  public var modificationDate: UInt16  // last mod file date (DOS)
  public var crc32: UInt32  // crc-32
  public var compressedSize: UInt64  // compressed size (ZIP64 extra applied)
  public var uncompressedSize: UInt64  // uncompressed size (ZIP64 extra applied)
  public var diskStart: UInt32  // disk number start (ZIP64 extra applied)
  public var internalAttributes: UInt16  // internal file attributes
  public var externalAttributes: UInt32  // external file attributes (Unix mode in the high 16 bits)
  public var localHeaderOffset: UInt64  // relative offset of local header (ZIP64 extra applied)
  /// The name bytes as stored (kept for safety checks: NUL, separators).
  public var rawName: [UInt8]
  public var comment: [UInt8]
  /// Whether any field came from a ZIP64 extra field.
  public var usesZIP64: Bool
  /// Total size of this header including name, extra and comment.
  public var headerLength: Int

  /// The name decoded as UTF-8 (IPSW names are ASCII; invalid sequences are replaced).
  public var name: String { String(decoding: rawName, as: UTF8.self) }
  public var isEncrypted: Bool { flags & 0x0001 != 0 }
  public var hasDataDescriptor: Bool { flags & 0x0008 != 0 }
  public var isDirectory: Bool { rawName.last == UInt8(ascii: "/") }
  /// Unix file mode, when the entry was made on a Unix host.
  public var unixMode: UInt16? { versionMadeBy >> 8 == 3 ? UInt16(truncatingIfNeeded: externalAttributes >> 16) : nil }
  public var isSymbolicLink: Bool { unixMode.map { $0 & 0xF000 == 0xA000 } ?? false }

  /// Parses the header at `offset` inside `reader` (a copy of the whole central directory).
  public init(parsing reader: ByteReader, at offset: Int) throws(ParseError) {
    let structure = "central directory file header"
    let found = try reader.u32(offset)
    guard found == Self.signature else {
      throw ParseError(
        .badMagic(expected: UInt64(Self.signature), found: UInt64(found)), in: structure,
        at: reader.absolute(offset))
    }
    headerOffset = reader.absolute(offset)
    versionMadeBy = try reader.u16(offset + 4)
    versionNeeded = try reader.u16(offset + 6)
    flags = try reader.u16(offset + 8)
    method = CompressionMethod(rawValue: try reader.u16(offset + 10))
    modificationTime = try reader.u16(offset + 12)
    modificationDate = try reader.u16(offset + 14)
    crc32 = try reader.u32(offset + 16)
    let compressed32 = try reader.u32(offset + 20)
    let uncompressed32 = try reader.u32(offset + 24)
    let nameLength = Int(try reader.u16(offset + 28))
    let extraLength = Int(try reader.u16(offset + 30))
    let commentLength = Int(try reader.u16(offset + 32))
    let disk16 = try reader.u16(offset + 34)
    internalAttributes = try reader.u16(offset + 36)
    externalAttributes = try reader.u32(offset + 38)
    let local32 = try reader.u32(offset + 42)
    // Each length is at most 65 535, so the sum cannot overflow Int.
    headerLength = Self.fixedSize + nameLength + extraLength + commentLength
    try reader.check(offset, headerLength)
    rawName = try reader.bytes(offset + Self.fixedSize, nameLength)
    comment = try reader.bytes(offset + Self.fixedSize + nameLength + extraLength, commentLength)

    compressedSize = UInt64(compressed32)
    uncompressedSize = UInt64(uncompressed32)
    localHeaderOffset = UInt64(local32)
    diskStart = UInt32(disk16)
    usesZIP64 = false

    let needUncompressed = uncompressed32 == 0xFFFF_FFFF
    let needCompressed = compressed32 == 0xFFFF_FFFF
    let needLocal = local32 == 0xFFFF_FFFF
    let needDisk = disk16 == 0xFFFF
    guard needUncompressed || needCompressed || needLocal || needDisk else { return }

    // Walk the extra field blocks (id, size, data), bounded by the extra length.
    let extraStart = offset + Self.fixedSize + nameLength
    let extraEnd = extraStart + extraLength
    var cursor = extraStart
    var zip64Found = false
    while cursor + 4 <= extraEnd {
      let id = try reader.u16(cursor)
      let size = Int(try reader.u16(cursor + 2))
      let dataStart = cursor + 4
      guard size <= extraEnd - dataStart else {
        throw ParseError(
          .truncated(needed: size, available: extraEnd - dataStart), in: "extra field 0x\(String(id, radix: 16))",
          at: reader.absolute(cursor))
      }
      if id == 0x0001 {
        zip64Found = true
        var field = dataStart
        let fieldEnd = dataStart + size
        func take64(_ what: String) throws(ParseError) -> UInt64 {
          guard field + 8 <= fieldEnd else {
            throw ParseError(
              .invalid("ZIP64 extra field lacks the \(what) that the central header marks as saturated"),
              in: "zip64 extended information", at: reader.absolute(cursor))
          }
          defer { field += 8 }
          return try reader.u64(field)
        }
        if needUncompressed { uncompressedSize = try take64("uncompressed size") }
        if needCompressed { compressedSize = try take64("compressed size") }
        if needLocal { localHeaderOffset = try take64("local header offset") }
        if needDisk {
          guard field + 4 <= fieldEnd else {
            throw ParseError(
              .invalid("ZIP64 extra field lacks the disk number"), in: "zip64 extended information",
              at: reader.absolute(cursor))
          }
          diskStart = try reader.u32(field)
        }
        usesZIP64 = true
        break
      }
      cursor = dataStart + size
    }
    guard zip64Found else {
      throw ParseError(
        .invalid("central header has saturated sizes/offset but no ZIP64 extra field"), in: structure,
        at: headerOffset)
    }
  }
}

/// The header in front of each entry's data. Only its lengths matter to a reader: the data starts right after the
/// local name and local extra field, whose lengths may differ from the central copy.
/// On disk: "local file header", PKWARE APPNOTE §4.3.7, signature `PK\3\4`, 30 bytes + name + extra.
public struct LocalFileHeader: Sendable, Equatable {
  public static let signature: UInt32 = 0x0403_4B50  // "PK\3\4"
  public static let fixedSize = 30

  public var offset: Int
  public var versionNeeded: UInt16  // version needed to extract
  public var flags: UInt16  // general purpose bit flag
  public var method: CompressionMethod  // compression method
  public var crc32: UInt32  // crc-32 (0 when a data descriptor follows)
  public var compressedSize: UInt32  // compressed size
  public var uncompressedSize: UInt32  // uncompressed size
  public var nameLength: UInt16  // file name length
  public var extraLength: UInt16  // extra field length

  public init(parsing reader: ByteReader) throws(ParseError) {
    let found = try reader.u32(0)
    guard found == Self.signature else {
      throw ParseError(
        .badMagic(expected: UInt64(Self.signature), found: UInt64(found)), in: "local file header",
        at: reader.absolute(0))
    }
    offset = reader.absolute(0)
    versionNeeded = try reader.u16(4)
    flags = try reader.u16(6)
    method = CompressionMethod(rawValue: try reader.u16(8))
    crc32 = try reader.u32(14)
    compressedSize = try reader.u32(18)
    uncompressedSize = try reader.u32(22)
    nameLength = try reader.u16(26)
    extraLength = try reader.u16(28)
  }

  /// Where the entry's data begins (absolute).
  public var dataOffset: Int { offset + Self.fixedSize + Int(nameLength) + Int(extraLength) }
}
