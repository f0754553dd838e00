import Foundation
import ImageAccess

/// Everything `ringo ipsw FILE` reports, collected in one pass: archive facts, product, identities, components with
/// sizes and digest status, disk images, kernelcache and IMG4 facts, an optional ticket check and space estimate.
///
/// Problems do not stop the collection: they land in ``errors`` with their offsets.
public struct IPSWInventory: Sendable {
  public struct Options: Sendable {
    public var verifyDigests = true
    public var analyseKernelcache = true
    /// Device capacity in GB for the space estimate (nil: no estimate).
    public var deviceCapacityGB: Int?
    /// An IM4M ticket (bytes) to check and compare with the manifest.
    public var ticket: [UInt8]?
    /// Compare the ticket with this identity index instead of the one matching its BORD/CHIP.
    public var ticketIdentity: Int?
    public var now = Date()
    public init() {}
  }

  public struct ComponentRow: Sendable, Equatable {
    public var name: String
    public var path: String
    public var identities: [Int]
    public var inArchive: Bool
    public var sizeBytes: UInt64?
    public var compressedSizeBytes: UInt64?
    public var method: String?
    public var digestAlgorithm: String?
    /// A ``DigestCheck`` status, or `not-checked`.
    public var digestStatus: String
    public var digestDetail: String?
  }

  public struct DiskImageRow: Sendable, Equatable {
    public var name: String
    public var sizeBytes: UInt64
    public var compressedSizeBytes: UInt64
    public var method: String
    /// `root-filesystem`, `restore-ramdisk`, `update-ramdisk`, `other`.
    public var role: String
    public var encryptedAEA: Bool
    /// What `DiskImage` recognised: `udif`, `aea`, `encrcdsa`, `raw`; nil when not opened (deflated entry over
    /// 64 MiB) or unreadable (see the inventory errors).
    public var container: String?
    /// For UDIF images: the expanded (virtual disk) size.
    public var expandedSizeBytes: Int?
  }

  public struct IMG4Row: Sendable, Equatable {
    public var path: String
    public var type: String
    public var description: String
    public var payloadFormat: String
    public var payloadSizeBytes: Int
    public var keybags: [String]
  }

  public struct TicketFacts: Sendable {
    public var properties: [IM4MProperty]
    public var imageCount: Int
    public var signature: SignatureCheck
    public var certificates: [CertificateFacts]
    /// Against the first non-recovery identity whose board/chip match the ticket's BORD/CHIP (or the chosen one).
    public var matchedIdentity: Int?
    public var digestComparison: [TicketDigestCheck]
  }

  public var path: String
  public var sizeBytes: Int
  public var entryCount: Int
  public var zip64: Bool
  public var centralDirectoryOffset: Int
  public var centralDirectorySize: Int
  public var productTypes: [String]
  public var productVersion: String?
  public var productBuildVersion: String?
  public var manifestVersion: Int?
  public var identities: [BuildIdentity]
  public var components: [ComponentRow]
  public var diskImages: [DiskImageRow]
  public var rootFilesystem: String?
  public var kernelcache: KernelcacheFacts?
  public var img4Files: [IMG4Row]
  public var ticket: TicketFacts?
  public var spaceEstimate: SpaceEstimate?
  public var digestsChecked: Bool
  public var errors: [ParseError]

