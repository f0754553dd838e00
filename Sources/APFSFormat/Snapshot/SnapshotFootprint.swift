import ImageAccess

/// The blocks a volume's snapshots use, for the region map: each snapshot's superblock copy (`sblock_oid`), its
/// extent-reference tree (physical), the nodes of its file-system tree (resolved through the volume object map at
/// the snapshot's xid) and the file extents in those nodes; the blocks of every older object-map version (kept for
/// the snapshots) and the object map's snapshot tree (`omap_snapshot_t` records).
///
/// Snapshot trees share most of their nodes (copy on write), so a leaf block already read for an earlier snapshot is
/// not read for its records again and each block's checksum is verified once; index nodes are walked per snapshot,
/// because their virtual children may resolve to different blocks at different xids. An error ends the snapshot it
/// occurs in (recorded, with its location) and the next snapshot is tried.
///
/// Because index nodes are walked once per snapshot, the cost grows with snapshots × tree size; a hostile image can
/// point thousands of snapshots at one large tree. All snapshot walks of a volume therefore share one budget of node
/// loads (``nodeLoadBudget(blockCount:)``: twice the container's block count plus a million); when it runs out the
/// remaining snapshots are not walked, their blocks stay `unknown`, and a located `limit-exceeded` error says so.
public struct SnapshotFootprint: Sendable {
  /// Snapshot superblock copies, extent-reference tree nodes, file-system tree nodes.
  public var metadataBlocks: [UInt64] = []
  /// Physical runs of file data: start block, block count, encrypted (crypto id set, or a ONEKEY volume).
  public var dataRuns: [(start: UInt64, count: UInt64, encrypted: Bool)] = []
  public var snapshotsWalked = 0
  public var errors: [ParseError] = []

  public init() {}

