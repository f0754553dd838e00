/// Object types and flags used by the forge. On disk: `o_type`/`o_subtype`, Apple File System Reference §Objects.
enum ObjectType {
  static let nxSuperblock: UInt32 = 0x01
  static let btree: UInt32 = 0x02
  static let btreeNode: UInt32 = 0x03
  static let spaceman: UInt32 = 0x05
  static let spacemanCIB: UInt32 = 0x07
  static let freeQueue: UInt32 = 0x09
  static let omap: UInt32 = 0x0B
  static let checkpointMap: UInt32 = 0x0C
  static let fs: UInt32 = 0x0D
  static let fsTree: UInt32 = 0x0E
  static let blockRefTree: UInt32 = 0x0F
  static let snapMetaTree: UInt32 = 0x10
  static let reaper: UInt32 = 0x11
  static let containerKeybag: UInt32 = 0x6B65_7973  // "keys"
  static let volumeKeybag: UInt32 = 0x7265_6373  // "recs"
  static let virtual: UInt32 = 0
  static let ephemeral: UInt32 = 0x8000_0000
  static let physical: UInt32 = 0x4000_0000
}

/// How a tree's nodes are addressed and what their table of contents looks like.
struct BTreeShape {
  enum Addressing { case physical, virtual }
  var subtype: UInt32
  var addressing: Addressing
  /// Fixed key and leaf value sizes (omap: 16/16); nil for variable-size records.
  var fixedKeySize: Int?
  var fixedValueSize: Int?
  var infoFlags: UInt32  // bt_flags of btree_info_t
  var owner: BlockOwner

  static let omap = BTreeShape(
    subtype: ObjectType.omap, addressing: .physical, fixedKeySize: 16, fixedValueSize: 16,
    infoFlags: 0x10 /* PHYSICAL */, owner: .volumeMetadata)
  static let fsTree = BTreeShape(
    subtype: ObjectType.fsTree, addressing: .virtual, fixedKeySize: nil, fixedValueSize: nil,
    infoFlags: 0x40 /* KV_NONALIGNED */, owner: .volumeMetadata)
  static let extentRef = BTreeShape(
    subtype: ObjectType.blockRefTree, addressing: .physical, fixedKeySize: nil, fixedValueSize: nil,
    infoFlags: 0x10 | 0x40, owner: .volumeMetadata)
  static let snapMeta = BTreeShape(
    subtype: ObjectType.snapMetaTree, addressing: .physical, fixedKeySize: nil, fixedValueSize: nil,
    infoFlags: 0x10 | 0x40, owner: .volumeMetadata)
}

/// Shared state a tree builder needs: where blocks come from and where they go.
final class ForgeContext {
  let sink: ImageSink
  var allocator: BlockAllocator
  let blockSize: Int
  var nextVirtualOID: UInt64
  let xid: UInt64 = 1

  init(sink: ImageSink, allocator: BlockAllocator, firstVirtualOID: UInt64) {
    self.sink = sink
    self.allocator = allocator
    blockSize = sink.blockSize
    nextVirtualOID = firstVirtualOID
  }

  func takeVirtualOID() -> UInt64 {
    defer { nextVirtualOID += 1 }
    return nextVirtualOID
  }
}

/// Builds a B-tree bottom-up from records supplied in key order, writing each node as soon as it is full.
///
/// Memory stays bounded by one open node per level, so trees with millions of records stream to disk. Every node
/// keeps room for the 40-byte `btree_info_t` footer, so whichever node ends up alone on the top level can become the
/// root without being split. On disk: `btree_node_phys_t`, `btree_info_t`, Apple File System Reference §B-Trees.
final class BTreeBuilder {
  struct Record {
    var key: [UInt8]
    var value: [UInt8]
  }

  private struct Level {
    var records: [Record] = []
    var keyBytes = 0
    var valueBytes = 0
    var held: [Record]? = nil  // a full node waiting to learn whether it is the root
    var nodesWritten = 0
  }

