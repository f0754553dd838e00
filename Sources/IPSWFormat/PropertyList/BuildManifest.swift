import ImageAccess

/// One firmware component named by a build identity: where it is in the IPSW and its expected digest.
/// In the plist: `BuildIdentities[i].Manifest.<name>` with `Digest`, `Trusted`, `Info.Path`, `Info.Personalize`.
public struct ManifestComponent: Sendable, Equatable {
  public var name: String  // e.g. KernelCache, OS, RestoreRamDisk
  public var path: String?  // Info.Path, relative to the archive root
  public var digest: [UInt8]?  // Digest (SHA-384 = 48 bytes, SHA-1 = 20 bytes on old builds)
  public var trusted: Bool?  // Trusted
  public var personalize: Bool?  // Info.Personalize

  public init(name: String, path: String?, digest: [UInt8]?, trusted: Bool?, personalize: Bool?) {
    (self.name, self.path, self.digest, self.trusted, self.personalize) = (name, path, digest, trusted, personalize)
  }
}

/// One way of installing the build on one device: board/chip, variant, behaviour, sizes, and its components.
/// In the plist: `BuildIdentities[i]` with `ApBoardID`, `ApChipID`, `ApSecurityDomain`, `Info` {...}, `Manifest` {...}.
public struct BuildIdentity: Sendable, Equatable {
  public var index: Int
  public var boardID: Int?  // ApBoardID ("0x0E")
  public var chipID: Int?  // ApChipID ("0x8015")
  public var securityDomain: Int?  // ApSecurityDomain
  public var productType: String?  // Ap,ProductType
  public var productMarketingVersion: String?  // Ap,ProductMarketingVersion
  public var variant: String?  // Info.Variant, e.g. "Customer Erase Install (IPSW)"
  public var restoreBehavior: String?  // Info.RestoreBehavior: Erase / Update
  public var deviceClass: String?  // Info.DeviceClass, e.g. n61ap
  public var buildNumber: String?  // Info.BuildNumber
  public var minimumSystemPartitionMiB: Int?  // Info.MinimumSystemPartition (MiB)
  public var systemPartitionPaddingMiB: [Int: Int]  // Info.SystemPartitionPadding {capacity GB: MiB}
  public var osVarContentSize: Int?  // Info.OSVarContentSize
  public var components: [ManifestComponent]  // Manifest, sorted by name

  public init(
    index: Int, boardID: Int?, chipID: Int?, securityDomain: Int?, productType: String?,
    productMarketingVersion: String?, variant: String?, restoreBehavior: String?, deviceClass: String?,
    buildNumber: String?, minimumSystemPartitionMiB: Int?, systemPartitionPaddingMiB: [Int: Int],
    osVarContentSize: Int?, components: [ManifestComponent]
  ) {
    self.index = index
    self.boardID = boardID
    self.chipID = chipID
    self.securityDomain = securityDomain
    self.productType = productType
    self.productMarketingVersion = productMarketingVersion
    self.variant = variant
    self.restoreBehavior = restoreBehavior
    self.deviceClass = deviceClass
    self.buildNumber = buildNumber
    self.minimumSystemPartitionMiB = minimumSystemPartitionMiB
    self.systemPartitionPaddingMiB = systemPartitionPaddingMiB
    self.osVarContentSize = osVarContentSize
    self.components = components
  }

  /// Recovery identities carry a different OS image; they are skipped when looking for the root filesystem.
  public var isRecovery: Bool { variant?.localizedCaseInsensitiveContains("Recovery") ?? false }
  public var isUpdate: Bool {
    restoreBehavior == "Update" || (variant?.localizedCaseInsensitiveContains("Upgrade") ?? false)
  }

  public func component(_ name: String) -> ManifestComponent? { components.first { $0.name == name } }
}

/// `BuildManifest.plist` at the root of an IPSW (XML or binary property list).
public struct BuildManifest: Sendable, Equatable {
  public var manifestVersion: Int?  // ManifestVersion
  public var productVersion: String?  // ProductVersion
  public var productBuildVersion: String?  // ProductBuildVersion
  public var supportedProductTypes: [String]  // SupportedProductTypes
  public var identities: [BuildIdentity]  // BuildIdentities