  public init(ipsw: IPSW, path: String, options: Options = Options()) {
    let archive = ipsw.archive
    self.path = path
    sizeBytes = archive.source.byteCount
    entryCount = archive.entries.count
    zip64 = archive.zip64Record != nil
    centralDirectoryOffset = archive.centralDirectory.lowerBound
    centralDirectorySize = archive.centralDirectory.count
    productTypes = ipsw.supportedProductTypes
    productVersion = ipsw.productVersion
    productBuildVersion = ipsw.productBuildVersion
    manifestVersion = ipsw.buildManifest?.manifestVersion
    identities = ipsw.buildManifest?.identities ?? []
    rootFilesystem = ipsw.rootFilesystemEntry?.name
    var errors = ipsw.issues
    digestsChecked = options.verifyDigests

    // Components: one row per (name, path) over all identities.
    let checks = options.verifyDigests ? ipsw.verifyDigests() : []
    var rows: [ComponentRow] = []
    var index: [String: Int] = [:]
    for identity in identities {
      for component in identity.components {
        guard let path = component.path else { continue }
        let key = component.name + "\u{0}" + path
        if let i = index[key] {
          rows[i].identities.append(identity.index)
          continue
        }
        let entry = archive.entry(named: path)
        let check = checks.first { $0.component == component.name && $0.path == path }
        index[key] = rows.count
        rows.append(
          ComponentRow(
            name: component.name, path: path, identities: [identity.index], inArchive: entry != nil,
            sizeBytes: entry?.uncompressedSize, compressedSizeBytes: entry?.compressedSize,
            method: entry?.method.description,
            digestAlgorithm: check?.algorithm ?? component.digest.map { $0.count == 48 ? "sha384" : $0.count == 20 ? "sha1" : "unknown" },
            digestStatus: check?.status ?? (entry == nil ? "missing" : component.digest == nil ? "no-digest" : "not-checked"),
            digestDetail: check?.detail))
      }
    }
    components = rows

    // Disk images with roles from the manifest / Restore.plist.
    var roles: [String: String] = [:]
    for identity in identities {
      if let p = identity.component("RestoreRamDisk")?.path {
        roles[p] = roles[p] ?? (identity.isUpdate ? "update-ramdisk" : "restore-ramdisk")
      }
    }
    if let restore = ipsw.restorePlist {
      if let p = restore.restoreRamDisks["User"] { roles[p] = roles[p] ?? "restore-ramdisk" }
      if let p = restore.restoreRamDisks["Update"] { roles[p] = roles[p] ?? "update-ramdisk" }
    }
    if let root = rootFilesystem { roles[root] = "root-filesystem" }
    diskImages = ipsw.diskImageEntries.map { entry in
      var row = DiskImageRow(
        name: entry.name, sizeBytes: entry.uncompressedSize, compressedSizeBytes: entry.compressedSize,
        method: entry.method.description, role: roles[entry.name] ?? "other",
        encryptedAEA: entry.name.hasSuffix(".aea"), container: nil, expandedSizeBytes: nil)
      // Detection reads the signatures, the koly trailer and the resource fork only.
      if entry.method == .stored || entry.uncompressedSize <= 64 << 20 {
        do {
          let kind = try ipsw.openDiskImage(entry)
          row.container = kind.name
          if case .udif(let udif) = kind { row.expandedSizeBytes = udif.byteCount }
          if case .aea = kind { row.encryptedAEA = true }
        } catch {
          errors.append(ipsw.locate(error, in: entry))
        }
      }
      return row
    }

    if options.analyseKernelcache {
      do { kernelcache = try ipsw.kernelcacheFacts() } catch {
        errors.append(ipsw.kernelcacheEntry.map { ipsw.locate(error, in: $0) }
          ?? ParseError(.invalid("\(error)"), in: "kernelcache", at: nil))
      }
    }

    // IMG4 facts for every .im4p entry (header walk only; deflated ones up to 16 MiB are decoded).
    var img4: [IMG4Row] = []
    for entry in archive.entries where entry.name.hasSuffix(".im4p") || entry.name.hasPrefix("kernelcache") {
      guard entry.method == .stored || entry.uncompressedSize <= 16 << 20 else { continue }
      do {
        let im4p = try IM4P(parsing: ipsw.source(for: entry, maxBytes: 16 << 20))
        img4.append(
          IMG4Row(
            path: entry.name, type: im4p.type, description: im4p.description,
            payloadFormat: im4p.payloadFormat.rawValue, payloadSizeBytes: im4p.payload.count,
            keybags: im4p.keybags.map(\.typeName)))
      } catch {
        errors.append(ipsw.locate(error, in: entry))
      }
    }
    img4Files = img4

    if let bytes = options.ticket {
      do {
        let im4m = try IM4M(parsing: bytes)
        var matched: BuildIdentity?
        var board: Int?
        var chip: Int?
        if case .integer(let b)? = im4m.property("BORD") { board = Int(exactly: b) }
        if case .integer(let c)? = im4m.property("CHIP") { chip = Int(exactly: c) }
        if let chosen = options.ticketIdentity {
          matched = identities.first { $0.index == chosen }
        } else {
          matched = identities.first { !$0.isRecovery && $0.boardID == board && $0.chipID == chip }
        }
        ticket = TicketFacts(
          properties: im4m.properties, imageCount: im4m.images.count, signature: im4m.verifySignature(),
          certificates: im4m.certificateFacts(at: options.now), matchedIdentity: matched?.index,
          digestComparison: matched.map { IPSW.compare(ticket: im4m, identity: $0) } ?? [])
      } catch let e as ParseError { errors.append(e) } catch {
        errors.append(ParseError(.invalid("\(error)"), in: "IM4M", at: nil))
      }
    }

    spaceEstimate = options.deviceCapacityGB.flatMap { ipsw.spaceEstimate(deviceCapacityGB: $0) }
    self.errors = errors
  }
}
