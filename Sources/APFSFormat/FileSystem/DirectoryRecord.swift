import ImageAccess

/// A directory entry: a name in a parent directory pointing at an inode. On disk: `j_drec_hashed_key_t` (hashed,
/// on case- or normalization-insensitive volumes) or `j_drec_key_t`, with `j_drec_val_t`.
public struct DirectoryRecord: Sendable, Equatable {
  public var parentID: UInt64  // from the key
  /// The name exactly as stored (NFD stays NFD); the trailing NUL is dropped.
  public var nameBytes: [UInt8]
  public var nameHash: UInt32?  // name_len_and_hash >> 10 (hashed keys only)
  public var fileID: UInt64  // file_id
  public var dateAdded: UInt64  // date_added
  public var flags: UInt16  // flags (DREC_TYPE_MASK 0xF)

  public var name: String { String(decoding: nameBytes, as: UTF8.self) }
  public var kind: FileKind { FileKind(directoryEntryType: flags) }

  public init(parentID: UInt64, parsing r: ByteReader, key: Range<Int>, value: Range<Int>, hashed: Bool)
    throws(ParseError)
  {
    self.parentID = parentID
    let k = key.lowerBound
    let nameStart: Int
    let nameLength: Int
    if hashed {
      let lengthAndHash = try r.u32(k + 8)
      nameLength = Int(lengthAndHash & 0x3FF)
      nameHash = lengthAndHash >> 10
      nameStart = k + 12
    } else {
      nameLength = Int(try r.u16(k + 8))
      nameHash = nil
      nameStart = k + 10
    }
    guard nameStart + nameLength <= key.upperBound else {
      throw ParseError(.valueOutOfRange(field: "name_len", value: UInt64(nameLength)), in: "j_drec_key_t",
                       at: r.absolute(k + 8))
    }
    var bytes = try r.bytes(nameStart, nameLength)
    while bytes.last == 0 { bytes.removeLast() }
    nameBytes = bytes
    guard value.count >= 18 else {
      throw ParseError(.truncated(needed: 18, available: value.count), in: "j_drec_val_t",
                       at: r.absolute(value.lowerBound))
    }
    fileID = try r.u64(value.lowerBound)
    dateAdded = try r.u64(value.lowerBound + 8)
    flags = try r.u16(value.lowerBound + 16)
  }
}
