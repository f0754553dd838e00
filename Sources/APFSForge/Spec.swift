/// What a forged volume holds. Names are ASCII so that dentry hashing needs no Unicode tables.
public struct VolumeSpec: Sendable, Equatable {
  /// How file contents are protected. On disk: `apfs_fs_flags` (`APFS_FS_UNENCRYPTED`, `APFS_FS_ONEKEY`).
  public enum Encryption: String, Sendable, Codable {
    case none  // APFS_FS_UNENCRYPTED
    case perFile = "per-file"  // neither flag: iOS-style per-file keys, crypto-state records per file
    case oneKey = "onekey"  // APFS_FS_ONEKEY: FileVault-style, one volume key
  }
  /// What goes into a file's blocks.
  public enum Content: String, Sendable, Codable {
    case text, compressible, random, zero
  }

  public var name: String
  public var role: UInt16  // apfs_role
  public var encryption: Encryption
  public var caseInsensitive: Bool  // APFS_INCOMPAT_CASE_INSENSITIVE, else NORMALIZATION_INSENSITIVE
  public var topDirectories: [String]
  public var subdirectories: Int  // generated "dNNNNN" directories spread under the top directories
  public var files: Int
  public var fileSizes: ClosedRange<Int>  // logical bytes per file
  public var contents: [Content]  // cycled over files
  public var symlinks: Int
  public var hardLinks: Int  // files that get a second name (sibling links and maps)
  public var xattrEvery: Int  // every n-th file gets an extended attribute (0 = none)
  /// Protection classes cycled over the files of a per-file-encrypted volume (1 A, 2 B, 3 C, 4 D, 6 F).
  public var protectionClasses: [UInt32]
  /// Whether this volume receives the filler file that brings the container to the requested free space.
  public var holdsFiller: Bool
  public var fillerContent: Content
  /// Set `OMAP_VAL_ENCRYPTED` on the volume's object-map values, as a real encrypted volume has. The nodes are
  /// still written in plaintext, so leave this off when a reader under test should walk the tree.
  public var flagEncryptedMetadata = false

  public init(
    name: String, role: UInt16, encryption: Encryption = .none, caseInsensitive: Bool = false,
    topDirectories: [String] = [], subdirectories: Int = 0, files: Int = 0, fileSizes: ClosedRange<Int> = 1...8192,
    contents: [Content] = [.text, .compressible, .random], symlinks: Int = 0, hardLinks: Int = 0, xattrEvery: Int = 0,
    protectionClasses: [UInt32] = [], holdsFiller: Bool = false, fillerContent: Content = .zero
  ) {
    self.name = name
    self.role = role
    self.encryption = encryption
    self.caseInsensitive = caseInsensitive
    self.topDirectories = topDirectories
    self.subdirectories = subdirectories
    self.files = files
    self.fileSizes = fileSizes
    self.contents = contents
    self.symlinks = symlinks
    self.hardLinks = hardLinks
    self.xattrEvery = xattrEvery
    self.protectionClasses = protectionClasses
    self.holdsFiller = holdsFiller
    self.fillerContent = fillerContent
  }
}

/// Volume roles. On disk: `apfs_role`, Apple File System Reference §Volume Roles.
public enum VolumeRole {
  public static let none: UInt16 = 0x0000
  public static let system: UInt16 = 0x0001
  public static let user: UInt16 = 0x0002
  public static let recovery: UInt16 = 0x0004
  public static let vm: UInt16 = 0x0008
  public static let preboot: UInt16 = 0x0010
  public static let installer: UInt16 = 0x0020
  public static let data: UInt16 = 0x0040
  public static let baseband: UInt16 = 0x0080
  public static let update: UInt16 = 0x00C0
  public static let xart: UInt16 = 0x0100
  public static let hardware: UInt16 = 0x0140

  public static func name(_ role: UInt16) -> String {
    switch role {
    case none: "none"
    case system: "system"
    case user: "user"
    case recovery: "recovery"
    case vm: "vm"
    case preboot: "preboot"
    case installer: "installer"
    case data: "data"
    case baseband: "baseband"
    case update: "update"
    case xart: "xart"
    case hardware: "hardware"
    default: "0x" + String(role, radix: 16)
    }
  }
}

/// How much of the container must stay free.
public enum FreeSpaceTarget: Sendable, Equatable {
  case percent(Double)
  case bytes(UInt64)
}

/// A whole container to forge.
public struct ForgeSpec: Sendable, Equatable {
  public var preset: String
  public var blockSize: Int = 4096
  public var containerBytes: UInt64
  public var seed: UInt64
  public var freeSpace: FreeSpaceTarget?  // nil: no filler, whatever is left stays free
  /// Software encryption container flag and keybag (`NX_CRYPTO_SW`, `nx_keylocker`), for ONEKEY volumes.
  public var softwareCrypto: Bool = false
  public var volumes: [VolumeSpec]
  /// Record every path written in the manifest (turn off for very large trees).
  public var manifestPaths: Bool = true
  /// Password for ONEKEY volumes. With a password, their metadata and data are really encrypted and the keybags
  /// really unwrap to the VEK; without one, the keybag holds random bytes and nothing is encrypted.
  public var password: String? = nil

  public init(
    preset: String, containerBytes: UInt64, seed: UInt64, freeSpace: FreeSpaceTarget?, softwareCrypto: Bool = false,
    volumes: [VolumeSpec]
  ) {
    self.preset = preset
    self.containerBytes = containerBytes
    self.seed = seed
    self.freeSpace = freeSpace
    self.softwareCrypto = softwareCrypto
    self.volumes = volumes
  }

