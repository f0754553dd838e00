/// The triage report: the JSON contract `ringo.triage/1` (../shared/docs/report-schema.md).
///
/// Field names and values of the contract are kept exactly; extra fields are added freely. Unknown or
/// not-applicable values encode as `null`, never omitted (``Nullable``). `ringo batch` decodes its children's
/// reports with this same type.
public struct TriageReport: Sendable, Codable, Equatable {
  public static let schemaID = "ringo.triage/1"

  public var schema = TriageReport.schemaID
  public var tool: Tool
  public var evidence: Evidence
  @Nullable public var container: Container?
  @Nullable public var regions: Regions?
  /// The content scan's totals (an added field; `regions` holds the content runs when no structure map exists).
  @Nullable public var contentScan: ContentScan?
  /// The IPSW given with `--ipsw` (an added field).
  @Nullable public var ipsw: IPSWSection?
  public var findings: [Finding]
  public var verdict: Verdict
  public var errors: [ReportError]
  /// Language of the human-readable strings (`en` or `ja`).
  public var language: String

  public init(
    tool: Tool, evidence: Evidence, container: Container?, regions: Regions?, contentScan: ContentScan? = nil,
    ipsw: IPSWSection? = nil, findings: [Finding], verdict: Verdict, errors: [ReportError], language: String
  ) {
    self.tool = tool
    self.evidence = evidence
    self.container = container
    self.regions = regions
    self.contentScan = contentScan
    self.ipsw = ipsw
    self.findings = findings
    self.verdict = verdict
    self.errors = errors
    self.language = language
  }

  public struct Tool: Sendable, Codable, Equatable {
    public var name = "ringo"
    public var version: String
    public init(name: String = "ringo", version: String) {
      self.name = name
      self.version = version
    }
  }

  public struct Evidence: Sendable, Codable, Equatable {
    public var path: String
    public var sizeBytes: Int
    @Nullable public var sha256: String?
    public var format: String  // raw | gpt | dmg | ewf | split-raw | sparseimage | sparsebundle | ipsw | unknown
    @Nullable public var apfsOffsetBytes: Int?
    public var partitions: [Partition]
    /// The files of a multi-file evidence (E01 set, split raw, sparse bundle bands) in order; `nil` for one file.
    @Nullable public var segments: [Segment]?
    /// Acquisition metadata and hashes of an EWF evidence.
    @Nullable public var ewf: EWF?
    /// An Apple Encrypted Archive evidence (format `aea`): its profile and signature check (an added field).
    @Nullable public var aea: AEA? = nil

    public init(
      path: String, sizeBytes: Int, sha256: String?, format: String, apfsOffsetBytes: Int?, partitions: [Partition],
      segments: [Segment]? = nil, ewf: EWF? = nil
    ) {
      self.path = path
      self.sizeBytes = sizeBytes
      self.sha256 = sha256
      self.format = format
      self.apfsOffsetBytes = apfsOffsetBytes
      self.partitions = partitions
      self.segments = segments
      self.ewf = ewf
    }

    /// What Ringo checked of an AEA evidence. `signature`: `verified` (with the signing key given by
    /// `--aea-public-key`), `invalid` (it does not verify with that key; an error gives the offset), `not-checked`
    /// (signed, no key given), `unsigned` (profile 1). `signer_matches_auth_data`: whether the given key is the signer
    /// named in the archive's auth data (`null` when not verified).
    public struct AEA: Sendable, Codable, Equatable {
      public var profile: UInt32
      public var signature: String
      @Nullable public var signerMatchesAuthData: Bool?
      public init(profile: UInt32, signature: String, signerMatchesAuthData: Bool?) {
        self.profile = profile
        self.signature = signature
        self.signerMatchesAuthData = signerMatchesAuthData
      }
      enum CodingKeys: String, CodingKey {
        case profile, signature, signerMatchesAuthData = "signer_matches_auth_data"
      }
    }

