/// What the forge wrote, for checking a reader against it. Written as JSON next to the image (or to stdout).
public struct ForgeManifest: Codable, Sendable, Equatable {
  public struct Volume: Codable, Sendable, Equatable {
    public var index: Int  // position in nx_fs_oid
    public var name: String
    public var role: UInt16
    public var roleName: String
    public var fsFlags: UInt64  // apfs_fs_flags
    public var incompatibleFeatures: UInt64
    public var encryption: VolumeSpec.Encryption
    public var uuid: String
    public var files: Int  // apfs_num_files (regular-file inodes)
    public var directories: Int  // apfs_num_directories (root and private-dir not counted)
    public var symlinks: Int
    public var other: Int
    public var snapshots: Int
    public var hardLinkedFiles: Int
    public var xattrs: Int
    /// Regular-file count per protection class ("A", "B", "C", "D", "F"); empty on volumes without per-file keys.
    public var protectionClassFiles: [String: Int]
    public var plaintextLogicalBytes: UInt64
    public var encryptedLogicalBytes: UInt64
    public var allocatedBlocks: UInt64  // apfs_fs_alloc_count
    public var fillerPath: String?
    /// Every path written (directories end in "/"), relative to the volume root; nil when too large to list.
    public var paths: [String]?
  }

  public var tool = "ringo-forge"
  public var formatVersion = 1
  public var preset: String
  public var seed: UInt64
  public var blockSize: Int
  public var blockCount: UInt64
  public var freeBlocks: UInt64  // sm_free_count
  public var allocatedBlocks: UInt64
  public var containerUUID: String
  public var softwareCrypto: Bool
  /// The password that unlocks the ONEKEY volumes (nil when they are not really encrypted).
  public var password: String?
  public var volumes: [Volume]
  /// Block ownership runs in block order, covering the whole container.
  public var blocks: [BlockRun]
  /// What is not like a real device image, so nobody mistakes a forged sample for one.
  public var notReal: [String]
}

func uuidString(_ bytes: [UInt8]) -> String {
  let hex = bytes.map { b -> String in
    let s = String(b, radix: 16)
    return s.count == 1 ? "0" + s : s
  }
  let groups = [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }
  return groups.joined(separator: "-")
}
