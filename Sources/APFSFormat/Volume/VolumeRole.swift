/// A volume's role (`apfs_role`). An open set: unknown values still parse and reach the report as `unknown-<n>`.
/// On disk: `APFS_VOL_ROLE_*`, Apple File System Reference §Volume Roles.
public struct VolumeRole: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
  public var rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  public static let none = VolumeRole(rawValue: 0x0000)
  public static let system = VolumeRole(rawValue: 0x0001)
  public static let user = VolumeRole(rawValue: 0x0002)
  public static let recovery = VolumeRole(rawValue: 0x0004)
  public static let vm = VolumeRole(rawValue: 0x0008)
  public static let preboot = VolumeRole(rawValue: 0x0010)
  public static let installer = VolumeRole(rawValue: 0x0020)
  public static let data = VolumeRole(rawValue: 0x0040)
  public static let baseband = VolumeRole(rawValue: 0x0080)
  public static let update = VolumeRole(rawValue: 0x00C0)
  public static let xart = VolumeRole(rawValue: 0x0100)
  public static let hardware = VolumeRole(rawValue: 0x0140)
  public static let backup = VolumeRole(rawValue: 0x0180)
  public static let sidecar = VolumeRole(rawValue: 0x01C0)
  public static let reserved512 = VolumeRole(rawValue: 0x0200)
  public static let enterprise = VolumeRole(rawValue: 0x0240)
  public static let reserved640 = VolumeRole(rawValue: 0x0280)
  public static let prelogin = VolumeRole(rawValue: 0x02C0)

  static let names: [UInt16: String] = [
    0x0000: "none", 0x0001: "system", 0x0002: "user", 0x0004: "recovery", 0x0008: "vm", 0x0010: "preboot",
    0x0020: "installer", 0x0040: "data", 0x0080: "baseband", 0x00C0: "update", 0x0100: "xart", 0x0140: "hardware",
    0x0180: "backup", 0x01C0: "sidecar", 0x0200: "reserved-512", 0x0240: "enterprise", 0x0280: "reserved-640",
    0x02C0: "prelogin",
  ]

  /// The report-schema spelling: `data`, `system`, …, `reserved-512`, or `unknown-<n>`.
  public var name: String { Self.names[rawValue] ?? "unknown-\(rawValue)" }
  public var description: String { name }

  /// Roles whose volumes hold the user's own data.
  public var holdsUserData: Bool { self == .data || self == .user || self == .none }
}
