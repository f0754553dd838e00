import Crypto
import DiskImage
import ImageAccess

/// The result of hashing one component file that a BuildManifest lists.
public struct DigestCheck: Sendable, Equatable {
  /// `match`, `mismatch`, `missing` (path not in the archive), `no-digest`, `unsupported-digest` (length not 20/48),
  /// or `unreadable` (the entry could not be read; see ``detail``).
  public var status: String
  public var component: String
  public var path: String
  /// `sha384` or `sha1`, chosen by the digest's length.
  public var algorithm: String?
  public var expected: [UInt8]?
  public var computed: [UInt8]?
  /// Identity indices that list this (component, path, digest).
  public var identities: [Int]
  public var detail: String?
}

/// An IM4M image digest compared with the BuildManifest's digest for the same component.
public struct TicketDigestCheck: Sendable, Equatable {
  public var component: String
  public var fourCC: String
  /// `match`, `mismatch`, `not-in-ticket`, `no-manifest-digest`.
  public var status: String
}

/// An IPSW: a ZIP archive holding BuildManifest.plist, Restore.plist, firmware IM4P files and root filesystem DMGs.
///
/// Opening reads the central directory and the two manifests only. Everything else (digests, kernelcache analysis)
/// is on request. Problems with the manifests do not stop the inventory; they are collected in ``issues``.
public final class IPSW: Sendable {
  public let archive: ZIPArchive
  public let buildManifest: BuildManifest?
  public let restorePlist: RestorePlist?
  /// Non-fatal problems met while opening (unreadable manifest ...).
  public let issues: [ParseError]

  /// The BuildManifest component name → IM4M four-character code (blacktop pkg/img4/img4.go, ipsw-notes §3.3).
  public static let componentFourCC: [String: String] = [
    "KernelCache": "krnl", "RestoreKernelCache": "rkrn", "RestoreRamDisk": "rdsk", "OS": "rosi",
    "SystemVolume": "isys", "Ap,SystemVolumeCanonicalMetadata": "msys", "StaticTrustCache": "trst",
    "Cryptex1,SystemOS": "csos", "Cryptex1,AppOS": "caos", "DeviceTree": "dtre", "iBoot": "ibot", "iBEC": "ibec",
    "iBSS": "ibss", "LLB": "illb", "SEP": "sepi", "RestoreSEP": "rsep", "RestoreDeviceTree": "rdtr",
    "AppleLogo": "logo", "RecoveryMode": "recm", "BatteryCharging0": "chg0", "BatteryCharging1": "chg1",
    "BatteryFull": "bat1", "BatteryLow0": "bat0", "BatteryLow1": "glyP", "RestoreLogo": "rlgo", "ftap": "ftap",
    "ftsp": "ftsp", "rfta": "rfta", "rfts": "rfts",
  ]

  public init(archive: ZIPArchive) {
    self.archive = archive
    var issues: [ParseError] = []
    func load<T>(_ name: String, _ parse: ([UInt8]) throws -> T) -> T? {
      guard let entry = archive.entry(named: name) else { return nil }
      do {
        return try parse(archive.contents(of: entry, maxBytes: 64 << 20))
      } catch let error as ParseError {
        issues.append(error)
      } catch {
        issues.append(ParseError(.invalid("\(error)"), in: name, at: entry.headerOffset))
      }
      return nil
    }
    buildManifest = load("BuildManifest.plist") { try BuildManifest(parsing: $0) }
    restorePlist = load("Restore.plist") { try RestorePlist(parsing: $0) }
    self.issues = issues
  }

  public convenience init(path: String) throws {
    try self.init(archive: ZIPArchive(path: path))
  }

  public var productVersion: String? { buildManifest?.productVersion ?? restorePlist?.productVersion }
  public var productBuildVersion: String? {
    buildManifest?.productBuildVersion ?? restorePlist?.productBuildVersion
  }
  public var supportedProductTypes: [String] {
    let fromManifest = buildManifest?.supportedProductTypes ?? []
    if !fromManifest.isEmpty { return fromManifest }
    return restorePlist?.supportedProductTypes ?? restorePlist?.productType.map { [$0] } ?? []
  }

