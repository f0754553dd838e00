import ImageAccess
import Crypto
import DiskImageTestSupport
import Foundation
import IPSWFormat

/// Builds small IPSW-shaped archives: BuildManifest.plist and Restore.plist (XML or binary), firmware files with
/// correct (or deliberately wrong) digests, a kernelcache IM4P, and root filesystem DMG entries (sparse zeros).
public struct IPSWBuilder {
  public struct File {
    public var path: String
    public var bytes: [UInt8]
    public var deflate: Bool
    public init(path: String, bytes: [UInt8], deflate: Bool = false) {
      self.path = path
      self.bytes = bytes
      self.deflate = deflate
    }
  }

  public var productVersion = "17.4"
  public var build = "21E219"
  public var productTypes = ["iPhone13,2"]
  public var binaryPlists = false
  public var forceZIP64 = false
  /// Component name → file; each is listed in every identity with its SHA-384 (unless in ``wrongDigests``).
  public var components: [(name: String, file: File)] = []
  public var wrongDigests: Set<String> = []
  /// Components listed in the manifest whose file is left out of the archive.
  public var missingFiles: Set<String> = []
  /// Root filesystem DMG name and size (written as a sparse hole).
  public var rootFilesystem: (name: String, size: UInt64)? = ("096-12345-001.dmg", 1 << 20)
  /// Real bytes for the root filesystem entry (e.g. a fixture DMG) instead of a sparse hole.
  public var rootFilesystemBytes: [UInt8]?
  public var extraFiles: [File] = []
  public var minimumSystemPartitionMiB = 9000
  public var padding: [Int: Int] = [16: 260, 32: 320, 64: 640, 128: 1280]
  /// Extra small entries (for scale: real IPSWs have hundreds of firmware files).
  public var fillerCount = 0

  public init() {}

  /// The manifest dictionary as written.
  public func manifestDictionary() -> [String: Any] {
    func manifest() -> [String: Any] {
      var m: [String: Any] = [:]
      for (name, file) in components {
        var digest = Array(SHA384.hash(data: file.bytes))
        if wrongDigests.contains(name) { digest[0] ^= 0xFF }
        m[name] = [
          "Digest": Data(digest), "Trusted": true,
          "Info": ["Path": file.path, "Personalize": true, "IsFirmwarePayload": false] as [String: Any],
        ] as [String: Any]
      }
      if let root = rootFilesystem {
        m["OS"] = ["Info": ["Path": root.name, "IsFUDFirmware": false] as [String: Any]] as [String: Any]
      }
      return m
    }
    func identity(variant: String, behavior: String) -> [String: Any] {
      [
        "ApBoardID": "0x0C", "ApChipID": "0x8101", "ApSecurityDomain": "0x01", "Ap,ProductType": productTypes[0],
        "Info": [
          "BuildNumber": build, "DeviceClass": "d53gap", "Variant": variant, "RestoreBehavior": behavior,
          "MinimumSystemPartition": minimumSystemPartitionMiB,
          "SystemPartitionPadding": Dictionary(uniqueKeysWithValues: padding.map { (String($0.key), $0.value) }),
        ] as [String: Any],
        "Manifest": manifest(),
      ]
    }
    return [
      "ManifestVersion": 1, "ProductVersion": productVersion, "ProductBuildVersion": build,
      "SupportedProductTypes": productTypes,
      "BuildIdentities": [
        identity(variant: "Customer Erase Install (IPSW)", behavior: "Erase"),
        identity(variant: "Customer Upgrade Install (IPSW)", behavior: "Update"),
      ],
    ]
  }

  public func restoreDictionary() -> [String: Any] {
    [
      "ProductType": productTypes[0], "ProductVersion": productVersion, "ProductBuildVersion": build,
      "DeviceMap": [["BDID": 12, "BoardConfig": "d53gap", "CPID": 0x8101, "Platform": "t8101"]],
      "SupportedProductTypes": productTypes,
      "MinimumSystemPartition": [(rootFilesystem?.name ?? "none.dmg"): minimumSystemPartitionMiB],
      "SystemPartitionPadding": ["d53g": Dictionary(uniqueKeysWithValues: padding.map { (String($0.key), $0.value) })],
      "SystemRestoreImages": ["User": rootFilesystem?.name ?? "none.dmg"],
    ]
  }

  public func plist(_ value: [String: Any]) throws -> [UInt8] {
    [UInt8](
      try PropertyListSerialization.data(fromPropertyList: value, format: binaryPlists ? .binary : .xml, options: 0))
  }

  /// Writes the archive at `path`.
  @discardableResult
  public func write(to path: String) throws -> ZIPWriter.Layout {
    let w = try ZIPWriter(path: path, forceZIP64: forceZIP64)
    func add(_ file: File, descriptor: Bool = false) throws {
      if file.deflate {
        try w.add(
          file.path, .deflated(compressed: Compressors.deflate(file.bytes), uncompressedSize: UInt64(file.bytes.count),
            crc32: CRC32.checksum(file.bytes)), dataDescriptor: descriptor)
      } else {
        try w.add(file.path, .stored(file.bytes), dataDescriptor: descriptor)
      }
    }
    try add(File(path: "BuildManifest.plist", bytes: plist(manifestDictionary()), deflate: true))
    try add(File(path: "Restore.plist", bytes: plist(restoreDictionary()), deflate: true), descriptor: true)
    for (name, file) in components where !missingFiles.contains(name) { try add(file) }
    for file in extraFiles { try add(file) }
    for i in 0..<fillerCount {
      let im4p = DERBuilder.im4p(type: "fill", description: "filler \(i)", payload: Array("payload \(i)".utf8))
      try w.add("Firmware/all_flash/filler\(i).im4p", .stored(im4p))
    }
    if let root = rootFilesystem {
      if let bytes = rootFilesystemBytes { try w.add(root.name, .stored(bytes)) } else {
        try w.add(root.name, .zeros(root.size))
      }
    }
    return try w.finish()
  }
}
