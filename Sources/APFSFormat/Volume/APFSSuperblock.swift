import ImageAccess

/// A volume superblock. On disk: `apfs_superblock_t` (magic `APSB`), Apple File System Reference §Volumes. Offsets
/// follow the Reference; libfsapfs's documentation is 4 bytes off from 0x80 onward (apfs-notes §0.4).
public struct APFSSuperblock: Sendable, Equatable {
  public static let magic: UInt32 = 0x4253_5041  // "APSB"

  public var header: ObjectHeader  // apfs_o
  public var fileSystemIndex: UInt32  // apfs_fs_index
  public var features: UInt64  // apfs_features
  public var readOnlyCompatibleFeatures: UInt64  // apfs_readonly_compatible_features
  public var incompatibleFeatures: IncompatibleFeatures  // apfs_incompatible_features
  public var unmountTime: UInt64  // apfs_unmount_time
  public var reserveBlockCount: UInt64  // apfs_fs_reserve_block_count
  public var quotaBlockCount: UInt64  // apfs_fs_quota_block_count
  public var allocatedBlockCount: UInt64  // apfs_fs_alloc_count
  public var metaCryptoMajorVersion: UInt16  // apfs_meta_crypto.major_version
  public var metaCryptoProtectionClass: UInt32  // apfs_meta_crypto.persistent_class
  public var rootTreeType: UInt32  // apfs_root_tree_type
  public var extentRefTreeType: UInt32  // apfs_extentref_tree_type
  public var snapshotMetaTreeType: UInt32  // apfs_snap_meta_tree_type
  public var objectMapOID: PhysicalBlock  // apfs_omap_oid (a physical object: its oid is its block)
  public var rootTreeOID: ObjectID  // apfs_root_tree_oid (virtual)
  public var extentRefTreeOID: UInt64  // apfs_extentref_tree_oid
  public var snapshotMetaTreeOID: UInt64  // apfs_snap_meta_tree_oid
  public var nextObjectID: UInt64  // apfs_next_obj_id
  public var fileCount: UInt64  // apfs_num_files
  public var directoryCount: UInt64  // apfs_num_directories
  public var symlinkCount: UInt64  // apfs_num_symlinks
  public var otherObjectCount: UInt64  // apfs_num_other_fsobjects
  public var snapshotCount: UInt64  // apfs_num_snapshots
  public var totalBlocksAllocated: UInt64  // apfs_total_blocks_alloced
  public var totalBlocksFreed: UInt64  // apfs_total_blocks_freed
  public var uuid: UUIDBytes  // apfs_vol_uuid
  public var lastModifiedTime: UInt64  // apfs_last_mod_time
  public var flags: VolumeFlags  // apfs_fs_flags
  public var formattedBy: String  // apfs_formatted_by.id
  public var name: String  // apfs_volname
  public var role: VolumeRole  // apfs_role
  public var volumeGroupID: UUIDBytes  // apfs_volume_group_id

  public init(parsing reader: ByteReader) throws(ParseError) {
    header = try ObjectHeader(parsing: reader)
    let found = try reader.u32(0x20)
    guard found == Self.magic else {
      throw ParseError(
        .badMagic(expected: UInt64(Self.magic), found: UInt64(found)), in: "apfs_superblock_t",
        at: reader.absolute(0x20))
    }
    fileSystemIndex = try reader.u32(0x24)
    features = try reader.u64(0x28)
    readOnlyCompatibleFeatures = try reader.u64(0x30)
    incompatibleFeatures = IncompatibleFeatures(rawValue: try reader.u64(0x38))
    unmountTime = try reader.u64(0x40)
    reserveBlockCount = try reader.u64(0x48)
    quotaBlockCount = try reader.u64(0x50)
    allocatedBlockCount = try reader.u64(0x58)
    metaCryptoMajorVersion = try reader.u16(0x60)
    metaCryptoProtectionClass = try reader.u32(0x68)
    rootTreeType = try reader.u32(0x74)
    extentRefTreeType = try reader.u32(0x78)
    snapshotMetaTreeType = try reader.u32(0x7C)
    objectMapOID = PhysicalBlock(try reader.u64(0x80))
    rootTreeOID = ObjectID(try reader.u64(0x88))
    extentRefTreeOID = try reader.u64(0x90)
    snapshotMetaTreeOID = try reader.u64(0x98)
    nextObjectID = try reader.u64(0xB0)
    fileCount = try reader.u64(0xB8)
    directoryCount = try reader.u64(0xC0)
    symlinkCount = try reader.u64(0xC8)
    otherObjectCount = try reader.u64(0xD0)
    snapshotCount = try reader.u64(0xD8)
    totalBlocksAllocated = try reader.u64(0xE0)
    totalBlocksFreed = try reader.u64(0xE8)
    uuid = try reader.uuid(0xF0)
    lastModifiedTime = try reader.u64(0x100)
    flags = VolumeFlags(rawValue: try reader.u64(0x108))
    formattedBy = try reader.cString(0x110, maxLength: 32)
    name = try reader.cString(0x2C0, maxLength: 256)
    role = VolumeRole(rawValue: try reader.u16(0x3C4))
    volumeGroupID = try reader.uuid(0x3F0)
  }