  /// The same container without software encryption: ONEKEY volumes become plain, with no keybag and no password;
  /// everything else (tree, names, sizes, contents, UUIDs, block layout of the volumes) is the same, since the
  /// forge draws them from the seed independently of encryption. Benchmarks and tests set an unlocked volume against
  /// it: the same files and bytes, read without decryption.
  public var plainTwin: ForgeSpec {
    var twin = self
    twin.softwareCrypto = false
    twin.password = nil
    for i in twin.volumes.indices where twin.volumes[i].encryption == .oneKey {
      twin.volumes[i].encryption = .none
      twin.volumes[i].flagEncryptedMetadata = false
    }
    return twin
  }
}

/// The built-in container layouts.
public enum Preset: String, CaseIterable, Sendable {
  case iosFull = "ios-full"
  case iosHealthy = "ios-healthy"
  case macos
  case onekey
  case many

  public var defaultSize: UInt64 {
    switch self {
    case .iosFull, .iosHealthy: 8 << 20
    case .macos: 2560 << 20  // five volumes: AFSR allows one volume per started 512 MiB
    case .onekey: 6 << 20
    case .many: 2 << 30
    }
  }

  public var defaultFree: FreeSpaceTarget? {
    switch self {
    case .iosFull: .percent(0.3)
    case .iosHealthy: .percent(30)
    case .macos: .percent(40)
    case .onekey, .many: nil
    }
  }

  /// The volume list; `files` overrides the file count of the main data volume.
  public func volumes(files: Int?) -> [VolumeSpec] {
    switch self {
    case .iosFull, .iosHealthy:
      return [
        VolumeSpec(
          name: "System", role: VolumeRole.system, topDirectories: ["Applications", "System", "usr", "bin"],
          subdirectories: 6, files: 40, fileSizes: 64...12000, contents: [.text, .compressible], symlinks: 4,
          xattrEvery: 5, holdsFiller: true),
        VolumeSpec(
          name: "Data", role: VolumeRole.data, encryption: .perFile,
          topDirectories: ["mobile", "root", "db", "keybags", "containers"], subdirectories: 10, files: files ?? 60,
          fileSizes: 16...16000, contents: [.random], symlinks: 3, hardLinks: 2, xattrEvery: 4,
          protectionClasses: [1, 2, 3, 3, 4, 6]),
        VolumeSpec(name: "Preboot", role: VolumeRole.preboot, topDirectories: ["boot"], files: 4, fileSizes: 64...4000),
        VolumeSpec(name: "Recovery", role: VolumeRole.recovery, files: 1, fileSizes: 64...2000),
        VolumeSpec(name: "VM", role: VolumeRole.vm, files: 0),
        VolumeSpec(name: "Update", role: VolumeRole.update, topDirectories: ["Update"], files: 2, fileSizes: 64...2000),
        VolumeSpec(name: "xART", role: VolumeRole.xart, files: 2, fileSizes: 32...512, contents: [.random]),
        VolumeSpec(name: "Hardware", role: VolumeRole.hardware, files: 3, fileSizes: 32...2048),
        VolumeSpec(
          name: "Baseband Data", role: VolumeRole.baseband, files: 2, fileSizes: 32...2048,
          contents: [.compressible]),
      ]
    case .macos:
      return [
        VolumeSpec(
          name: "Macintosh HD", role: VolumeRole.system, caseInsensitive: true,
          topDirectories: ["Applications", "Library", "System", "usr"], subdirectories: 4, files: 24,
          fileSizes: 64...12000, contents: [.text, .compressible], symlinks: 2, xattrEvery: 6),
        VolumeSpec(
          name: "Macintosh HD - Data", role: VolumeRole.data, caseInsensitive: true,
          topDirectories: ["Users", "Library", "private"], subdirectories: 8, files: files ?? 60,
          fileSizes: 1...16000, symlinks: 3, hardLinks: 2, xattrEvery: 3, holdsFiller: true),
        VolumeSpec(name: "Preboot", role: VolumeRole.preboot, caseInsensitive: true, files: 2, fileSizes: 64...4000),
        VolumeSpec(name: "Recovery", role: VolumeRole.recovery, caseInsensitive: true, files: 1),
        VolumeSpec(name: "VM", role: VolumeRole.vm, caseInsensitive: true, files: 0),
      ]
    case .onekey:
      return [
        VolumeSpec(
          name: "Encrypted HD", role: VolumeRole.none, encryption: .oneKey, caseInsensitive: true,
          topDirectories: ["Users", "Library"], subdirectories: 4, files: files ?? 30, fileSizes: 1...12000,
          contents: [.text, .random], symlinks: 2, hardLinks: 1, xattrEvery: 4, holdsFiller: true,
          fillerContent: .random)
      ]
    case .many:
      return [
        VolumeSpec(
          name: "Many", role: VolumeRole.none, caseInsensitive: true, topDirectories: ["many"],
          subdirectories: max(1, (files ?? 1_000_000) / 1000), files: files ?? 1_000_000, fileSizes: 0...0,
          contents: [.zero], xattrEvery: 10, holdsFiller: true)
      ]
    }
  }

  public func spec(seed: UInt64, size: UInt64?, free: FreeSpaceTarget??, files: Int?) -> ForgeSpec {
    var spec = ForgeSpec(
      preset: rawValue, containerBytes: size ?? defaultSize, seed: seed, freeSpace: free ?? defaultFree,
      softwareCrypto: self == .onekey, volumes: volumes(files: files))
    if self == .many { spec.manifestPaths = false }
    if self == .onekey { spec.password = "ringo-forge" }
    return spec
  }
}