    public struct Segment: Sendable, Codable, Equatable {
      public var name: String
      public var sizeBytes: Int
      public init(name: String, sizeBytes: Int) {
        self.name = name
        self.sizeBytes = sizeBytes
      }
      enum CodingKeys: String, CodingKey { case name, sizeBytes = "size_bytes" }
    }

    /// The EWF facts: acquisition metadata, stored and recomputed digests, whether they agree.
    public struct EWF: Sendable, Codable, Equatable {
      @Nullable public var caseNumber: String?
      @Nullable public var evidenceNumber: String?
      @Nullable public var examiner: String?
      @Nullable public var description: String?
      @Nullable public var notes: String?
      @Nullable public var acquiredAt: String?
      @Nullable public var acquirySoftware: String?
      public var mediaSizeBytes: Int
      public var stored: Digests
      public var computed: Digests
      /// Whether the media read now matches the stored MD5/SHA-1; `nil` when nothing is stored or nothing computed.
      @Nullable public var verified: Bool?
      /// Media ranges whose chunk checksum failed (an added field).
      public var checksumErrors: [ChecksumError]

      public init(
        caseNumber: String?, evidenceNumber: String?, examiner: String?, description: String?, notes: String?,
        acquiredAt: String?, acquirySoftware: String?, mediaSizeBytes: Int, stored: Digests, computed: Digests,
        verified: Bool?, checksumErrors: [ChecksumError]
      ) {
        self.caseNumber = caseNumber
        self.evidenceNumber = evidenceNumber
        self.examiner = examiner
        self.description = description
        self.notes = notes
        self.acquiredAt = acquiredAt
        self.acquirySoftware = acquirySoftware
        self.mediaSizeBytes = mediaSizeBytes
        self.stored = stored
        self.computed = computed
        self.verified = verified
        self.checksumErrors = checksumErrors
      }

      public struct Digests: Sendable, Codable, Equatable {
        @Nullable public var md5: String?
        @Nullable public var sha1: String?
        @Nullable public var sha256: String?
        public init(md5: String? = nil, sha1: String? = nil, sha256: String? = nil) {
          self.md5 = md5
          self.sha1 = sha1
          self.sha256 = sha256
        }
      }

      public struct ChecksumError: Sendable, Codable, Equatable {
        public var offset: Int
        public var length: Int
        public init(offset: Int, length: Int) {
          self.offset = offset
          self.length = length
        }
      }

      enum CodingKeys: String, CodingKey {
        case caseNumber = "case_number", evidenceNumber = "evidence_number", examiner, description, notes
        case acquiredAt = "acquired_at", acquirySoftware = "acquiry_software", mediaSizeBytes = "media_size_bytes"
        case stored, computed, verified, checksumErrors = "checksum_errors"
      }
    }

    public struct Partition: Sendable, Codable, Equatable {
      public var index: Int
      public var typeGUID: String
      public var name: String
      public var offsetBytes: Int
      public var lengthBytes: Int
      public init(index: Int, typeGUID: String, name: String, offsetBytes: Int, lengthBytes: Int) {
        self.index = index
        self.typeGUID = typeGUID
        self.name = name
        self.offsetBytes = offsetBytes
        self.lengthBytes = lengthBytes
      }
      enum CodingKeys: String, CodingKey {
        case index, typeGUID = "type_guid", name, offsetBytes = "offset_bytes", lengthBytes = "length_bytes"
      }
    }

    enum CodingKeys: String, CodingKey {
      case path, sizeBytes = "size_bytes", sha256, format, apfsOffsetBytes = "apfs_offset_bytes", partitions
      case segments, ewf, aea
    }
  }

  public struct Container: Sendable, Codable, Equatable {
    public var uuid: String
    public var blockSize: Int
    public var blockCount: UInt64
    public var freeBlocks: UInt64
    public var freeBytes: UInt64
    public var freeFraction: Double
    public var checkpointXID: UInt64
    public var usedFallbackCheckpoint: Bool
    public var keybag: Bool
    public var mediaKeybag: Bool
    public var softwareCrypto: Bool
    public var declaredBytes: UInt64
    public var checkpoints: [Checkpoint]
    public var volumes: [Volume]

