import ImageAccess

/// A run of a data stream's bytes on disk. On disk: `j_file_extent_key_t` + `j_file_extent_val_t`.
public struct FileExtentRecord: Sendable, Equatable {
  public var streamID: UInt64  // key obj_id: the data stream (inode private_id)
  public var logicalAddress: UInt64  // logical_addr: byte offset within the stream
  public var length: UInt64  // len_and_flags & J_FILE_EXTENT_LEN_MASK (bytes, a multiple of the block size)
  public var flags: UInt8  // len_and_flags >> J_FILE_EXTENT_FLAG_SHIFT
  public var physicalBlock: PhysicalBlock  // phys_block_num (0: sparse)
  public var cryptoID: UInt64  // crypto_id

  public var isSparse: Bool { physicalBlock == 0 }

  public init(streamID: UInt64, parsing r: ByteReader, key: Range<Int>, value: Range<Int>) throws(ParseError) {
    guard key.count >= 16, value.count >= 24 else {
      throw ParseError(.truncated(needed: 24, available: value.count), in: "j_file_extent_val_t",
                       at: r.absolute(value.lowerBound))
    }
    self.streamID = streamID
    logicalAddress = try r.u64(key.lowerBound + 8)
    let lengthAndFlags = try r.u64(value.lowerBound)
    length = lengthAndFlags & 0x00FF_FFFF_FFFF_FFFF
    flags = UInt8(lengthAndFlags >> 56)
    physicalBlock = PhysicalBlock(try r.u64(value.lowerBound + 8))
    cryptoID = try r.u64(value.lowerBound + 16)
  }
}

/// Per-file encryption state: the protection class and wrapped key of a crypto id. On disk: `j_crypto_key_t` +
/// `j_crypto_val_t` holding a `wrapped_crypto_state_t`, Apple File System Reference §Encryption.
public struct CryptoStateRecord: Sendable, Equatable {
  public var cryptoID: UInt64  // key obj_id
  public var referenceCount: UInt32  // refcnt
  public var majorVersion: UInt16  // major_version
  public var minorVersion: UInt16  // minor_version
  public var flags: UInt32  // cpflags
  public var persistentClass: UInt32  // persistent_class (& CP_EFFECTIVE_CLASSMASK 0x1F)
  public var keyOSVersion: UInt32  // key_os_version
  public var keyRevision: UInt16  // key_revision
  public var keyLength: UInt16  // key_len

  public var protectionClass: ProtectionClass { ProtectionClass(rawValue: persistentClass & 0x1F) }

  public init(cryptoID: UInt64, parsing r: ByteReader, value: Range<Int>) throws(ParseError) {
    guard value.count >= 24 else {
      throw ParseError(.truncated(needed: 24, available: value.count), in: "j_crypto_val_t",
                       at: r.absolute(value.lowerBound))
    }
    let v = value.lowerBound
    self.cryptoID = cryptoID
    referenceCount = try r.u32(v)
    majorVersion = try r.u16(v + 4)
    minorVersion = try r.u16(v + 6)
    flags = try r.u32(v + 8)
    persistentClass = try r.u32(v + 12)
    keyOSVersion = try r.u32(v + 16)
    keyRevision = try r.u16(v + 20)
    keyLength = try r.u16(v + 22)
    guard keyLength <= 128, 24 + Int(keyLength) <= value.count else {
      throw ParseError(.valueOutOfRange(field: "key_len", value: UInt64(keyLength)), in: "wrapped_crypto_state_t",
                       at: r.absolute(v + 22))
    }
  }
}

/// Data Protection classes (`PROTECTION_CLASS_*`). Report names: A, B, C, D, F, or `other`.
public struct ProtectionClass: RawRepresentable, Hashable, Sendable {
  public var rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  public static let directoryNone = ProtectionClass(rawValue: 0)
  public static let a = ProtectionClass(rawValue: 1)
  public static let b = ProtectionClass(rawValue: 2)
  public static let c = ProtectionClass(rawValue: 3)
  public static let d = ProtectionClass(rawValue: 4)
  public static let f = ProtectionClass(rawValue: 6)
  public static let m = ProtectionClass(rawValue: 14)

