import ImageAccess

/// File-system record types: the top four bits of `obj_id_and_type` in every `j_key_t`.
/// On disk: `j_obj_types`, Apple File System Reference §File-System Objects.
public struct FSRecordType: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
  public var rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let snapshotMetadata = FSRecordType(rawValue: 1)  // APFS_TYPE_SNAP_METADATA
  public static let physicalExtent = FSRecordType(rawValue: 2)  // APFS_TYPE_EXTENT
  public static let inode = FSRecordType(rawValue: 3)  // APFS_TYPE_INODE
  public static let xattr = FSRecordType(rawValue: 4)  // APFS_TYPE_XATTR
  public static let siblingLink = FSRecordType(rawValue: 5)  // APFS_TYPE_SIBLING_LINK
  public static let dataStreamID = FSRecordType(rawValue: 6)  // APFS_TYPE_DSTREAM_ID
  public static let cryptoState = FSRecordType(rawValue: 7)  // APFS_TYPE_CRYPTO_STATE
  public static let fileExtent = FSRecordType(rawValue: 8)  // APFS_TYPE_FILE_EXTENT
  public static let directoryRecord = FSRecordType(rawValue: 9)  // APFS_TYPE_DIR_REC
  public static let directoryStats = FSRecordType(rawValue: 10)  // APFS_TYPE_DIR_STATS
  public static let snapshotName = FSRecordType(rawValue: 11)  // APFS_TYPE_SNAP_NAME
  public static let siblingMap = FSRecordType(rawValue: 12)  // APFS_TYPE_SIBLING_MAP
  public static let fileInfo = FSRecordType(rawValue: 13)  // APFS_TYPE_FILE_INFO

  public static func < (a: FSRecordType, b: FSRecordType) -> Bool { a.rawValue < b.rawValue }
  public var description: String { "\(rawValue)" }
}

/// The common key header of file-system records. On disk: `j_key_t`.
public struct FSKey: Sendable, Hashable, Comparable {
  public var objectID: UInt64  // obj_id_and_type & OBJ_ID_MASK
  public var type: FSRecordType  // obj_id_and_type >> OBJ_TYPE_SHIFT

  public init(objectID: UInt64, type: FSRecordType) {
    self.objectID = objectID
    self.type = type
  }

  public init(parsing reader: ByteReader, at offset: Int) throws(ParseError) {
    let raw = try reader.u64(offset)
    objectID = raw & 0x0FFF_FFFF_FFFF_FFFF
    type = FSRecordType(rawValue: UInt8(raw >> 60))
  }

  public static func < (a: FSKey, b: FSKey) -> Bool {
    (a.objectID, a.type.rawValue) < (b.objectID, b.type.rawValue)
  }
}

/// `mode_t` file types of an inode.
public enum FileKind: String, Sendable, CaseIterable {
  case regular = "file", directory, symlink, fifo, characterDevice = "char-device", blockDevice = "block-device"
  case socket, whiteout, unknown

  public init(mode: UInt16) {
    switch mode & 0o170000 {
    case 0o100000: self = .regular
    case 0o040000: self = .directory
    case 0o120000: self = .symlink
    case 0o010000: self = .fifo
    case 0o020000: self = .characterDevice
    case 0o060000: self = .blockDevice
    case 0o140000: self = .socket
    case 0o160000: self = .whiteout
    default: self = .unknown
    }
  }

  /// From a directory record's `DT_*` type (flags & DREC_TYPE_MASK).
  public init(directoryEntryType: UInt16) {
    switch directoryEntryType & 0xF {
    case 8: self = .regular
    case 4: self = .directory
    case 10: self = .symlink
    case 1: self = .fifo
    case 2: self = .characterDevice
    case 6: self = .blockDevice
    case 12: self = .socket
    case 14: self = .whiteout
    default: self = .unknown
    }
  }
}

extension FSKey {
  /// Throws when this key sorts before `previous`: keys of a file-system B-tree (live tree, snapshot metadata tree)
  /// ascend, and a walk that meets one out of order is reading a damaged or hostile node.
  func checkFollows(_ previous: FSKey?, in structure: String, at offset: Int?) throws {
    guard let previous, self < previous else { return }
    throw ParseError(
      .invalid(
        "keys out of order: (\(objectID), type \(type)) after (\(previous.objectID), type \(previous.type))"),
      in: structure, at: offset)
  }
}

extension BTreeWalker {
  /// Walks a file-system-style tree (live tree, snapshot metadata tree) in key order, checking that keys ascend, and
  /// calls `visit(key, node bytes, entry, value)` for every record that has a value.
  func walkRecords(
    root: UInt64, structure: String, _ visit: (FSKey, ByteReader, BTreeNode.Entry, Range<Int>) throws -> Void
  ) throws {
    var previous: FSKey? = nil
    try walk(root: root) { node, index in
      let entry = node.entries[index]
      let r = node.bytes
      let key = try FSKey(parsing: r, at: entry.key.lowerBound)
      try key.checkFollows(previous, in: structure, at: r.absolute(entry.key.lowerBound))
      previous = key
      guard let value = entry.value else { return }
      try visit(key, r, entry, value)
    }
  }
}