  /// The root filesystem DMG: `Manifest.OS.Info.Path` of the first non-recovery identity, else Restore.plist
  /// `SystemRestoreImages.User` (ipsw-notes §3.6). Open it with `DiskImage` and then APFS.
  public var rootFilesystemEntry: CentralDirectoryEntry? {
    let path = buildManifest?.rootFilesystemPath ?? restorePlist?.systemRestoreImages["User"]
    return path.flatMap { archive.entry(named: $0) }
  }

  /// Opens the root filesystem DMG through `DiskImage`: a UDIF image (a ``ByteSource`` over the expanded disk, ready
  /// for GPT/APFS), an AEA or encrypted image (described, not decrypted), or raw. Stored entries are read in place.
  ///
  /// - Returns: nil when the IPSW names no root filesystem.
  public func openRootFilesystem() throws -> ImageKind? {
    guard let entry = rootFilesystemEntry else { return nil }
    return try openDiskImage(entry)
  }

  /// Opens any DMG entry through `DiskImage` (deflated entries are decoded into memory, up to 512 MiB).
  public func openDiskImage(_ entry: CentralDirectoryEntry) throws -> ImageKind {
    do {
      return try DiskImageDetector.open(source(for: entry))
    } catch {
      throw locate(error, in: entry)
    }
  }

  /// Every DMG (plain or `.dmg.aea`) in the archive, largest first.
  public var diskImageEntries: [CentralDirectoryEntry] {
    archive.entries.filter { $0.name.hasSuffix(".dmg") || $0.name.hasSuffix(".dmg.aea") }
      .sorted { $0.uncompressedSize > $1.uncompressedSize }
  }

  /// The kernelcache path and the identity it came from (first non-recovery identity with a KernelCache).
  public var kernelcacheComponent: (component: ManifestComponent, identity: BuildIdentity)? {
    guard let manifest = buildManifest else { return nil }
    for identity in manifest.identities where !identity.isRecovery {
      if let c = identity.component("KernelCache"), c.path != nil { return (c, identity) }
    }
    return nil
  }

  /// The kernelcache entry: from the manifest, else the first entry whose name starts with `kernelcache`.
  public var kernelcacheEntry: CentralDirectoryEntry? {
    if let path = kernelcacheComponent?.component.path, let e = archive.entry(named: path) { return e }
    return archive.entries.first { $0.name.hasPrefix("kernelcache") }
  }

  /// The space need estimate for a device of `capacityGB` (see ``SpaceEstimate``).
  public func spaceEstimate(deviceCapacityGB: Int, boardID: Int? = nil, chipID: Int? = nil) -> SpaceEstimate? {
    SpaceEstimate.estimate(
      buildManifest: buildManifest, restorePlist: restorePlist, deviceCapacityGB: deviceCapacityGB,
      boardID: boardID, chipID: chipID)
  }

  /// A byte source for an entry: the mapping itself for stored entries (no copy), else the decoded bytes in memory
  /// (refused past `maxBytes`).
  public func source(for entry: CentralDirectoryEntry, maxBytes: Int = 512 << 20) throws -> any ByteSource {
    if entry.method == .stored { return try archive.storedData(of: entry) }
    return MemorySource(try archive.contents(of: entry, maxBytes: maxBytes))
  }

  /// Restates an error met while parsing an entry's contents in archive terms: the structure is prefixed with the
  /// entry name, and for a stored entry the offset becomes absolute in the archive (for a deflated entry it stays an
  /// offset within the decoded entry, and the structure says so).
  public func locate(_ error: any Error, in entry: CentralDirectoryEntry) -> ParseError {
    guard var parse = error as? ParseError else {
      return ParseError(.invalid("\(error)"), in: entry.name, at: entry.headerOffset)
    }
    if entry.method == .stored, let range = try? archive.dataRange(of: entry) {
      parse.offset = parse.offset.map { $0 + range.lowerBound }
      parse.structure = "\(entry.name): \(parse.structure)"
    } else {
      parse.structure = "\(entry.name) (offset within the decoded entry): \(parse.structure)"
    }
    return parse
  }