  /// The report-schema key: `A`, `B`, `C`, `D`, `F`, or `other`.
  public var reportKey: String {
    switch rawValue {
    case 1: "A"
    case 2: "B"
    case 3: "C"
    case 4: "D"
    case 6: "F"
    default: "other"
    }
  }
}

/// An extended attribute. On disk: `j_xattr_key_t` + `j_xattr_val_t` (data embedded, or in a data stream).
public struct XAttrRecord: Sendable, Equatable {
  public var ownerID: UInt64
  public var name: String
  public var flags: UInt16  // XATTR_DATA_STREAM 1, XATTR_DATA_EMBEDDED 2
  public var embeddedData: [UInt8]?
  /// For stream-backed attributes: the stream id (`xattr_obj_id`) and its `j_dstream_t`.
  public var streamID: UInt64?
  public var stream: DataStream?

  public init(ownerID: UInt64, parsing r: ByteReader, key: Range<Int>, value: Range<Int>) throws(ParseError) {
    self.ownerID = ownerID
    let nameLength = Int(try r.u16(key.lowerBound + 8))
    guard key.lowerBound + 10 + nameLength <= key.upperBound else {
      throw ParseError(.valueOutOfRange(field: "name_len", value: UInt64(nameLength)), in: "j_xattr_key_t",
                       at: r.absolute(key.lowerBound + 8))
    }
    name = try r.cString(key.lowerBound + 10, maxLength: nameLength)
    guard value.count >= 4 else {
      throw ParseError(.truncated(needed: 4, available: value.count), in: "j_xattr_val_t",
                       at: r.absolute(value.lowerBound))
    }
    flags = try r.u16(value.lowerBound)
    let dataLength = Int(try r.u16(value.lowerBound + 2))
    guard 4 + dataLength <= value.count else {
      throw ParseError(.valueOutOfRange(field: "xdata_len", value: UInt64(dataLength)), in: "j_xattr_val_t",
                       at: r.absolute(value.lowerBound + 2))
    }
    if flags & 0x1 != 0 {
      guard dataLength >= 48 else {
        throw ParseError(.truncated(needed: 48, available: dataLength), in: "j_xattr_dstream_t",
                         at: r.absolute(value.lowerBound + 4))
      }
      streamID = try r.u64(value.lowerBound + 4)
      stream = try DataStream(parsing: r, at: value.lowerBound + 12, length: 40)
      embeddedData = nil
    } else {
      embeddedData = try r.bytes(value.lowerBound + 4, dataLength)
      streamID = nil
      stream = nil
    }
  }

  /// The decmpfs compression method of a `com.apple.decmpfs` attribute (`fpmc` header), if this is one.
  public var decmpfsMethod: UInt32? {
    guard name == "com.apple.decmpfs", let data = embeddedData, data.count >= 16,
      data[0] == 0x66, data[1] == 0x70, data[2] == 0x6D, data[3] == 0x63  // "fpmc"
    else { return nil }
    return UInt32(data[4]) | UInt32(data[5]) << 8 | UInt32(data[6]) << 16 | UInt32(data[7]) << 24
  }

  /// The uncompressed size a `com.apple.decmpfs` attribute's header declares, if this is one.
  public var decmpfsUncompressedSize: UInt64? {
    guard decmpfsMethod != nil, let data = embeddedData else { return nil }
    return (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[8 + $1]) << (8 * $1) }
  }
}

/// decmpfs compression methods, named as reports print them.
public enum CompressionMethod {
  public static func name(_ type: UInt32) -> String {
    switch type {
    case 1: "uncompressed-xattr"
    case 3: "zlib-xattr"
    case 4: "zlib-rsrc"
    case 5: "sparse"
    case 7: "lzvn-xattr"
    case 8: "lzvn-rsrc"
    case 9: "uncompressed-xattr-raw"
    case 10: "uncompressed-rsrc"
    case 11: "lzfse-xattr"
    case 12: "lzfse-rsrc"
    case 13: "lzbitmap-xattr"
    case 14: "lzbitmap-rsrc"
    default: "unknown-\(type)"
    }
  }
}