  let shape: BTreeShape
  let context: ForgeContext
  let volume: Int?
  private var levels: [Level] = [Level()]
  private(set) var keyCount: UInt64 = 0
  private(set) var nodeCount: UInt64 = 0
  private var longestKey = 0
  private var longestValue = 0
  /// (virtual oid, physical block) of every node written, in oid order, for the volume's object map.
  private(set) var mappings: [(oid: UInt64, paddr: UInt64)] = []
  private(set) var rootAddress: UInt64 = 0  // paddr (physical) or virtual oid
  private(set) var rootBlock: UInt64 = 0
  private var lastKey: [UInt8]? = nil
  let compare: ([UInt8], [UInt8]) -> Bool  // strict "less than", used to assert the caller's order
  /// Set OBJ_ENCRYPTED in every node header (file-system trees of encrypted volumes whose omap says so).
  var markEncrypted = false
  /// Encrypts every node with AES-XTS, tweak = the node's first 512-byte sector (ONEKEY volumes).
  var cipher: XTS128? = nil

  init(shape: BTreeShape, context: ForgeContext, volume: Int?, less: @escaping ([UInt8], [UInt8]) -> Bool) {
    self.shape = shape
    self.context = context
    self.volume = volume
    compare = less
  }

  private var blockSize: Int { context.blockSize }
  private static let headerSize = 56
  private static let footerSize = 40

  private func tocEntrySize() -> Int { shape.fixedKeySize == nil ? 8 : 4 }

  /// Table-of-contents length: fixed-size trees preallocate the whole table (apfsck checks the minimum).
  private func tocLength(count: Int, leaf: Bool) -> Int {
    if let k = shape.fixedKeySize, let v = shape.fixedValueSize {
      let valueSize = leaf ? v : 8
      return (blockSize - Self.headerSize) / (k + valueSize + 4) * 4
    }
    return max(count, 1) * 8
  }

  private func fits(_ level: Level, adding record: Record, leaf: Bool) -> Bool {
    let count = level.records.count + 1
    let used =
      Self.headerSize + tocLength(count: count, leaf: leaf) + level.keyBytes + record.key.count + level.valueBytes
      + record.value.count + Self.footerSize
    return used <= blockSize
  }

  /// Adds one leaf record; records must arrive in strictly increasing key order.
  func append(key: [UInt8], value: [UInt8]) throws(ForgeError) {
    if let last = lastKey {
      precondition(compare(last, key), "forge bug: B-tree records out of order")
    }
    lastKey = key
    keyCount += 1
    longestKey = max(longestKey, key.count)
    longestValue = max(longestValue, value.count)
    try add(Record(key: key, value: value), level: 0)
  }

  private func add(_ record: Record, level: Int) throws(ForgeError) {
    if level == levels.count { levels.append(Level()) }
    longestKey = max(longestKey, record.key.count)
    if !levels[level].records.isEmpty && !fits(levels[level], adding: record, leaf: level == 0) {
      try close(level: level)
    }
    precondition(fits(levels[level], adding: record, leaf: level == 0), "forge bug: record larger than a node")
    levels[level].records.append(record)
    levels[level].keyBytes += record.key.count
    levels[level].valueBytes += record.value.count
  }

  /// Moves the open node of `level` to the held slot, writing the previously held node as a non-root.
  private func close(level: Int) throws(ForgeError) {
    if let held = levels[level].held {
      try writeNode(held, level: level, isRoot: false)
    }
    levels[level].held = levels[level].records
    levels[level].records = []
    levels[level].keyBytes = 0
    levels[level].valueBytes = 0
  }

  /// Writes all remaining nodes and the root; returns the root's address (paddr or virtual oid).
  @discardableResult
  func finish() throws(ForgeError) -> UInt64 {
    var level = 0
    while true {
      if !levels[level].records.isEmpty || levels[level].held == nil { try close(level: level) }
      let held = levels[level].held ?? []
      levels[level].held = nil
      let isTop = levels[level].nodesWritten == 0 && (level + 1 >= levels.count || isEmpty(level + 1))
      if isTop {
        try writeNode(held, level: level, isRoot: true)
        return rootAddress
      }
      try writeNode(held, level: level, isRoot: false)
      level += 1
    }
  }

  private func isEmpty(_ level: Int) -> Bool {
    levels[level].records.isEmpty && levels[level].held == nil && levels[level].nodesWritten == 0
  }

