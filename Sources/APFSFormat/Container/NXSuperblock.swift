import ImageAccess

/// The container superblock.
///
/// Parsing checks the magic and the block size. It does not check the checksum (call
/// ``ImageAccess/ByteReader/verifyObjectChecksum(structure:)``): checkpoint recovery keeps superblocks whose checksum
/// is bad so the report can say which one was skipped and why. On disk: `nx_superblock_t`, Apple File System Reference
/// §Container.
public struct NXSuperblock: Sendable, Equatable {
  public static let magic: UInt32 = 0x4253_584E  // "NXSB"
  public static let maxFileSystems = 100

  public var header: ObjectHeader  // nx_o
  public var blockSize: UInt32  // nx_block_size
  public var blockCount: UInt64  // nx_block_count
  public var features: UInt64  // nx_features
  public var readOnlyCompatibleFeatures: UInt64  // nx_readonly_compatible_features
  public var incompatibleFeatures: UInt64  // nx_incompatible_features
  public var uuid: UUIDBytes  // nx_uuid
  public var nextObjectID: UInt64  // nx_next_oid
  public var nextTransactionID: UInt64  // nx_next_xid
  public var checkpointDescriptorBlocks: UInt32  // nx_xp_desc_blocks (bit 31: area is a B-tree)
  public var checkpointDataBlocks: UInt32  // nx_xp_data_blocks
  public var checkpointDescriptorBase: UInt64  // nx_xp_desc_base
  public var checkpointDataBase: UInt64  // nx_xp_data_base
  public var checkpointDescriptorNext: UInt32  // nx_xp_desc_next
  public var checkpointDataNext: UInt32  // nx_xp_data_next
  public var checkpointDescriptorIndex: UInt32  // nx_xp_desc_index
  public var checkpointDescriptorLength: UInt32  // nx_xp_desc_len
  public var checkpointDataIndex: UInt32  // nx_xp_data_index
  public var checkpointDataLength: UInt32  // nx_xp_data_len
  public var spacemanOID: ObjectID  // nx_spaceman_oid (ephemeral)
  public var objectMapOID: PhysicalBlock  // nx_omap_oid (a physical object: its oid is its block)
  public var reaperOID: UInt64  // nx_reaper_oid (ephemeral)
  public var maxFileSystemCount: UInt32  // nx_max_file_systems
  public var volumeOIDs: [ObjectID]  // nx_fs_oid[100], zeros dropped (virtual)
  public var flags: UInt64  // nx_flags (NX_CRYPTO_SW 0x4)
  public var efiJumpstart: UInt64  // nx_efi_jumpstart
  public var keylockerBlock: UInt64  // nx_keylocker.pr_start_paddr
  public var keylockerBlockCount: UInt64  // nx_keylocker.pr_block_count
  public var mediaKeybagBlock: UInt64  // nx_mkb_locker.pr_start_paddr
  public var mediaKeybagBlockCount: UInt64  // nx_mkb_locker.pr_block_count

  public init(parsing reader: ByteReader) throws(ParseError) {
    header = try ObjectHeader(parsing: reader)
    let found = try reader.u32(0x20)
    guard found == Self.magic else {
      throw ParseError(
        .badMagic(expected: UInt64(Self.magic), found: UInt64(found)), in: "nx_superblock_t",
        at: reader.absolute(0x20))
    }
    blockSize = try reader.u32(0x24)
    guard blockSize >= 4096, blockSize <= 65536, blockSize.nonzeroBitCount == 1 else {
      throw ParseError(
        .valueOutOfRange(field: "nx_block_size", value: UInt64(blockSize)), in: "nx_superblock_t",
        at: reader.absolute(0x24))
    }
    blockCount = try reader.u64(0x28)
    features = try reader.u64(0x30)
    readOnlyCompatibleFeatures = try reader.u64(0x38)
    incompatibleFeatures = try reader.u64(0x40)
    uuid = try reader.uuid(0x48)
    nextObjectID = try reader.u64(0x58)
    nextTransactionID = try reader.u64(0x60)
    checkpointDescriptorBlocks = try reader.u32(0x68)
    checkpointDataBlocks = try reader.u32(0x6C)
    checkpointDescriptorBase = try reader.u64(0x70)
    checkpointDataBase = try reader.u64(0x78)
    checkpointDescriptorNext = try reader.u32(0x80)
    checkpointDataNext = try reader.u32(0x84)
    checkpointDescriptorIndex = try reader.u32(0x88)
    checkpointDescriptorLength = try reader.u32(0x8C)
    checkpointDataIndex = try reader.u32(0x90)
    checkpointDataLength = try reader.u32(0x94)
    spacemanOID = ObjectID(try reader.u64(0x98))
    objectMapOID = PhysicalBlock(try reader.u64(0xA0))
    reaperOID = try reader.u64(0xA8)
    maxFileSystemCount = try reader.u32(0xB4)
    var oids: [ObjectID] = []
    for index in 0..<Self.maxFileSystems {
      let oid = try reader.u64(0xB8 + 8 * index)
      if oid != 0 { oids.append(ObjectID(oid)) }
    }
    volumeOIDs = oids
    flags = try reader.u64(0x4F0)
    efiJumpstart = try reader.u64(0x4F8)
    keylockerBlock = try reader.u64(0x510)
    keylockerBlockCount = try reader.u64(0x518)
    mediaKeybagBlock = try reader.u64(0x570)
    mediaKeybagBlockCount = try reader.u64(0x578)
  }

  public var transactionID: UInt64 { header.transactionID }
  /// `NX_CRYPTO_SW`: the container uses software encryption (macOS FileVault on a non-hardware-encrypted disk).
  public var usesSoftwareCrypto: Bool { flags & 0x4 != 0 }
  /// `NX_INCOMPAT_FUSION`.
  public var isFusion: Bool { incompatibleFeatures & 0x100 != 0 }
  /// True when the checkpoint descriptor area is a B-tree rather than a ring of blocks.
  public var descriptorAreaIsTree: Bool { checkpointDescriptorBlocks & 0x8000_0000 != 0 }
  public var descriptorAreaBlockCount: UInt32 { checkpointDescriptorBlocks & 0x7FFF_FFFF }
  public var dataAreaIsTree: Bool { checkpointDataBlocks & 0x8000_0000 != 0 }
  public var dataAreaBlockCount: UInt32 { checkpointDataBlocks & 0x7FFF_FFFF }
}
