import ImageAccess

/// One volume's file-system tree, read through the volume's object map at the container's checkpoint.
///
/// Node children are virtual object ids; each is resolved through the volume object map (newest xid not above the
/// checkpoint's) to a physical block. Nodes whose object-map entry is marked encrypted (metadata of a ONEKEY volume)
/// cannot be parsed without the volume key: reading one throws ``FileSystemTree/encryptedMetadata``.
/// On disk: the `apfs_root_tree_oid` B-tree, Apple File System Reference §File-System Objects.
public struct FileSystemTree: Sendable {
  public let container: APFSContainer
  public let volume: APFSSuperblock
  public let objectMap: ObjectMap
  /// Directory records use hashed keys (case- or normalization-insensitive volumes).
  public let hashedNames: Bool
  /// Parsed nodes shared by this tree's lookups (bounded).
  public let cache = NodeCache(limit: 4096)
  /// The snapshot whose tree this is, or `nil` for the live tree. For a snapshot, ``volume`` is the superblock copy
  /// taken with it and ``objectMap`` the live volume object map bounded to the snapshot's transaction id.
  public let snapshot: SnapshotMetadata?
  /// The volume key of an unlocked ONEKEY volume: encrypted nodes and file extents are decrypted with it.
  public private(set) var key: VolumeKey? = nil

  /// This tree read with `key`: nodes whose object-map entry is encrypted are decrypted (AES-XTS-128, tweak
  /// `paddr × block_size / 512`) before they are verified and parsed.
  public func unlocked(with key: VolumeKey) -> FileSystemTree {
    var copy = FileSystemTree(copying: self)
    copy.key = key
    return copy
  }

  private init(copying other: FileSystemTree) {
    container = other.container
    volume = other.volume
    objectMap = other.objectMap
    hashedNames = other.hashedNames
    snapshot = other.snapshot
  }

  /// The metadata of this volume is encrypted (the volume key is needed to walk it).
  public static func encryptedMetadata(at offset: Int?) -> ParseError {
    ParseError(.invalid("file-system tree node is encrypted; the volume key is needed to read it"),
               in: "fs tree", at: offset)
  }

  public init(container: APFSContainer, volume: APFSSuperblock) throws {
    self.container = container
    self.volume = volume
    objectMap = try ObjectMap(
      at: volume.objectMapOID, maxTransactionID: TransactionID(container.checkpointTransactionID),
      nodeLimit: container.nodeLimit, readBlock: container.block)
    hashedNames = volume.incompatibleFeatures.contains(.caseInsensitive)
      || volume.incompatibleFeatures.contains(.normalizationInsensitive)
    snapshot = nil
  }

  /// The file-system tree of `snapshot` of the live volume `volume`.
  ///
  /// Reads the snapshot's volume superblock at `sblock_oid` (Fletcher-64 verified, type `APFS_SUPERBLOCK`, the
  /// volume's UUID, an xid not above the snapshot's) and resolves its root tree through the live volume's object map
  /// as it was at the snapshot's xid: the newest mapping per object whose xid is not above it. The superblock copy's
  /// own `apfs_omap_oid` is not used: that object map may have been rewritten since. Pass `objectMap` (read with
  /// `keepingVersions`) to open many snapshots with one object-map walk.
  ///
  /// - Throws: ``ParseError`` located at the superblock copy or the object map.
  public init(container: APFSContainer, volume: APFSSuperblock, snapshot: SnapshotMetadata,
              objectMap history: ObjectMap? = nil) throws {
    let block = try container.block(snapshot.superblockAddress)
    try block.verifyObjectChecksum(structure: "apfs_superblock_t (snapshot)")
    try block.expectObjectType(.fs, structure: "apfs_superblock_t (snapshot)")
    let copy = try APFSSuperblock(parsing: block)
    guard copy.uuid == volume.uuid else {
      throw ParseError(.invalid("snapshot \"\(snapshot.name)\" superblock belongs to volume \(copy.uuid), not \(volume.uuid)"),
                       in: "apfs_superblock_t (snapshot)", at: block.absolute(0xF0))
    }
    guard copy.header.transactionID <= snapshot.transactionID else {
      throw ParseError(.valueOutOfRange(field: "o_xid", value: copy.header.transactionID),
                       in: "apfs_superblock_t (snapshot)", at: block.absolute(16))
    }
    let bound = TransactionID(min(snapshot.transactionID, container.checkpointTransactionID))
    if let bounded = history?.bounded(to: bound) {
      objectMap = bounded
    } else {
      objectMap = try ObjectMap(
        at: volume.objectMapOID, maxTransactionID: bound,
        nodeLimit: container.nodeLimit, readBlock: container.block)
    }
    self.container = container
    self.volume = copy
    self.snapshot = snapshot
    hashedNames = copy.incompatibleFeatures.contains(.caseInsensitive)
      || copy.incompatibleFeatures.contains(.normalizationInsensitive)
  }