  /// Kernelcache facts (type, key bags, compression, kernel version), with the manifest's personalisation flags.
  public func kernelcacheFacts(decompress: Bool = true) throws -> KernelcacheFacts? {
    guard let entry = kernelcacheEntry else { return nil }
    var facts = try Kernelcache.analyse(source(for: entry), path: entry.name, decompress: decompress)
    facts.personalize = kernelcacheComponent?.component.personalize
    facts.trusted = kernelcacheComponent?.component.trusted
    return facts
  }

  /// Hashes every component file the BuildManifest lists (each distinct path and digest once) and compares.
  ///
  /// SHA-384 for 48-byte digests, SHA-1 for 20-byte ones. The whole decoded entry is hashed.
  /// - Complexity: reads every listed file once; memory O(chunk).
  public func verifyDigests(limits: ReadLimits = ReadLimits()) -> [DigestCheck] {
    guard let manifest = buildManifest else { return [] }
    struct Key: Hashable {
      var component: String
      var path: String
      var digest: [UInt8]?
    }
    var order: [Key] = []
    var identities: [Key: [Int]] = [:]
    for identity in manifest.identities {
      for component in identity.components {
        guard let path = component.path else { continue }
        let key = Key(component: component.name, path: path, digest: component.digest)
        if identities[key] == nil { order.append(key) }
        identities[key, default: []].append(identity.index)
      }
    }
    // Which algorithms each path needs, so a multi-GiB DMG is hashed once with only what its digests use.
    var needs: [String: (sha384: Bool, sha1: Bool)] = [:]
    for key in order {
      guard let d = key.digest else { continue }
      var n = needs[key.path] ?? (false, false)
      if d.count == 48 { n.sha384 = true }
      if d.count == 20 { n.sha1 = true }
      needs[key.path] = n
    }
    var hashed: [String: (sha384: [UInt8], sha1: [UInt8])] = [:]
    var failures: [String: String] = [:]
    return order.map { key in
      var check = DigestCheck(
        status: "", component: key.component, path: key.path, algorithm: nil, expected: key.digest, computed: nil,
        identities: identities[key] ?? [], detail: nil)
      guard let digest = key.digest else {
        check.status = "no-digest"
        return check
      }
      guard digest.count == 48 || digest.count == 20 else {
        check.status = "unsupported-digest"
        check.detail = "\(digest.count)-byte digest"
        return check
      }
      check.algorithm = digest.count == 48 ? "sha384" : "sha1"
      guard let entry = archive.entry(named: key.path) else {
        check.status = "missing"
        return check
      }
      if hashed[key.path] == nil && failures[key.path] == nil {
        var sha384 = SHA384()
        var sha1 = Insecure.SHA1()
        do {
          let need = needs[key.path] ?? (true, true)
          let result = try archive.read(entry, limits: limits) { bytes in
            if need.sha384 { sha384.update(bufferPointer: bytes) }
            if need.sha1 { sha1.update(bufferPointer: bytes) }
          }
          if !result.crcMatches {
            failures[key.path] = "CRC-32 mismatch in the archive entry"
          } else {
            hashed[key.path] = (Array(sha384.finalize()), Array(sha1.finalize()))
          }
        } catch {
          failures[key.path] = "\(error)"
        }
      }
      if let failure = failures[key.path] {
        check.status = "unreadable"
        check.detail = failure
        return check
      }
      let computed = digest.count == 48 ? hashed[key.path]!.sha384 : hashed[key.path]!.sha1
      check.computed = computed
      check.status = computed == digest ? "match" : "mismatch"
      return check
    }
  }

  /// Compares an IM4M ticket's per-image digests with one identity's BuildManifest digests.
  public static func compare(ticket: IM4M, identity: BuildIdentity) -> [TicketDigestCheck] {
    identity.components.compactMap { component in
      guard let code = componentFourCC[component.name] else { return nil }
      guard let expected = component.digest else {
        return TicketDigestCheck(component: component.name, fourCC: code, status: "no-manifest-digest")
      }
      guard let image = ticket.image(code), let found = image.digest else {
        return TicketDigestCheck(component: component.name, fourCC: code, status: "not-in-ticket")
      }
      return TicketDigestCheck(component: component.name, fourCC: code, status: found == expected ? "match" : "mismatch")
    }
  }
}
