import ImageAccess

/// The snapshots of one volume, read from its snapshot metadata tree (`apfs_snap_meta_tree_oid`): one
/// ``SnapshotMetadata`` per `APFS_TYPE_SNAP_METADATA` record, in transaction-id order, and the name records
/// (`APFS_TYPE_SNAP_NAME`) that map names to transaction ids.
///
/// The tree is physical on every volume seen so far; a virtual one (storage flags of `apfs_snap_meta_tree_type`) is
/// resolved through the volume's object map. Loops, depth and node counts are bounded by ``BTreeWalker``; keys out
/// of order and bad records end the read with a located ``ParseError``.
public struct SnapshotCatalog: Sendable {
  public var snapshots: [SnapshotMetadata]
  public var names: [SnapshotNameRecord]
  /// Physical blocks of the snapshot metadata tree's nodes (for the region map).
  public var nodeAddresses: [UInt64]

  /// `OBJ_PHYSICAL` in an object type word.
  static let physicalFlag: UInt32 = 0x4000_0000

  /// Reads the snapshot metadata tree of `volume`. `objectMap` resolves the tree's nodes when the tree is virtual.
  public init(container: APFSContainer, volume: APFSSuperblock, objectMap: ObjectMap?) throws {
    snapshots = []
    names = []
    nodeAddresses = []
    let root = volume.snapshotMetaTreeOID
    guard root != 0 else { return }
    let physical = volume.snapshotMetaTreeType & Self.physicalFlag != 0
    let recorder = AddressRecorder()
    let walker = BTreeWalker(
      structure: "snapshot metadata tree", nodeLimit: container.nodeLimit
    ) { oid in
      var address = oid
      if !physical {
        guard let mapping = objectMap?.lookup(ObjectID(oid)) else {
          throw ParseError(.invalid("snapshot metadata tree node oid \(oid) is not in the volume object map"),
                           in: "omap", at: nil)
        }
        address = mapping.physicalAddress.rawValue
      }
      recorder.append(address)
      return try container.block(address)
    }
    var found: [SnapshotMetadata] = []
    var foundNames: [SnapshotNameRecord] = []
    defer { nodeAddresses = recorder.addresses }
    try walker.walkRecords(root: root, structure: "snapshot metadata tree") { key, r, entry, value in
      switch key.type {
      case .snapshotMetadata:
        found.append(try SnapshotMetadata(key: key, parsing: r, value: value))
      case .snapshotName:
        foundNames.append(try SnapshotNameRecord(parsing: r, key: entry.key, value: value))
      default:
        break
      }
    }
    snapshots = found
    names = foundNames
  }

  /// The snapshot called `name`: through its name record when there is one, else by the metadata's own name.
  public func snapshot(named name: String) -> SnapshotMetadata? {
    if let record = names.first(where: { $0.name == name }),
      let match = snapshots.first(where: { $0.transactionID == record.transactionID })
    {
      return match
    }
    return snapshots.first { $0.name == name }
  }
}
