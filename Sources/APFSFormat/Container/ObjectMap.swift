import ImageAccess

/// An object map: virtual object id + transaction id → physical block. On disk: `omap_phys_t`, whose tree holds
/// `omap_key_t` → `omap_val_t` records (Apple File System Reference §Object Maps).
public struct ObjectMap: Sendable {
  /// The object-map header. On disk: `omap_phys_t`.
  public struct Header: Sendable, Equatable {
    public var header: ObjectHeader
    public var flags: UInt32  // om_flags
    public var snapshotCount: UInt32  // om_snap_count
    public var treeType: UInt32  // om_tree_type
    public var snapshotTreeType: UInt32  // om_snapshot_tree_type
    public var treeOID: UInt64  // om_tree_oid (physical)
    public var snapshotTreeOID: UInt64  // om_snapshot_tree_oid
    public var mostRecentSnapshot: UInt64  // om_most_recent_snap

    public init(parsing reader: ByteReader) throws(ParseError) {
      header = try ObjectHeader(parsing: reader)
      try reader.expectObjectType(.omap, structure: "omap_phys_t")
      flags = try reader.u32(0x20)
      snapshotCount = try reader.u32(0x24)
      treeType = try reader.u32(0x28)
      snapshotTreeType = try reader.u32(0x2C)
      treeOID = try reader.u64(0x30)
      snapshotTreeOID = try reader.u64(0x38)
      mostRecentSnapshot = try reader.u64(0x40)
    }
  }

  /// Where one virtual object lives. On disk: `omap_val_t`.
  public struct Mapping: Sendable, Equatable {
    public var transactionID: TransactionID  // ok_xid
    public var flags: UInt32  // ov_flags (OMAP_VAL_DELETED 1, ENCRYPTED 4, NOHEADER 8)
    public var size: UInt32  // ov_size
    public var physicalAddress: PhysicalBlock  // ov_paddr
    public var isDeleted: Bool { flags & 0x1 != 0 }
    public var isEncrypted: Bool { flags & 0x4 != 0 }
  }

  public var header: Header
  /// The newest mapping at or below the chosen transaction id, per virtual object id.
  public var mappings: [ObjectID: Mapping]
  /// Physical blocks of the object map's own tree nodes (for the region map).
  public var nodeAddresses: [UInt64]
  /// Every mapping not above the chosen transaction id, per virtual object id in ascending xid order; kept only when
  /// asked for (`keepingVersions`), to answer lookups bounded by an older xid (a snapshot's) without another walk.
  public var versions: [ObjectID: [Mapping]]?

  /// Reads the object map at physical block `address` and every mapping whose xid is not above `maxTransactionID`.
  ///
  /// - Throws: ``ParseError`` for a bad header, a bad node, a loop or an exceeded limit.
  public init(
    at address: PhysicalBlock, maxTransactionID: TransactionID, nodeLimit: Int, keepingVersions: Bool = false,
    readBlock: @escaping (UInt64) throws -> ByteReader
  ) throws {
    let block = try readBlock(address.rawValue)
    try block.verifyObjectChecksum(structure: "omap_phys_t")
    header = try Header(parsing: block)
    var found: [ObjectID: Mapping] = [:]
    var history: [ObjectID: [Mapping]] = [:]
    var nodes: [UInt64] = []
    var walker = BTreeWalker(structure: "omap B-tree", nodeLimit: nodeLimit) { address in
      nodes.append(address)
      return try readBlock(address)
    }
    walker.verifyChecksums = true
    var previous: (ObjectID, TransactionID)? = nil
    try walker.walk(root: header.treeOID) { node, index in
      let entry = node.entries[index]
      let r = node.bytes
      let oid = ObjectID(try r.u64(entry.key.lowerBound))
      let xid = TransactionID(try r.u64(entry.key.lowerBound + 8))
      if let previous, (oid, xid) <= previous {
        throw ParseError(.invalid("omap keys out of order at oid \(oid) xid \(xid)"), in: "omap B-tree",
                         at: r.absolute(entry.key.lowerBound))
      }
      previous = (oid, xid)
      guard xid <= maxTransactionID, let value = entry.value, value.count >= 16 else { return }
      let mapping = Mapping(
        transactionID: xid, flags: try r.u32(value.lowerBound), size: try r.u32(value.lowerBound + 4),
        physicalAddress: PhysicalBlock(try r.u64(value.lowerBound + 8)))
      if keepingVersions { history[oid, default: []].append(mapping) }  // keys are in (oid, xid) order
      if let existing = found[oid], existing.transactionID > xid { return }
      found[oid] = mapping
    }
    mappings = found
    nodeAddresses = nodes
    versions = keepingVersions ? history : nil
  }

  /// This map as it resolved objects at transaction `xid`: per object, the newest mapping whose xid is not above
  /// `xid` (a snapshot's view). `nil` unless the map was read `keepingVersions`.
  public func bounded(to xid: TransactionID) -> ObjectMap? {
    guard let versions else { return nil }
    var copy = self
    copy.mappings = [:]
    for (oid, list) in versions {
      if let newest = list.last(where: { $0.transactionID <= xid }) { copy.mappings[oid] = newest }
    }
    copy.versions = nil
    return copy
  }

  /// The physical block of virtual object `oid`, or `nil` when unmapped or deleted.
  public func lookup(_ oid: ObjectID) -> Mapping? {
    guard let mapping = mappings[oid], !mapping.isDeleted else { return nil }
    return mapping
  }
}