  /// How the volume's contents are encrypted, from `apfs_fs_flags` (report-schema `encryption`).
  public var encryption: EncryptionStyle {
    if flags.contains(.unencrypted) { return .none }
    if flags.contains(.onekey) { return .onekey }
    return .perFile
  }

  /// Case-sensitive unless `APFS_INCOMPAT_CASE_INSENSITIVE` is set.
  public var isCaseSensitive: Bool { !incompatibleFeatures.contains(.caseInsensitive) }
}

/// `apfs_fs_flags` bits.
public struct VolumeFlags: OptionSet, Sendable, Hashable {
  public var rawValue: UInt64
  public init(rawValue: UInt64) { self.rawValue = rawValue }
  public static let unencrypted = VolumeFlags(rawValue: 0x1)  // APFS_FS_UNENCRYPTED
  public static let effaceable = VolumeFlags(rawValue: 0x2)  // APFS_FS_RESERVED_2
  public static let onekey = VolumeFlags(rawValue: 0x8)  // APFS_FS_ONEKEY
  public static let spilledOver = VolumeFlags(rawValue: 0x10)  // APFS_FS_SPILLEDOVER
  public static let runSpilloverCleaner = VolumeFlags(rawValue: 0x20)
  public static let alwaysCheckExtentRef = VolumeFlags(rawValue: 0x40)
  public static let previouslySealed = VolumeFlags(rawValue: 0x80)
  public static let pfk = VolumeFlags(rawValue: 0x100)

  public var names: [String] {
    let table: [(VolumeFlags, String)] = [
      (.unencrypted, "UNENCRYPTED"), (.effaceable, "EFFACEABLE"), (.onekey, "ONEKEY"),
      (.spilledOver, "SPILLEDOVER"), (.runSpilloverCleaner, "RUN_SPILLOVER_CLEANER"),
      (.alwaysCheckExtentRef, "ALWAYS_CHECK_EXTENTREF"), (.previouslySealed, "PREVIOUSLY_SEALED"), (.pfk, "PFK"),
    ]
    return table.filter { contains($0.0) }.map(\.1)
  }
}

/// `apfs_incompatible_features` bits.
public struct IncompatibleFeatures: OptionSet, Sendable, Hashable {
  public var rawValue: UInt64
  public init(rawValue: UInt64) { self.rawValue = rawValue }
  public static let caseInsensitive = IncompatibleFeatures(rawValue: 0x1)
  public static let datalessSnapshots = IncompatibleFeatures(rawValue: 0x2)
  public static let encryptionRolled = IncompatibleFeatures(rawValue: 0x4)
  public static let normalizationInsensitive = IncompatibleFeatures(rawValue: 0x8)
  public static let incompleteRestore = IncompatibleFeatures(rawValue: 0x10)
  public static let sealedVolume = IncompatibleFeatures(rawValue: 0x20)
}

/// The report-schema `encryption` values.
public enum EncryptionStyle: String, Sendable, Codable {
  case none
  case onekey
  case perFile = "per-file"
}
