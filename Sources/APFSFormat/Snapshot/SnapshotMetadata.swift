import ImageAccess

/// One snapshot of a volume, from its record in the volume's snapshot metadata tree. On disk: `j_snap_metadata_key_t`
/// (a `j_key_t` whose object id is the snapshot's transaction id, type `APFS_TYPE_SNAP_METADATA`) and
/// `j_snap_metadata_val_t`, Apple File System Reference §Snapshot Metadata.
public struct SnapshotMetadata: Sendable, Equatable {
  /// The transaction id of the snapshot (the key's object id).
  public var transactionID: UInt64  // j_snap_metadata_key_t.hdr.obj_id
  /// Physical block of the snapshot's extent-reference tree.
  public var extentRefTreeOID: UInt64  // extentref_tree_oid
  /// Physical block of the copy of the volume superblock taken with the snapshot.
  public var superblockAddress: UInt64  // sblock_oid
  /// Nanoseconds since 1970-01-01 UTC.
  public var createTime: UInt64  // create_time
  public var changeTime: UInt64  // change_time
  public var inodeNumber: UInt64  // inum
  public var extentRefTreeType: UInt32  // extentref_tree_type
  public var flags: UInt32  // flags (SNAP_META_PENDING_DATALESS 1, SNAP_META_MERGE_IN_PROGRESS 2)
  /// The name, without its terminating NUL (invalid UTF-8 replaced).
  public var name: String  // name[name_len]
  /// The name exactly as stored, without its terminating NUL.
  public var nameBytes: [UInt8]

  /// Bytes of the fixed part of `j_snap_metadata_val_t` before `name`.
  public static let fixedSize = 50
  /// The longest name accepted (`name_len` counts the NUL; APFS names are at most 255 bytes of UTF-8).
  public static let maxNameLength = 256

  /// Parses the value of the record whose key is `key`, at `value` inside `reader`.
  ///
  /// - Throws: ``ParseError`` for a short value or a name length that is zero, beyond ``maxNameLength`` or beyond
  ///   the value, located at the offending field.
  public init(key: FSKey, parsing reader: ByteReader, value: Range<Int>) throws(ParseError) {
    let structure = "j_snap_metadata_val_t"
    guard value.count >= Self.fixedSize else {
      throw ParseError(.truncated(needed: Self.fixedSize, available: value.count), in: structure,
                       at: reader.absolute(value.lowerBound))
    }
    let at = value.lowerBound
    transactionID = key.objectID
    extentRefTreeOID = try reader.u64(at)
    superblockAddress = try reader.u64(at + 8)
    createTime = try reader.u64(at + 16)
    changeTime = try reader.u64(at + 24)
    inodeNumber = try reader.u64(at + 32)
    extentRefTreeType = try reader.u32(at + 40)
    flags = try reader.u32(at + 44)
    let nameLength = Int(try reader.u16(at + 48))
    guard nameLength > 0, nameLength <= Self.maxNameLength, nameLength <= value.count - Self.fixedSize else {
      throw ParseError(.valueOutOfRange(field: "name_len", value: UInt64(nameLength)), in: structure,
                       at: reader.absolute(at + 48))
    }
    var stored = try reader.bytes(at + Self.fixedSize, nameLength)
    if let end = stored.firstIndex(of: 0) { stored.removeSubrange(end...) }
    nameBytes = stored
    name = String(decoding: stored, as: UTF8.self)
  }
}

/// A snapshot name record: name → snapshot transaction id. On disk: `j_snap_name_key_t` (a `j_key_t` of type
/// `APFS_TYPE_SNAP_NAME`, `name_len` u16, `name`) and `j_snap_name_val_t` (`snap_xid`).
public struct SnapshotNameRecord: Sendable, Equatable {
  public var name: String
  public var transactionID: UInt64  // snap_xid

  public init(parsing reader: ByteReader, key: Range<Int>, value: Range<Int>) throws(ParseError) {
    guard key.count >= 10 else {
      throw ParseError(.truncated(needed: 10, available: key.count), in: "j_snap_name_key_t",
                       at: reader.absolute(key.lowerBound))
    }
    let nameLength = Int(try reader.u16(key.lowerBound + 8))
    guard nameLength > 0, nameLength <= SnapshotMetadata.maxNameLength, nameLength <= key.count - 10 else {
      throw ParseError(.valueOutOfRange(field: "name_len", value: UInt64(nameLength)), in: "j_snap_name_key_t",
                       at: reader.absolute(key.lowerBound + 8))
    }
    var stored = try reader.bytes(key.lowerBound + 10, nameLength)
    if let end = stored.firstIndex(of: 0) { stored.removeSubrange(end...) }
    name = String(decoding: stored, as: UTF8.self)
    guard value.count >= 8 else {
      throw ParseError(.truncated(needed: 8, available: value.count), in: "j_snap_name_val_t",
                       at: reader.absolute(value.lowerBound))
    }
    transactionID = try reader.u64(value.lowerBound)
  }
}
