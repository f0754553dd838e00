import ImageAccess

/// One B-tree node: its table of contents resolved to key and value byte ranges inside the node.
///
/// Fixed-size trees (object maps) store `kvoff_t` entries and take key/value sizes from the tree's `btree_info_t`;
/// variable-size trees (file-system trees) store `kvloc_t`. Every offset is checked against the node before use.
/// On disk: `btree_node_phys_t`, Apple File System Reference §B-Trees.
public struct BTreeNode: Sendable {
  public struct Flags: OptionSet, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let root = Flags(rawValue: 0x0001)  // BTNODE_ROOT
    public static let leaf = Flags(rawValue: 0x0002)  // BTNODE_LEAF
    public static let fixedKeyValueSize = Flags(rawValue: 0x0004)  // BTNODE_FIXED_KV_SIZE
    public static let hashed = Flags(rawValue: 0x0008)  // BTNODE_HASHED
    public static let noHeader = Flags(rawValue: 0x0010)  // BTNODE_NOHEADER
  }

  /// Key and value locations of one record, as ranges into ``bytes``. A missing value (`0xFFFF`) is `nil`.
  public struct Entry: Sendable {
    public var key: Range<Int>
    public var value: Range<Int>?
  }

  /// Tree-wide facts stored at the end of the root node. On disk: `btree_info_t` (40 bytes).
  public struct Info: Sendable, Equatable {
    public var flags: UInt32  // bt_fixed.bt_flags
    public var nodeSize: UInt32  // bt_fixed.bt_node_size
    public var keySize: UInt32  // bt_fixed.bt_key_size
    public var valueSize: UInt32  // bt_fixed.bt_val_size
    public var longestKey: UInt32  // bt_longest_key
    public var longestValue: UInt32  // bt_longest_val
    public var keyCount: UInt64  // bt_key_count
    public var nodeCount: UInt64  // bt_node_count
  }

  public static let infoSize = 40
  static let dataStart = 56  // offsetof(btree_node_phys_t, btn_data)

  public var header: ObjectHeader
  public var flags: Flags  // btn_flags
  public var level: UInt16  // btn_level
  public var entries: [Entry]  // btn_nkeys entries of the table of contents
  public var info: Info?  // present in root nodes
  /// The node's bytes, for reading keys and values by ``Entry`` ranges.
  public var bytes: ByteReader

  public var isLeaf: Bool { flags.contains(.leaf) }
  public var isRoot: Bool { flags.contains(.root) }

  /// Parses a node.
  ///
  /// - Parameters:
  ///   - fixedSizes: key and value sizes of a fixed-size tree, from the root's ``Info``; `nil` to use the root's own
  ///     info (for the root itself) or for variable-size trees.
  public init(parsing reader: ByteReader, fixedSizes: (key: Int, value: Int)? = nil) throws(ParseError) {
    let structure = "btree_node_phys_t"
    header = try ObjectHeader(parsing: reader)
    let type = header.type
    guard type == .btree || type == .btreeNode else {
      throw ParseError(
        .badMagic(expected: UInt64(ObjectType.btreeNode.rawValue), found: UInt64(type.rawValue)), in: structure,
        at: reader.absolute(24))
    }
    flags = Flags(rawValue: try reader.u16(32))
    level = try reader.u16(34)
    let keyCount = Int(try reader.u32(36))
    let tableOffset = Int(try reader.u16(40))
    let tableLength = Int(try reader.u16(42))
    bytes = reader

    let isRoot = flags.contains(.root)
    let isLeaf = flags.contains(.leaf)
    if isLeaf != (level == 0) {
      throw ParseError(
        .invalid("leaf flag \(isLeaf) disagrees with level \(level)"), in: structure, at: reader.absolute(32))
    }
    var valueAreaEnd = reader.count
    if isRoot {
      let at = reader.count - Self.infoSize
      guard at > Self.dataStart else {
        throw ParseError(.truncated(needed: Self.infoSize, available: reader.count), in: structure, at: reader.base)
      }
      info = Info(
        flags: try reader.u32(at), nodeSize: try reader.u32(at + 4), keySize: try reader.u32(at + 8),
        valueSize: try reader.u32(at + 12), longestKey: try reader.u32(at + 16),
        longestValue: try reader.u32(at + 20), keyCount: try reader.u64(at + 24), nodeCount: try reader.u64(at + 32))
      valueAreaEnd = at
    } else {
      info = nil
    }

    let tocStart = Self.dataStart + tableOffset
    let keyAreaStart = tocStart + tableLength
    guard keyAreaStart <= valueAreaEnd else {
      throw ParseError(
        .valueOutOfRange(field: "btn_table_space", value: UInt64(tableLength)), in: structure,
        at: reader.absolute(40))
    }
    let fixed = flags.contains(.fixedKeyValueSize)
    let entrySize = fixed ? 4 : 8
    guard keyCount <= tableLength / entrySize else {
      throw ParseError(
        .valueOutOfRange(field: "btn_nkeys", value: UInt64(keyCount)), in: structure, at: reader.absolute(36))
    }
    var sizes = fixedSizes
    if fixed, sizes == nil, let info {
      sizes = (Int(info.keySize), Int(info.valueSize))
    }
    if fixed, sizes == nil {
      throw ParseError(.invalid("fixed-size node without tree info"), in: structure, at: reader.base)
    }

    var found: [Entry] = []
    found.reserveCapacity(keyCount)
    for index in 0..<keyCount {
      let at = tocStart + index * entrySize
      let keyOffset: Int
      let keyLength: Int
      let valueOffset: Int
      let valueLength: Int
      if fixed, let sizes {
        keyOffset = Int(try reader.u16(at))
        valueOffset = Int(try reader.u16(at + 2))
        keyLength = sizes.key
        // Non-leaf nodes of fixed-size trees hold child object ids (oid_t) as values.
        valueLength = isLeaf ? sizes.value : 8
      } else {
        keyOffset = Int(try reader.u16(at))
        keyLength = Int(try reader.u16(at + 2))
        valueOffset = Int(try reader.u16(at + 4))
        valueLength = Int(try reader.u16(at + 6))
      }
      let keyStart = keyAreaStart + keyOffset
      guard keyStart + keyLength <= valueAreaEnd else {
        throw ParseError(
          .valueOutOfRange(field: "key offset", value: UInt64(keyOffset)), in: structure, at: reader.absolute(at))
      }
      var value: Range<Int>? = nil
      if valueOffset != 0xFFFF {
        let valueStart = valueAreaEnd - valueOffset
        guard valueOffset <= valueAreaEnd, valueStart >= keyAreaStart, valueStart + valueLength <= valueAreaEnd
        else {
          throw ParseError(
            .valueOutOfRange(field: "value offset", value: UInt64(valueOffset)), in: structure,
            at: reader.absolute(at))
        }
        value = valueStart..<(valueStart + valueLength)
      }
      found.append(Entry(key: keyStart..<(keyStart + keyLength), value: value))
    }
    entries = found
  }

  /// The child object id stored as the value of entry `index` of a non-leaf node.
  public func childID(at index: Int) throws(ParseError) -> UInt64 {
    guard let value = entries[index].value, value.count >= 8 else {
      throw ParseError(.invalid("index entry \(index) has no child pointer"), in: "btree_node_phys_t", at: bytes.base)
    }
    return try bytes.u64(value.lowerBound)
  }
}