  /// The root directory's inode id (`ROOT_DIR_INO_NUM`).
  public static let rootDirectoryID: UInt64 = 2

  func walker() -> BTreeWalker {
    var walker = uncachedWalker()
    walker.cache = cache
    return walker
  }

  func uncachedWalker() -> BTreeWalker {
    let map = objectMap
    let container = container
    let key = key
    return BTreeWalker(structure: "fs tree", nodeLimit: container.nodeLimit) {
      oid in
      guard let mapping = map.lookup(ObjectID(oid)) else {
        throw ParseError(.invalid("fs tree node oid \(oid) is not in the volume object map"), in: "omap", at: nil)
      }
      if mapping.isEncrypted {
        guard let key else {
          throw FileSystemTree.encryptedMetadata(at: Int(clamping: mapping.physicalAddress.rawValue &* UInt64(container.blockSize)))
        }
        return try container.decryptedBlock(mapping.physicalAddress, key: key)
      }
      return try container.block(mapping.physicalAddress)
    }
  }

  /// Physical blocks of the tree's nodes, resolved through the object map (for the region map).
  public var rootPhysicalAddress: UInt64? { objectMap.lookup(volume.rootTreeOID)?.physicalAddress.rawValue }

  /// Visits every record of the tree in key order.
  public func walk(_ visit: (FSKey, BTreeNode, BTreeNode.Entry) throws -> Void) throws {
    try walker().walk(root: volume.rootTreeOID.rawValue) { node, index in
      let entry = node.entries[index]
      try visit(try FSKey(parsing: node.bytes, at: entry.key.lowerBound), node, entry)
    }
  }

  /// Visits the records of object `id` with record type `type`, in key order.
  public func records(of id: UInt64, type: FSRecordType, _ visit: (BTreeNode, BTreeNode.Entry) throws -> Void)
    throws
  {
    let target = FSKey(objectID: id, type: type)
    try walker().scan(
      root: volume.rootTreeOID.rawValue, from: target,
      keyOf: { node, index in try FSKey(parsing: node.bytes, at: node.entries[index].key.lowerBound) },
      visit: { node, index in
        let entry = node.entries[index]
        let key = try FSKey(parsing: node.bytes, at: entry.key.lowerBound)
        if key > target { return false }
        if key == target { try visit(node, entry) }
        return true
      })
  }

  /// The inode with id `id`, or `nil`.
  public func inode(_ id: UInt64) throws -> InodeRecord? {
    var found: InodeRecord? = nil
    try records(of: id, type: .inode) { node, entry in
      guard let value = entry.value else { return }
      found = try InodeRecord(objectID: id, parsing: node.bytes, value: value)
    }
    return found
  }

  /// The entries of directory `id`, in on-disk order.
  public func children(of id: UInt64) throws -> [DirectoryRecord] {
    var out: [DirectoryRecord] = []
    try records(of: id, type: .directoryRecord) { node, entry in
      guard let value = entry.value else { return }
      out.append(try DirectoryRecord(parentID: id, parsing: node.bytes, key: entry.key, value: value, hashed: hashedNames))
    }
    return out
  }

