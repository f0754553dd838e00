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

// MARK: - JSON (`ringo.ipsw/1`)

extension IPSWInventory {
  public static let schema = "ringo.ipsw/1"

  /// The report as a JSON-ready tree (`NSNull` for unknown values, never omitted keys).
  public func jsonObject(toolVersion: String) -> [String: Any] {
    func opt(_ v: Any?) -> Any { v ?? NSNull() }
    let iso = ISO8601DateFormatter()
    return [
      "schema": Self.schema,
      "tool": ["name": "ringo", "version": toolVersion],
      "evidence": ["path": path, "size_bytes": sizeBytes, "format": "ipsw"],
      "archive": [
        "entries": entryCount, "zip64": zip64, "central_directory_offset": centralDirectoryOffset,
        "central_directory_size": centralDirectorySize,
      ],
      "product": [
        "types": productTypes, "version": opt(productVersion), "build": opt(productBuildVersion),
        "manifest_version": opt(manifestVersion),
      ],
      "identities": identities.map { i -> [String: Any] in
        [
          "index": i.index, "variant": opt(i.variant), "restore_behavior": opt(i.restoreBehavior),
          "device_class": opt(i.deviceClass), "board_id": opt(i.boardID), "chip_id": opt(i.chipID),
          "security_domain": opt(i.securityDomain), "product_type": opt(i.productType),
          "build_number": opt(i.buildNumber), "minimum_system_partition_mib": opt(i.minimumSystemPartitionMiB),
          "system_partition_padding_mib": Dictionary(
            uniqueKeysWithValues: i.systemPartitionPaddingMiB.map { (String($0.key), $0.value) }),
          "components": i.components.count,
        ]
      },
      "components": components.map { c -> [String: Any] in
        [
          "name": c.name, "path": c.path, "identities": c.identities, "in_archive": c.inArchive,
          "size_bytes": opt(c.sizeBytes), "compressed_size_bytes": opt(c.compressedSizeBytes),
          "method": opt(c.method), "digest_algorithm": opt(c.digestAlgorithm), "digest_status": c.digestStatus,
          "digest_detail": opt(c.digestDetail),
        ]
      },
      "digests_checked": digestsChecked,
      "disk_images": diskImages.map { d -> [String: Any] in
        [
          "name": d.name, "size_bytes": d.sizeBytes, "compressed_size_bytes": d.compressedSizeBytes,
          "method": d.method, "role": d.role, "aea_encrypted": d.encryptedAEA, "container": opt(d.container),
          "expanded_size_bytes": opt(d.expandedSizeBytes),
        ]
      },
      "root_filesystem": opt(rootFilesystem),
      "kernelcache": kernelcache.map { k -> [String: Any] in
        [
          "path": k.path, "im4p_type": k.im4pType, "description": k.im4pDescription,
          "payload_format": k.payloadFormat.rawValue, "payload_size_bytes": k.payloadSize,
          "encrypted": k.isEncrypted,
          "keybags": k.keybags.map { ["type": $0.typeName, "iv_length": $0.iv.count, "key_length": $0.key.count] },
          "compressed_size_bytes": opt(k.compressedSize), "uncompressed_size_bytes": opt(k.uncompressedSize),
          "appended_data_bytes": opt(k.appendedDataSize), "decompressed": k.decompressed,
          "decompression_note": opt(k.decompressionNote), "fat_wrapper_stripped": k.strippedFATWrapper,
          "kernel_version": opt(k.kernelVersion), "personalize": opt(k.personalize), "trusted": opt(k.trusted),
        ]
      } ?? NSNull(),
      "img4_files": img4Files.map { r -> [String: Any] in
        [
          "path": r.path, "type": r.type, "description": r.description, "payload_format": r.payloadFormat,
          "payload_size_bytes": r.payloadSizeBytes, "keybags": r.keybags,
        ]
      },
      "ticket": ticket.map { t -> [String: Any] in
        [
          "properties": Dictionary(t.properties.map { ($0.name, $0.value.text) }, uniquingKeysWith: { a, _ in a }),
          "images": t.imageCount,
          "signature": ["status": t.signature.status, "algorithm": t.signature.algorithm, "signer": opt(t.signature.signer)],
          "certificates": t.certificates.map {
            [
              "subject": $0.subject, "issuer": $0.issuer, "not_before": iso.string(from: $0.notValidBefore),
              "not_after": iso.string(from: $0.notValidAfter), "validity": $0.validity, "issuer_check": $0.issuerCheck,
            ]
          },
          "matched_identity": opt(t.matchedIdentity),
          "digest_comparison": t.digestComparison.map {
            ["component": $0.component, "fourcc": $0.fourCC, "status": $0.status]
          },
        ]
      } ?? NSNull(),
      "space_estimate": spaceEstimate.map { e -> [String: Any] in
        [
          "is_estimate": true, "device_capacity_gb": e.deviceCapacityGB,
          "minimum_system_partition_mib": e.minimumSystemPartitionMiB, "padding_mib": opt(e.paddingMiB),
          "padding_key_gb": opt(e.paddingKeyGB), "estimated_mib": e.estimatedMiB, "estimated_bytes": e.estimatedBytes,
          "sources": e.sources,
        ]
      } ?? NSNull(),
      "errors": errors.map { ["code": $0.code, "offset": opt($0.offset), "message": $0.description] },
    ]
  }

  /// Pretty, key-sorted JSON text.
  public func json(toolVersion: String) throws -> String {
    JSONText.render(jsonObject(toolVersion: toolVersion))
  }
}
