import ImageAccess

/// An inode. On disk: `j_inode_val_t` with its extended fields (`xf_blob_t`), Apple File System Reference §Inodes.
public struct InodeRecord: Sendable, Equatable {
  public var objectID: UInt64  // from the key
  public var parentID: UInt64  // parent_id
  public var privateID: UInt64  // private_id: the data stream's id (file extents are keyed by it)
  public var createTime: UInt64  // create_time (ns since 1970)
  public var modifyTime: UInt64  // mod_time
  public var changeTime: UInt64  // change_time
  public var accessTime: UInt64  // access_time
  public var internalFlags: UInt64  // internal_flags
  public var childrenOrLinks: Int32  // nchildren (directories) / nlink (files)
  public var defaultProtectionClass: UInt32  // default_protection_class
  public var bsdFlags: UInt32  // bsd_flags (UF_COMPRESSED 0x20)
  public var owner: UInt32  // owner
  public var group: UInt32  // group
  public var mode: UInt16  // mode
  public var uncompressedSize: UInt64  // uncompressed_size
  public var name: String?  // INO_EXT_TYPE_NAME
  public var dataStream: DataStream?  // INO_EXT_TYPE_DSTREAM
  public var deviceNumber: UInt32?  // INO_EXT_TYPE_RDEV

  public var kind: FileKind { FileKind(mode: mode) }
  public var isCompressed: Bool { bsdFlags & 0x20 != 0 }

  /// - Parameter readName: parse `INO_EXT_TYPE_NAME` (a listing of a whole tree skips it: its names come from the
  ///   directory records, and a `String` per inode is most of the parse's cost).
  public init(objectID: UInt64, parsing r: ByteReader, value: Range<Int>, readName: Bool = true) throws(ParseError) {
    let v = value.lowerBound
    guard value.count >= 92 else {
      throw ParseError(.truncated(needed: 92, available: value.count), in: "j_inode_val_t", at: r.absolute(v))
    }
    self.objectID = objectID
    parentID = try r.u64(v)
    privateID = try r.u64(v + 8)
    createTime = try r.u64(v + 16)
    modifyTime = try r.u64(v + 24)
    changeTime = try r.u64(v + 32)
    accessTime = try r.u64(v + 40)
    internalFlags = try r.u64(v + 48)
    childrenOrLinks = Int32(bitPattern: try r.u32(v + 56))
    defaultProtectionClass = try r.u32(v + 60)
    bsdFlags = try r.u32(v + 68)
    owner = try r.u32(v + 72)
    group = try r.u32(v + 76)
    mode = try r.u16(v + 80)
    uncompressedSize = try r.u64(v + 84)
    name = nil
    dataStream = nil
    deviceNumber = nil
    if value.count > 92 {
      for field in try ExtendedFields.parse(r, range: (v + 92)..<value.upperBound) {
        switch field.type {
        case 4 where readName:  // INO_EXT_TYPE_NAME
          name = try r.cString(field.data.lowerBound, maxLength: field.data.count)
        case 8:  // INO_EXT_TYPE_DSTREAM
          dataStream = try DataStream(parsing: r, at: field.data.lowerBound, length: field.data.count)
        case 14:  // INO_EXT_TYPE_RDEV
          if field.data.count >= 4 { deviceNumber = try r.u32(field.data.lowerBound) }
        default:
          break
        }
      }
    }
  }
}

/// A data stream's sizes and default crypto id. On disk: `j_dstream_t` (40 bytes).
public struct DataStream: Sendable, Equatable {
  public var size: UInt64  // size
  public var allocatedSize: UInt64  // alloced_size
  public var defaultCryptoID: UInt64  // default_crypto_id
  public var totalBytesWritten: UInt64  // total_bytes_written
  public var totalBytesRead: UInt64  // total_bytes_read

  public init(parsing r: ByteReader, at offset: Int, length: Int) throws(ParseError) {
    guard length >= 40 else {
      throw ParseError(.truncated(needed: 40, available: length), in: "j_dstream_t", at: r.absolute(offset))
    }
    size = try r.u64(offset)
    allocatedSize = try r.u64(offset + 8)
    defaultCryptoID = try r.u64(offset + 16)
    totalBytesWritten = try r.u64(offset + 24)
    totalBytesRead = try r.u64(offset + 32)
  }
}

/// Extended fields of inodes and directory records. On disk: `xf_blob_t` followed by `x_field_t` headers and their
/// data, each padded to 8 bytes.
public enum ExtendedFields {
  public struct Field: Sendable {
    public var type: UInt8  // x_type
    public var flags: UInt8  // x_flags
    public var data: Range<Int>
  }

  public static func parse(_ r: ByteReader, range: Range<Int>) throws(ParseError) -> [Field] {
    guard range.count >= 4 else { return [] }
    let count = Int(try r.u16(range.lowerBound))
    let used = Int(try r.u16(range.lowerBound + 2))
    let headersStart = range.lowerBound + 4
    guard count * 4 + used <= range.count - 4 else {
      throw ParseError(.valueOutOfRange(field: "xf_num_exts", value: UInt64(count)), in: "xf_blob_t",
                       at: r.absolute(range.lowerBound))
    }
    var fields: [Field] = []
    var dataOffset = headersStart + count * 4
    for index in 0..<count {
      let h = headersStart + index * 4
      let size = Int(try r.u16(h + 2))
      guard dataOffset + size <= range.upperBound else {
        throw ParseError(.valueOutOfRange(field: "x_size", value: UInt64(size)), in: "x_field_t", at: r.absolute(h))
      }
      fields.append(Field(type: try r.u8(h), flags: try r.u8(h + 1), data: dataOffset..<(dataOffset + size)))
      dataOffset += (size + 7) & ~7
    }
    return fields
  }
}