  /// The file extents of data stream `streamID`, by logical address.
  public func extents(of streamID: UInt64) throws -> [FileExtentRecord] {
    var out: [FileExtentRecord] = []
    try records(of: streamID, type: .fileExtent) { node, entry in
      guard let value = entry.value else { return }
      out.append(try FileExtentRecord(streamID: streamID, parsing: node.bytes, key: entry.key, value: value))
    }
    return out.sorted { $0.logicalAddress < $1.logicalAddress }
  }

  /// The extended attributes of object `id`.
  public func xattrs(of id: UInt64) throws -> [XAttrRecord] {
    var out: [XAttrRecord] = []
    try records(of: id, type: .xattr) { node, entry in
      guard let value = entry.value else { return }
      out.append(try XAttrRecord(ownerID: id, parsing: node.bytes, key: entry.key, value: value))
    }
    return out
  }

  /// The crypto state of `cryptoID`, or `nil`.
  public func cryptoState(_ cryptoID: UInt64) throws -> CryptoStateRecord? {
    var found: CryptoStateRecord? = nil
    try records(of: cryptoID, type: .cryptoState) { node, entry in
      guard let value = entry.value else { return }
      found = try CryptoStateRecord(cryptoID: cryptoID, parsing: node.bytes, value: value)
    }
    return found
  }

  /// Resolves a slash-separated path from the root directory. Each component is matched first byte-for-byte, then,
  /// on case-insensitive volumes, case-insensitively.
  ///
  /// - Returns: the directory record of the last component (`nil` for the root itself) and its inode id.
  public func resolve(_ path: String) throws -> (entry: DirectoryRecord?, id: UInt64)? {
    var current = Self.rootDirectoryID
    var entry: DirectoryRecord? = nil
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
      let children = try self.children(of: current)
      let wanted = Array(component.utf8)
      var match = children.first { $0.nameBytes == wanted }
      if match == nil, volume.incompatibleFeatures.contains(.caseInsensitive) {
        let folded = String(component).lowercased()
        match = children.first { $0.name.lowercased() == folded }
      }
      guard let match else { return nil }
      entry = match
      current = match.fileID
    }
    return (entry, current)
  }
}

extension FileSystemTree {
  /// The size a reader sees: the decmpfs header's uncompressed size for compressed files, else the data stream's
  /// size (0 when the inode has no data stream, e.g. symlinks, whose target is an attribute).
  public func logicalSize(_ inode: InodeRecord) throws -> UInt64 {
    if inode.isCompressed,
      let decmpfs = try xattrs(of: inode.objectID).first(where: { $0.name == "com.apple.decmpfs" }),
      let data = decmpfs.embeddedData, data.count >= 16
    {
      return (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[8 + $1]) << (8 * $1) }
    }
    return inode.dataStream?.size ?? 0
  }
}

extension FileSystemTree {
  /// The inodes with the given ids. Ids that lie close together (a directory's children usually do) are read in one
  /// ordered scan over the records between the smallest and the largest; scattered ids fall back to one seek each.
  public func inodes(_ ids: [UInt64]) throws -> [UInt64: InodeRecord] {
    var out: [UInt64: InodeRecord] = [:]
    guard let low = ids.min(), let high = ids.max() else { return out }
    let wanted = Set(ids)
    guard high - low <= UInt64(64 * wanted.count) else {
      for id in wanted { if let inode = try inode(id) { out[id] = inode } }
      return out
    }
    let start = FSKey(objectID: low, type: .inode)
    try walker().scan(
      root: volume.rootTreeOID.rawValue, from: start,
      keyOf: { node, index in try FSKey(parsing: node.bytes, at: node.entries[index].key.lowerBound) },
      visit: { node, index in
        let entry = node.entries[index]
        let key = try FSKey(parsing: node.bytes, at: entry.key.lowerBound)
        if key.objectID > high { return false }
        if key.type == .inode, wanted.contains(key.objectID), let value = entry.value {
          out[key.objectID] = try InodeRecord(objectID: key.objectID, parsing: node.bytes, value: value)
        }
        return true
      })
    return out
  }
}