    public init(
      uuid: String, blockSize: Int, blockCount: UInt64, freeBlocks: UInt64, freeBytes: UInt64, freeFraction: Double,
      checkpointXID: UInt64, usedFallbackCheckpoint: Bool, keybag: Bool, mediaKeybag: Bool, softwareCrypto: Bool,
      declaredBytes: UInt64, checkpoints: [Checkpoint], volumes: [Volume]
    ) {
      self.uuid = uuid
      self.blockSize = blockSize
      self.blockCount = blockCount
      self.freeBlocks = freeBlocks
      self.freeBytes = freeBytes
      self.freeFraction = freeFraction
      self.checkpointXID = checkpointXID
      self.usedFallbackCheckpoint = usedFallbackCheckpoint
      self.keybag = keybag
      self.mediaKeybag = mediaKeybag
      self.softwareCrypto = softwareCrypto
      self.declaredBytes = declaredBytes
      self.checkpoints = checkpoints
      self.volumes = volumes
    }

    public struct Checkpoint: Sendable, Codable, Equatable {
      public var xid: UInt64
      public var block: UInt64
      public var outcome: String  // used | skipped | not-needed
      @Nullable public var reason: String?
      public init(xid: UInt64, block: UInt64, outcome: String, reason: String?) {
        self.xid = xid
        self.block = block
        self.outcome = outcome
        self.reason = reason
      }
    }

    enum CodingKeys: String, CodingKey {
      case uuid, blockSize = "block_size", blockCount = "block_count", freeBlocks = "free_blocks"
      case freeBytes = "free_bytes", freeFraction = "free_fraction", checkpointXID = "checkpoint_xid"
      case usedFallbackCheckpoint = "used_fallback_checkpoint", keybag, mediaKeybag = "media_keybag"
      case softwareCrypto = "software_crypto", declaredBytes = "declared_bytes", checkpoints, volumes
    }
  }

  public struct Volume: Sendable, Codable, Equatable {
    public var index: Int
    public var name: String
    public var uuid: String
    public var role: String
    public var roleRaw: Int
    public var encryption: String  // none | onekey | per-file
    public var flags: [String]
    public var caseSensitive: Bool
    public var allocBlocks: UInt64
    public var reserveBlocks: UInt64
    public var quotaBlocks: UInt64
    public var availableBytes: UInt64
    @Nullable public var files: UInt64?
    @Nullable public var directories: UInt64?
    @Nullable public var symlinks: UInt64?
    @Nullable public var snapshots: UInt64?
    /// Where the counts come from: `superblock` (apfs_num_* fields) or `tree` (walked).
    @Nullable public var countsSource: String?
    @Nullable public var fileBytes: FileBytes?
    @Nullable public var protectionClasses: [String: Int]?
    /// FIFOs, devices and sockets.
    @Nullable public var otherObjects: UInt64?
    /// Compressed (decmpfs) regular files per method, from the tree walk.
    @Nullable public var compression: [String: Int]?
    /// Keys of an encrypted volume: unlock state, method, user, hint, KEK entries (never a secret); an added field.
    @Nullable public var unlock: Unlock? = nil

    public init(
      index: Int, name: String, uuid: String, role: String, roleRaw: Int, encryption: String, flags: [String],
      caseSensitive: Bool, allocBlocks: UInt64, reserveBlocks: UInt64, quotaBlocks: UInt64, availableBytes: UInt64,
      files: UInt64?, directories: UInt64?, symlinks: UInt64?, snapshots: UInt64?, countsSource: String?,
      fileBytes: FileBytes?, protectionClasses: [String: Int]?, otherObjects: UInt64?, compression: [String: Int]?,
      unlock: Unlock? = nil
    ) {
      self.index = index
      self.name = name
      self.uuid = uuid
      self.role = role
      self.roleRaw = roleRaw
      self.encryption = encryption
      self.flags = flags
      self.caseSensitive = caseSensitive
      self.allocBlocks = allocBlocks
      self.reserveBlocks = reserveBlocks
      self.quotaBlocks = quotaBlocks
      self.availableBytes = availableBytes
      self.files = files
      self.directories = directories
      self.symlinks = symlinks
      self.snapshots = snapshots
      self.countsSource = countsSource
      self.fileBytes = fileBytes
      self.protectionClasses = protectionClasses
      self.otherObjects = otherObjects
      self.compression = compression
      self.unlock = unlock
    }

