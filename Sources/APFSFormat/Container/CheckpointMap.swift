import ImageAccess

/// One checkpoint-mapping block: where the ephemeral objects of a checkpoint (space manager, reaper, ...) live.
/// On disk: `checkpoint_map_phys_t`, Apple File System Reference §Checkpoints.
public struct CheckpointMap: Sendable, Equatable {
  /// One entry. On disk: `checkpoint_mapping_t` (40 bytes).
  public struct Mapping: Sendable, Equatable {
    public var type: UInt32  // cpm_type
    public var subtype: UInt32  // cpm_subtype
    public var size: UInt32  // cpm_size
    public var volumeOID: UInt64  // cpm_fs_oid
    public var objectID: ObjectID  // cpm_oid (ephemeral)
    public var physicalAddress: PhysicalBlock  // cpm_paddr
  }

  public static let lastFlag: UInt32 = 1  // CHECKPOINT_MAP_LAST

  public var header: ObjectHeader
  public var flags: UInt32  // cpm_flags
  public var mappings: [Mapping]  // cpm_map[cpm_count]

  public init(parsing reader: ByteReader) throws(ParseError) {
    header = try ObjectHeader(parsing: reader)
    try reader.expectObjectType(.checkpointMap, structure: "checkpoint_map_phys_t")
    flags = try reader.u32(0x20)
    let count = Int(try reader.u32(0x24))
    // Check the count against the block before allocating anything.
    guard count <= (reader.count - 0x28) / 40 else {
      throw ParseError(
        .valueOutOfRange(field: "cpm_count", value: UInt64(count)), in: "checkpoint_map_phys_t",
        at: reader.absolute(0x24))
    }
    var found: [Mapping] = []
    found.reserveCapacity(count)
    for index in 0..<count {
      let at = 0x28 + 40 * index
      found.append(
        Mapping(
          type: try reader.u32(at), subtype: try reader.u32(at + 4), size: try reader.u32(at + 8),
          volumeOID: try reader.u64(at + 16), objectID: ObjectID(try reader.u64(at + 24)),
          physicalAddress: PhysicalBlock(try reader.u64(at + 32))))
    }
    mappings = found
  }

  public var isLast: Bool { flags & Self.lastFlag != 0 }
}