  private func writeNode(_ records: [Record], level: Int, isRoot: Bool) throws(ForgeError) {
    let leaf = level == 0
    let paddr = try context.allocator.allocate(1, shape.owner, volume: volume)
    let oid: UInt64
    switch shape.addressing {
    case .physical: oid = paddr
    case .virtual:
      oid = context.takeVirtualOID()
      mappings.append((oid, paddr))
    }
    nodeCount += 1
    levels[level].nodesWritten += 1

    var node = BlockBuffer(size: blockSize)
    var flags: UInt16 = leaf ? 2 : 0
    if isRoot { flags |= 1 }
    if shape.fixedKeySize != nil { flags |= 4 }
    let toc = tocLength(count: records.count, leaf: leaf)
    let keyStart = Self.headerSize + toc
    let valueEnd = blockSize - (isRoot ? Self.footerSize : 0)
    var keyOffset = 0
    var valueOffset = 0
    for (i, r) in records.enumerated() {
      node.put(bytes: r.key, at: keyStart + keyOffset)
      valueOffset += r.value.count
      node.put(bytes: r.value, at: valueEnd - valueOffset)
      if shape.fixedKeySize != nil {
        node.put(UInt16(keyOffset), at: Self.headerSize + 4 * i)
        node.put(UInt16(valueOffset), at: Self.headerSize + 4 * i + 2)
      } else {
        node.put(UInt16(keyOffset), at: Self.headerSize + 8 * i)
        node.put(UInt16(r.key.count), at: Self.headerSize + 8 * i + 2)
        node.put(UInt16(valueOffset), at: Self.headerSize + 8 * i + 4)
        node.put(UInt16(r.value.count), at: Self.headerSize + 8 * i + 6)
      }
      keyOffset += r.key.count
    }
    node.put(flags, at: 32)  // btn_flags
    node.put(UInt16(level), at: 34)  // btn_level
    node.put(UInt32(records.count), at: 36)  // btn_nkeys
    node.put(UInt16(0), at: 40)  // btn_table_space.off
    node.put(UInt16(toc), at: 42)  // btn_table_space.len
    node.put(UInt16(keyOffset), at: 44)  // btn_free_space.off
    node.put(UInt16(valueEnd - keyStart - keyOffset - valueOffset), at: 46)  // btn_free_space.len
    node.put(UInt16(0xFFFF), at: 48)  // btn_key_free_list.off = BTOFF_INVALID
    node.put(UInt16(0xFFFF), at: 52)  // btn_val_free_list.off
    if isRoot {
      let info = blockSize - Self.footerSize
      node.put(shape.infoFlags, at: info)  // bt_fixed.bt_flags
      node.put(UInt32(blockSize), at: info + 4)  // bt_node_size
      node.put(UInt32(shape.fixedKeySize ?? 0), at: info + 8)  // bt_key_size
      node.put(UInt32(shape.fixedValueSize ?? 0), at: info + 12)  // bt_val_size
      node.put(UInt32(shape.fixedKeySize ?? longestKey), at: info + 16)  // bt_longest_key
      node.put(UInt32(shape.fixedValueSize ?? longestValue), at: info + 20)  // bt_longest_val
      node.put(keyCount, at: info + 24)  // bt_key_count
      node.put(nodeCount, at: info + 32)  // bt_node_count
      rootAddress = oid
      rootBlock = paddr
    }
    var storage: UInt32 = shape.addressing == .physical ? ObjectType.physical : ObjectType.virtual
    if markEncrypted { storage |= 0x1000_0000 }  // OBJ_ENCRYPTED
    node.sealObject(
      oid: oid, xid: context.xid, type: (isRoot ? ObjectType.btree : ObjectType.btreeNode) | storage,
      subtype: shape.subtype)
    if let cipher, !context.sink.isDryRun {
      try cipher.encrypt(&node.bytes, firstSector: paddr * UInt64(blockSize / 512))
    }
    try context.sink.write(node.bytes, atBlock: paddr)
    if !isRoot, let first = records.first {
      var pointer = BlockBuffer(size: 8)
      pointer.put(oid, at: 0)
      try add(Record(key: first.key, value: pointer.bytes), level: level + 1)
    }
  }
}