  /// Walks every snapshot of `volume` (the live superblock).
  public static func take(
    container: APFSContainer, volume: APFSSuperblock, budget: Int? = nil
  ) -> SnapshotFootprint {
    var footprint = SnapshotFootprint()
    let loads = LoadBudget(budget ?? nodeLoadBudget(blockCount: container.superblock.blockCount))
    guard volume.snapshotMetaTreeOID != 0 else { return footprint }
    let nodeLimit = container.nodeLimit
    let blockSize = UInt64(container.blockSize)
    let blockCount = container.superblock.blockCount
    let history: ObjectMap
    let catalog: SnapshotCatalog
    do {
      history = try ObjectMap(at: volume.objectMapOID, maxTransactionID: TransactionID(container.checkpointTransactionID),
                              nodeLimit: nodeLimit, keepingVersions: true, readBlock: container.block)
      catalog = try SnapshotCatalog(container: container, volume: volume,
                                    objectMap: history.bounded(to: TransactionID(container.checkpointTransactionID)))
    } catch {
      footprint.errors.append(Self.located(error, "snapshot metadata tree"))
      return footprint
    }
    guard !catalog.snapshots.isEmpty else { return footprint }
    // Older versions in the volume object map exist for the snapshots: every block a version points at is a volume
    // object kept for one (tree nodes, superblocks, snapshot metadata extensions).
    for (_, list) in history.versions ?? [:] {
      for mapping in list where !mapping.isDeleted && mapping.physicalAddress != 0 {
        footprint.metadataBlocks.append(mapping.physicalAddress.rawValue)
      }
    }
    let recorder = AddressSet()  // distinct blocks only: the walks revisit shared nodes once per snapshot
    // The object map's snapshot tree (`om_snapshot_tree_oid`, physical: xid → `omap_snapshot_t`).
    if history.header.snapshotTreeOID != 0 {
      let walker = BTreeWalker(structure: "omap snapshot tree", nodeLimit: nodeLimit) { address in
        _ = recorder.insert(address)
        return try container.block(address)
      }
      do {
        try walker.walk(root: history.header.snapshotTreeOID) { _, _ in }
      } catch {
        footprint.errors.append(Self.located(error, "omap snapshot tree"))
      }
    }
    let verified = AddressSet()  // physical blocks whose checksum has been verified
    var seenLeaves = Set<UInt64>()  // physical leaf blocks whose records have been read
    var seenRuns = Set<[UInt64]>()

    for (position, snapshot) in catalog.snapshots.enumerated() {
      do {
        let tree = try FileSystemTree(container: container, volume: volume, snapshot: snapshot, objectMap: history)
        footprint.metadataBlocks.append(snapshot.superblockAddress)
        let onekey = tree.volume.encryption == .onekey
        // The extent-reference tree is physical.
        if snapshot.extentRefTreeOID != 0 {
            let walker = BTreeWalker(structure: "snapshot extent-reference tree", nodeLimit: nodeLimit) { address in
            try loads.spend()
            _ = recorder.insert(address)
            return try container.block(address)
          }
          try walker.walk(root: snapshot.extentRefTreeOID) { _, _ in }
        }
        let map = tree.objectMap
        var walker = BTreeWalker(structure: "snapshot fs tree", nodeLimit: nodeLimit) { oid in
          try loads.spend()
          guard let mapping = map.lookup(ObjectID(oid)) else {
            throw ParseError(.invalid("snapshot fs tree node oid \(oid) is not in the volume object map at xid "
                                      + "\(snapshot.transactionID)"), in: "omap", at: nil)
          }
          if mapping.isEncrypted {
            throw FileSystemTree.encryptedMetadata(
              at: Int(clamping: mapping.physicalAddress.rawValue &* blockSize))
          }
          let block = try container.block(mapping.physicalAddress)
          if verified.insert(mapping.physicalAddress.rawValue) {
            do {
              try block.verifyObjectChecksum(structure: "snapshot fs tree")
            } catch {
              verified.remove(mapping.physicalAddress.rawValue)
              throw error
            }
          }
          _ = recorder.insert(mapping.physicalAddress.rawValue)
          return block
        }
        walker.verifyChecksums = false  // verified above, once per block
        var leafIsNew = false
        try walker.walk(root: tree.volume.rootTreeOID.rawValue) { node, index in
          if index == 0 { leafIsNew = seenLeaves.insert(UInt64(node.bytes.base) / blockSize).inserted }
          guard leafIsNew else { return }
          let entry = node.entries[index]
          let key = try FSKey(parsing: node.bytes, at: entry.key.lowerBound)
          guard key.type == .fileExtent, let value = entry.value else { return }
          let extent = try FileExtentRecord(streamID: key.objectID, parsing: node.bytes, key: entry.key, value: value)
          guard !extent.isSparse else { return }
          guard extent.length <= UInt64(Int.max) / 2 else {
            throw ParseError(.valueOutOfRange(field: "j_file_extent_val_t.len", value: extent.length),
                             in: "j_file_extent_val_t", at: node.bytes.absolute(value.lowerBound))
          }
          let blocks = (extent.length + blockSize - 1) / blockSize
          let first = extent.physicalBlock.rawValue
          guard first < blockCount, blocks <= blockCount - first else {
            throw ParseError(.valueOutOfRange(field: "phys_block_num + len", value: first),
                             in: "j_file_extent_val_t", at: node.bytes.absolute(value.lowerBound + 8))
          }
          let encrypted = onekey || extent.cryptoID != 0
          if seenRuns.insert([first, blocks, encrypted ? 1 : 0]).inserted {
            footprint.dataRuns.append((first, blocks, encrypted))
          }
        }
        footprint.snapshotsWalked += 1
      } catch {
        footprint.errors.append(Self.located(error, "snapshot \"\(snapshot.name)\" (xid \(snapshot.transactionID))"))
        if loads.exhausted {
          let left = catalog.snapshots.count - position - 1
          if left > 0 {
            footprint.errors.append(
              ParseError(
                .limitExceeded(what: "snapshot node loads (\(left) more snapshots not walked)", limit: loads.limit),
                in: "snapshot trees", at: nil))
          }
          break
        }
      }
    }
    footprint.metadataBlocks += recorder.all
    return footprint
  }

  /// The node loads all snapshot walks of one volume may make together.
  public static func nodeLoadBudget(blockCount: UInt64) -> Int {
    Int(clamping: min(blockCount, UInt64(Int.max / 4)) * 2 + 1_000_000)
  }

  static func located(_ error: any Error, _ context: String) -> ParseError {
    guard var parsed = error as? ParseError else {
      return ParseError(.invalid("\(context): \(error)"), in: "snapshot", at: nil)
    }
    parsed.structure = "\(context): \(parsed.structure)"
    return parsed
  }
}

/// A set of block addresses filled from inside escaping loader closures.
final class AddressSet: @unchecked Sendable {
  // @unchecked: used from one thread at a time (the walks are sequential).
  private var members = Set<UInt64>()
  /// Inserts `address`; `true` when it was not yet present.
  func insert(_ address: UInt64) -> Bool { members.insert(address).inserted }
  func remove(_ address: UInt64) { members.remove(address) }
  var all: [UInt64] { Array(members) }
}

/// Node loads left for a volume's snapshot walks.
final class LoadBudget: @unchecked Sendable {
  // @unchecked: used from one thread at a time (the walks are sequential).
  let limit: Int
  private var used = 0
  init(_ limit: Int) { self.limit = limit }
  var exhausted: Bool { used >= limit }
  func spend() throws {
    guard used < limit else {
      throw ParseError(.limitExceeded(what: "snapshot node loads", limit: limit), in: "snapshot trees", at: nil)
    }
    used += 1
  }
}