    /// How an encrypted volume's keys were read and used (report-schema.md `unlock`).
    public struct Unlock: Sendable, Codable, Equatable {
      /// `locked`, `unlocked`, `wrong-credentials`, `hardware-bound`, `unsupported`.
      public var state: String
      @Nullable public var method: String?
      @Nullable public var userUUID: String?
      @Nullable public var hint: String?
      public var kekEntries: [String: Int]
      /// Which structure decided a `hardware-bound` or `unsupported` state, and where (added fields).
      @Nullable public var structure: String?
      @Nullable public var offset: Int?
      @Nullable public var reason: String?
      public init(
        state: String, method: String?, userUUID: String?, hint: String?, kekEntries: [String: Int],
        structure: String?, offset: Int?, reason: String?
      ) {
        self.state = state
        self.method = method
        self.userUUID = userUUID
        self.hint = hint
        self.kekEntries = kekEntries
        self.structure = structure
        self.offset = offset
        self.reason = reason
      }
      enum CodingKeys: String, CodingKey {
        case state, method, userUUID = "user_uuid", hint, kekEntries = "kek_entries", structure, offset, reason
      }
    }

    public struct FileBytes: Sendable, Codable, Equatable {
      public var plaintext: UInt64
      public var encrypted: UInt64
      /// The part of `plaintext + encrypted` stored compressed (decmpfs); an added field.
      @Nullable public var compressed: UInt64?
      public init(plaintext: UInt64, encrypted: UInt64, compressed: UInt64? = nil) {
        self.plaintext = plaintext
        self.encrypted = encrypted
        self.compressed = compressed
      }
    }

    enum CodingKeys: String, CodingKey {
      case index, name, uuid, role, roleRaw = "role_raw", encryption, flags, caseSensitive = "case_sensitive"
      case allocBlocks = "alloc_blocks", reserveBlocks = "reserve_blocks", quotaBlocks = "quota_blocks"
      case availableBytes = "available_bytes", files, directories, symlinks, snapshots
      case countsSource = "counts_source", fileBytes = "file_bytes", protectionClasses = "protection_classes"
      case otherObjects = "other_objects", compression, unlock
    }
  }

  public struct Regions: Sendable, Codable, Equatable {
    public var source: String
    public var summaryBytes: [String: Int]
    public var runs: [Run]
    public var runsTotal: Int
    public var runsTruncated: Bool
    public init(source: String, summaryBytes: [String: Int], runs: [Run], runsTotal: Int, runsTruncated: Bool) {
      self.source = source
      self.summaryBytes = summaryBytes
      self.runs = runs
      self.runsTotal = runsTotal
      self.runsTruncated = runsTruncated
    }
    public struct Run: Sendable, Codable, Equatable {
      public var regionClass: String
      public var offset: Int
      public var length: Int
      public init(regionClass: String, offset: Int, length: Int) {
        self.regionClass = regionClass
        self.offset = offset
        self.length = length
      }
      enum CodingKeys: String, CodingKey { case regionClass = "class", offset, length }
    }
    enum CodingKeys: String, CodingKey {
      case source, summaryBytes = "summary_bytes", runs, runsTotal = "runs_total", runsTruncated = "runs_truncated"
    }
  }

