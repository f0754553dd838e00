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
    let name = try Self.nameRange(r, key: key, hashed: hashed)
    nameHash = hashed ? try r.u32(key.lowerBound + 8) >> 10 : nil
    var bytes = try r.bytes(name.lowerBound, name.count)
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

  /// Where the name (with its NUL) lies in a `j_drec_hashed_key_t` (`hashed`) or `j_drec_key_t` at `key`.
  static func nameRange(_ r: ByteReader, key: Range<Int>, hashed: Bool) throws(ParseError) -> Range<Int> {
    let k = key.lowerBound
    let nameStart = hashed ? k + 12 : k + 10
    let nameLength = hashed ? Int(try r.u32(k + 8) & 0x3FF) : Int(try r.u16(k + 8))
    guard nameStart + nameLength <= key.upperBound else {
      throw ParseError(.valueOutOfRange(field: "name_len", value: UInt64(nameLength)), in: "j_drec_key_t",
                       at: r.absolute(k + 8))
    }
    try r.check(nameStart, nameLength)
    return nameStart..<(nameStart + nameLength)
  }
}