  /// - Throws: ``ParseError`` when the bytes are not a property list with a dictionary root or have more than
  ///   10 000 identities.
  public init(parsing bytes: [UInt8]) throws {
    let root = try propertyListDictionary(bytes, structure: "BuildManifest.plist")
    manifestVersion = PlistValue.integer(root["ManifestVersion"])
    productVersion = PlistValue.string(root["ProductVersion"])
    productBuildVersion = PlistValue.string(root["ProductBuildVersion"])
    supportedProductTypes = (PlistValue.array(root["SupportedProductTypes"]) ?? []).compactMap { $0 as? String }
    let rawIdentities = PlistValue.array(root["BuildIdentities"]) ?? []
    guard rawIdentities.count <= 10_000 else {
      throw ParseError(
        .limitExceeded(what: "\(rawIdentities.count) build identities", limit: 10_000), in: "BuildManifest.plist",
        at: nil)
    }
    identities = rawIdentities.enumerated().map { index, raw in
      let d = PlistValue.dictionary(raw) ?? [:]
      let info = PlistValue.dictionary(d["Info"]) ?? [:]
      let manifest = PlistValue.dictionary(d["Manifest"]) ?? [:]
      let components = manifest.keys.sorted().map { name -> ManifestComponent in
        let c = PlistValue.dictionary(manifest[name]) ?? [:]
        let ci = PlistValue.dictionary(c["Info"]) ?? [:]
        return ManifestComponent(
          name: name, path: PlistValue.string(ci["Path"]), digest: PlistValue.data(c["Digest"]),
          trusted: PlistValue.bool(c["Trusted"]), personalize: PlistValue.bool(ci["Personalize"]))
      }
      return BuildIdentity(
        index: index, boardID: PlistValue.integer(d["ApBoardID"]), chipID: PlistValue.integer(d["ApChipID"]),
        securityDomain: PlistValue.integer(d["ApSecurityDomain"]),
        productType: PlistValue.string(d["Ap,ProductType"]),
        productMarketingVersion: PlistValue.string(d["Ap,ProductMarketingVersion"]),
        variant: PlistValue.string(info["Variant"]), restoreBehavior: PlistValue.string(info["RestoreBehavior"]),
        deviceClass: PlistValue.string(info["DeviceClass"]), buildNumber: PlistValue.string(info["BuildNumber"]),
        minimumSystemPartitionMiB: PlistValue.integer(info["MinimumSystemPartition"]),
        systemPartitionPaddingMiB: PlistValue.capacityTable(info["SystemPartitionPadding"]),
        osVarContentSize: PlistValue.integer(info["OSVarContentSize"]), components: components)
    }
  }

  /// The root filesystem image path: `Manifest.OS.Info.Path` of the first non-recovery identity.
  public var rootFilesystemPath: String? {
    identities.lazy.filter { !$0.isRecovery }.compactMap { $0.component("OS")?.path }.first
  }
}

/// `Restore.plist` at the root of older IPSWs (and still present in many).
public struct RestorePlist: Sendable, Equatable {
  public struct Device: Sendable, Equatable {
    public var boardConfig: String?  // BoardConfig, e.g. n61ap
    public var boardID: Int?  // BDID
    public var chipID: Int?  // CPID
    public var platform: String?  // Platform
  }
  public var productType: String?  // ProductType
  public var productVersion: String?  // ProductVersion
  public var productBuildVersion: String?  // ProductBuildVersion
  public var devices: [Device]  // DeviceMap
  public var supportedProductTypes: [String]  // SupportedProductTypes
  /// MinimumSystemPartition: DMG name → MiB (older files give one integer; it is stored under the key "").
  public var minimumSystemPartitionMiB: [String: Int]
  /// SystemPartitionPadding: board (e.g. "n61") → {capacity GB: MiB}; a flat table is stored under the key "".
  public var systemPartitionPaddingMiB: [String: [Int: Int]]
  public var systemRestoreImages: [String: String]  // SystemRestoreImages {User: dmg}
  public var restoreRamDisks: [String: String]  // RestoreRamDisks {Update, User}

  public init(parsing bytes: [UInt8]) throws {
    let root = try propertyListDictionary(bytes, structure: "Restore.plist")
    productType = PlistValue.string(root["ProductType"])
    productVersion = PlistValue.string(root["ProductVersion"])
    productBuildVersion = PlistValue.string(root["ProductBuildVersion"])
    supportedProductTypes = (PlistValue.array(root["SupportedProductTypes"]) ?? []).compactMap { $0 as? String }
    devices = (PlistValue.array(root["DeviceMap"]) ?? []).prefix(10_000).map { raw in
      let d = PlistValue.dictionary(raw) ?? [:]
      return Device(
        boardConfig: PlistValue.string(d["BoardConfig"]), boardID: PlistValue.integer(d["BDID"]),
        chipID: PlistValue.integer(d["CPID"]), platform: PlistValue.string(d["Platform"]))
    }
    var minimum: [String: Int] = [:]
    if let table = PlistValue.dictionary(root["MinimumSystemPartition"]) {
      for (k, v) in table { if let mib = PlistValue.integer(v) { minimum[k] = mib } }
    } else if let single = PlistValue.integer(root["MinimumSystemPartition"]) {
      minimum[""] = single
    }
    minimumSystemPartitionMiB = minimum
    var padding: [String: [Int: Int]] = [:]
    if let table = PlistValue.dictionary(root["SystemPartitionPadding"]) {
      let flat = PlistValue.capacityTable(table)
      if !flat.isEmpty { padding[""] = flat }
      for (k, v) in table where PlistValue.dictionary(v) != nil { padding[k] = PlistValue.capacityTable(v) }
    }
    systemPartitionPaddingMiB = padding
    systemRestoreImages = (PlistValue.dictionary(root["SystemRestoreImages"]) ?? [:]).compactMapValues { $0 as? String }
    restoreRamDisks = (PlistValue.dictionary(root["RestoreRamDisks"]) ?? [:]).compactMapValues { $0 as? String }
  }
}