  public struct IPSWSection: Sendable, Codable, Equatable {
    public var path: String
    @Nullable public var productVersion: String?
    @Nullable public var build: String?
    public var deviceCapacityGB: Int
    @Nullable public var estimatedNeedBytes: UInt64?
    public var estimateSources: [String]
    @Nullable public var kernelcacheType: String?
    @Nullable public var kernelcacheFormat: String?
    @Nullable public var kernelcacheEncrypted: Bool?
    @Nullable public var kernelcachePersonalized: Bool?
    @Nullable public var kernelVersion: String?

    public init(
      path: String, productVersion: String?, build: String?, deviceCapacityGB: Int, estimatedNeedBytes: UInt64?,
      estimateSources: [String], kernelcacheType: String?, kernelcacheFormat: String?, kernelcacheEncrypted: Bool?,
      kernelcachePersonalized: Bool?, kernelVersion: String?
    ) {
      self.path = path
      self.productVersion = productVersion
      self.build = build
      self.deviceCapacityGB = deviceCapacityGB
      self.estimatedNeedBytes = estimatedNeedBytes
      self.estimateSources = estimateSources
      self.kernelcacheType = kernelcacheType
      self.kernelcacheFormat = kernelcacheFormat
      self.kernelcacheEncrypted = kernelcacheEncrypted
      self.kernelcachePersonalized = kernelcachePersonalized
      self.kernelVersion = kernelVersion
    }

    enum CodingKeys: String, CodingKey {
      case path, productVersion = "product_version", build, deviceCapacityGB = "device_capacity_gb"
      case estimatedNeedBytes = "estimated_need_bytes", estimateSources = "estimate_sources"
      case kernelcacheType = "kernelcache_type", kernelcacheFormat = "kernelcache_format"
      case kernelcacheEncrypted = "kernelcache_encrypted", kernelcachePersonalized = "kernelcache_personalized"
      case kernelVersion = "kernel_version"
    }
  }

  public struct ContentScan: Sendable, Codable, Equatable {
    public var blockSize: Int
    public var scannedBytes: Int
    public var summaryBytes: [String: Int]
    public var runsTotal: Int
    public var encryptedFraction: Double
    public var highEntropyFraction: Double
    public var wholeImageEncrypted: Bool
    public var entropyBar: String
    public init(
      blockSize: Int, scannedBytes: Int, summaryBytes: [String: Int], runsTotal: Int, encryptedFraction: Double,
      highEntropyFraction: Double, wholeImageEncrypted: Bool, entropyBar: String
    ) {
      self.blockSize = blockSize
      self.scannedBytes = scannedBytes
      self.summaryBytes = summaryBytes
      self.runsTotal = runsTotal
      self.encryptedFraction = encryptedFraction
      self.highEntropyFraction = highEntropyFraction
      self.wholeImageEncrypted = wholeImageEncrypted
      self.entropyBar = entropyBar
    }
    enum CodingKeys: String, CodingKey {
      case blockSize = "block_size", scannedBytes = "scanned_bytes", summaryBytes = "summary_bytes"
      case runsTotal = "runs_total", encryptedFraction = "encrypted_fraction"
      case highEntropyFraction = "high_entropy_fraction", wholeImageEncrypted = "whole_image_encrypted"
      case entropyBar = "entropy_bar"
    }
  }

  public struct Finding: Sendable, Codable, Equatable {
    public var code: String
    public var severity: Severity
    @Nullable public var volume: String?
    public var message: String
    public var facts: [String: Fact]
    public init(code: String, severity: Severity, volume: String?, message: String, facts: [String: Fact]) {
      self.code = code
      self.severity = severity
      self.volume = volume
      self.message = message
      self.facts = facts
    }
  }

  public enum Severity: String, Sendable, Codable, Comparable {
    case info, warning, critical
    public static func < (a: Severity, b: Severity) -> Bool {
      let order: [Severity] = [.info, .warning, .critical]
      return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
  }

  public struct Verdict: Sendable, Codable, Equatable {
    public var verdictClass: VerdictClass
    public var summary: String
    public var reasons: [String]
    /// What the technician should and should not do, in the report's language.
    public var advice: [String]
    /// The codes of the summary, the reasons and the advice, in the same order (language-independent; added
    /// fields, `null` in documents written before they existed).
    @Nullable public var summaryCode: String?
    @Nullable public var reasonCodes: [String]?
    @Nullable public var adviceCodes: [String]?
    public init(verdictClass: VerdictClass, summary: String, reasons: [String], advice: [String],
                summaryCode: String? = nil, reasonCodes: [String]? = nil, adviceCodes: [String]? = nil) {
      self.verdictClass = verdictClass
      self.summary = summary
      self.reasons = reasons
      self.advice = advice
      self.summaryCode = summaryCode
      self.reasonCodes = reasonCodes
      self.adviceCodes = adviceCodes
    }
    enum CodingKeys: String, CodingKey {
      case verdictClass = "class", summary, reasons, advice, summaryCode = "summary_code", reasonCodes = "reason_codes"
      case adviceCodes = "advice_codes"
    }
  }

  public enum VerdictClass: String, Sendable, Codable, CaseIterable {
    case recoverable
    case recoverableWithCredentials = "recoverable-with-credentials"
    /// Hardware-bound keys: only the original Mac (its security chip, with the owner's password) can open the volume.
    case recoverableOnOriginalDevice = "recoverable-on-original-device"
    case unrecoverableWithoutVendor = "unrecoverable-without-vendor"
    case notAPFS = "not-apfs"
    case damaged
  }

  public struct ReportError: Sendable, Codable, Equatable {
    public var code: String
    @Nullable public var offset: Int?
    public var message: String
    public init(code: String, offset: Int?, message: String) {
      self.code = code
      self.offset = offset
      self.message = message
    }
  }

  enum CodingKeys: String, CodingKey {
    case schema, tool, evidence, container, regions, findings, verdict, errors, language
    case contentScan = "content_scan", ipsw
  }
}

/// A fact a finding rests on: a number, a string, a flag, a list, or null.
///
/// JSON does not keep the Swift number type, so a decoded number is `int` when it fits, else `uint`, else
/// `double`; equality compares numbers by value, so a report equals its own round trip.
public enum Fact: Sendable, Codable, Equatable {
  case int(Int64)
  case uint(UInt64)
  case double(Double)
  case string(String)
  case bool(Bool)
  case list([Fact])
  case null

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case let .int(v): try c.encode(v)
    case let .uint(v): try c.encode(v)
    case let .double(v): try c.encode(v)
    case let .string(v): try c.encode(v)
    case let .bool(v): try c.encode(v)
    case let .list(v): try c.encode(v)
    case .null: try c.encodeNil()
    }
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let v = try? c.decode(Bool.self) {
      self = .bool(v)
    } else if let v = try? c.decode(Int64.self) {
      self = .int(v)
    } else if let v = try? c.decode(UInt64.self) {
      self = .uint(v)
    } else if let v = try? c.decode(Double.self) {
      self = .double(v)
    } else if let v = try? c.decode(String.self) {
      self = .string(v)
    } else {
      self = .list(try c.decode([Fact].self))
    }
  }

  public static func == (a: Fact, b: Fact) -> Bool {
    switch (a, b) {
    case let (.string(x), .string(y)): x == y
    case let (.bool(x), .bool(y)): x == y
    case let (.list(x), .list(y)): x == y
    case (.null, .null): true
    default:
      if let x = a.number, let y = b.number { x == y } else { false }
    }
  }

  /// The value of a numeric fact, exact for integers (as the text of the number).
  private var number: String? {
    switch self {
    case let .int(v): "\(v)"
    case let .uint(v): "\(v)"
    case let .double(v): v == v.rounded() && abs(v) < 9.2e18 ? "\(Int64(v))" : "\(v)"
    default: nil
    }
  }

  public var text: String {
    switch self {
    case let .int(v): "\(v)"
    case let .uint(v): "\(v)"
    case let .double(v): "\(v)"
    case let .string(v): v
    case let .bool(v): "\(v)"
    case let .list(v): v.map(\.text).joined(separator: ", ")
    case .null: "null"
    }
  }
}
