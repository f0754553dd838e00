/// The triage report: the JSON contract `ringo.triage/1` (../shared/docs/report-schema.md).
///
/// Field names and values of the contract are kept exactly; extra fields are added freely. Unknown or
/// not-applicable values encode as `null`, never omitted, so every optional is encoded explicitly.
public struct TriageReport: Sendable, Encodable {
  public static let schemaID = "ringo.triage/1"

  public var schema = TriageReport.schemaID
  public var tool: Tool
  public var evidence: Evidence
  public var container: Container?
  public var regions: Regions?
  /// The content scan's totals (an added field; `regions` holds the content runs when no structure map exists).
  public var contentScan: ContentScan? = nil
  /// The IPSW given with `--ipsw` (an added field).
  public var ipsw: IPSWSection? = nil
  public var findings: [Finding]
  public var verdict: Verdict
  public var errors: [ReportError]
  /// Language of the human-readable strings (`en` or `ja`).
  public var language: String

  public struct Tool: Sendable, Encodable {
    public var name = "ringo"
    public var version: String
  }

  public struct Evidence: Sendable, Encodable {
    public var path: String
    public var sizeBytes: Int
    public var sha256: String?
    public var format: String  // raw | gpt | dmg | ewf | ipsw | unknown
    public var apfsOffsetBytes: Int?
    public var partitions: [Partition]

    public struct Partition: Sendable, Encodable {
      public var index: Int
      public var typeGUID: String
      public var name: String
      public var offsetBytes: Int
      public var lengthBytes: Int
      enum CodingKeys: String, CodingKey {
        case index, typeGUID = "type_guid", name, offsetBytes = "offset_bytes", lengthBytes = "length_bytes"
      }
    }

    enum CodingKeys: String, CodingKey {
      case path, sizeBytes = "size_bytes", sha256, format, apfsOffsetBytes = "apfs_offset_bytes", partitions
    }
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(path, forKey: .path)
      try c.encode(sizeBytes, forKey: .sizeBytes)
      try c.encode(sha256, forKey: .sha256)
      try c.encode(format, forKey: .format)
      try c.encode(apfsOffsetBytes, forKey: .apfsOffsetBytes)
      try c.encode(partitions, forKey: .partitions)
    }
  }

  public struct Container: Sendable, Encodable {
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

    public struct Checkpoint: Sendable, Encodable {
      public var xid: UInt64
      public var block: UInt64
      public var outcome: String  // used | skipped | not-needed
      public var reason: String?
      public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(xid, forKey: .xid)
        try c.encode(block, forKey: .block)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(reason, forKey: .reason)
      }
      enum CodingKeys: String, CodingKey { case xid, block, outcome, reason }
    }

    enum CodingKeys: String, CodingKey {
      case uuid, blockSize = "block_size", blockCount = "block_count", freeBlocks = "free_blocks"
      case freeBytes = "free_bytes", freeFraction = "free_fraction", checkpointXID = "checkpoint_xid"
      case usedFallbackCheckpoint = "used_fallback_checkpoint", keybag, mediaKeybag = "media_keybag"
      case softwareCrypto = "software_crypto", declaredBytes = "declared_bytes", checkpoints, volumes
    }
  }

  public struct Volume: Sendable, Encodable {
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
    public var files: UInt64?
    public var directories: UInt64?
    public var symlinks: UInt64?
    public var snapshots: UInt64?
    /// Where the counts come from: `superblock` (apfs_num_* fields) or `tree` (walked).
    public var countsSource: String?
    public var fileBytes: FileBytes?
    public var protectionClasses: [String: Int]?
    /// FIFOs, devices and sockets.
    public var otherObjects: UInt64?
    /// Compressed (decmpfs) regular files per method, from the tree walk.
    public var compression: [String: Int]?
    /// Keys of an encrypted volume: unlock state, method, user, hint, KEK entries (never a secret).
    public var unlock: Unlock? = nil

    public struct Unlock: Sendable, Encodable {
      public var state: String
      public var method: String?
      public var userUUID: String?
      public var hint: String?
      public var kekEntries: [String: Int]
      /// Which structure decided a `hardware-bound` or `unsupported` state, and where (an added field).
      public var structure: String?
      public var offset: Int?
      public var reason: String?
      enum CodingKeys: String, CodingKey {
        case state, method, userUUID = "user_uuid", hint, kekEntries = "kek_entries", structure, offset, reason
      }
      public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(state, forKey: .state)
        try c.encode(method, forKey: .method)
        try c.encode(userUUID, forKey: .userUUID)
        try c.encode(hint, forKey: .hint)
        try c.encode(kekEntries, forKey: .kekEntries)
        try c.encode(structure, forKey: .structure)
        try c.encode(offset, forKey: .offset)
        try c.encode(reason, forKey: .reason)
      }
    }

    public struct FileBytes: Sendable, Encodable {
      public var plaintext: UInt64
      public var encrypted: UInt64
    }

    enum CodingKeys: String, CodingKey {
      case index, name, uuid, role, roleRaw = "role_raw", encryption, flags, caseSensitive = "case_sensitive"
      case allocBlocks = "alloc_blocks", reserveBlocks = "reserve_blocks", quotaBlocks = "quota_blocks"
      case availableBytes = "available_bytes", files, directories, symlinks, snapshots
      case countsSource = "counts_source", fileBytes = "file_bytes", protectionClasses = "protection_classes"
      case otherObjects = "other_objects", compression, unlock
    }
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(index, forKey: .index)
      try c.encode(name, forKey: .name)
      try c.encode(uuid, forKey: .uuid)
      try c.encode(role, forKey: .role)
      try c.encode(roleRaw, forKey: .roleRaw)
      try c.encode(encryption, forKey: .encryption)
      try c.encode(flags, forKey: .flags)
      try c.encode(caseSensitive, forKey: .caseSensitive)
      try c.encode(allocBlocks, forKey: .allocBlocks)
      try c.encode(reserveBlocks, forKey: .reserveBlocks)
      try c.encode(quotaBlocks, forKey: .quotaBlocks)
      try c.encode(availableBytes, forKey: .availableBytes)
      try c.encode(files, forKey: .files)
      try c.encode(directories, forKey: .directories)
      try c.encode(symlinks, forKey: .symlinks)
      try c.encode(snapshots, forKey: .snapshots)
      try c.encode(countsSource, forKey: .countsSource)
      try c.encode(fileBytes, forKey: .fileBytes)
      try c.encode(protectionClasses, forKey: .protectionClasses)
      try c.encode(otherObjects, forKey: .otherObjects)
      try c.encode(compression, forKey: .compression)
      try c.encode(unlock, forKey: .unlock)
    }
  }

  public struct Regions: Sendable, Encodable {
    public var source: String
    public var summaryBytes: [String: Int]
    public var runs: [Run]
    public var runsTotal: Int
    public var runsTruncated: Bool
    public struct Run: Sendable, Encodable {
      public var regionClass: String
      public var offset: Int
      public var length: Int
      enum CodingKeys: String, CodingKey { case regionClass = "class", offset, length }
    }
    enum CodingKeys: String, CodingKey {
      case source, summaryBytes = "summary_bytes", runs, runsTotal = "runs_total", runsTruncated = "runs_truncated"
    }
  }

  public struct IPSWSection: Sendable, Encodable {
    public var path: String
    public var productVersion: String?
    public var build: String?
    public var deviceCapacityGB: Int
    public var estimatedNeedBytes: UInt64?
    public var estimateSources: [String]
    public var kernelcacheType: String?
    public var kernelcacheFormat: String?
    public var kernelcacheEncrypted: Bool?
    public var kernelcachePersonalized: Bool?
    public var kernelVersion: String?
    enum CodingKeys: String, CodingKey {
      case path, productVersion = "product_version", build, deviceCapacityGB = "device_capacity_gb"
      case estimatedNeedBytes = "estimated_need_bytes", estimateSources = "estimate_sources"
      case kernelcacheType = "kernelcache_type", kernelcacheFormat = "kernelcache_format"
      case kernelcacheEncrypted = "kernelcache_encrypted", kernelcachePersonalized = "kernelcache_personalized"
      case kernelVersion = "kernel_version"
    }
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(path, forKey: .path)
      try c.encode(productVersion, forKey: .productVersion)
      try c.encode(build, forKey: .build)
      try c.encode(deviceCapacityGB, forKey: .deviceCapacityGB)
      try c.encode(estimatedNeedBytes, forKey: .estimatedNeedBytes)
      try c.encode(estimateSources, forKey: .estimateSources)
      try c.encode(kernelcacheType, forKey: .kernelcacheType)
      try c.encode(kernelcacheFormat, forKey: .kernelcacheFormat)
      try c.encode(kernelcacheEncrypted, forKey: .kernelcacheEncrypted)
      try c.encode(kernelcachePersonalized, forKey: .kernelcachePersonalized)
      try c.encode(kernelVersion, forKey: .kernelVersion)
    }
  }

  public struct ContentScan: Sendable, Encodable {
    public var blockSize: Int
    public var scannedBytes: Int
    public var summaryBytes: [String: Int]
    public var runsTotal: Int
    public var encryptedFraction: Double
    public var highEntropyFraction: Double
    public var wholeImageEncrypted: Bool
    public var entropyBar: String
    enum CodingKeys: String, CodingKey {
      case blockSize = "block_size", scannedBytes = "scanned_bytes", summaryBytes = "summary_bytes"
      case runsTotal = "runs_total", encryptedFraction = "encrypted_fraction"
      case highEntropyFraction = "high_entropy_fraction", wholeImageEncrypted = "whole_image_encrypted"
      case entropyBar = "entropy_bar"
    }
  }

  public struct Finding: Sendable, Encodable {
    public var code: String
    public var severity: Severity
    public var volume: String?
    public var message: String
    public var facts: [String: Fact]

    enum CodingKeys: String, CodingKey { case code, severity, volume, message, facts }
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(code, forKey: .code)
      try c.encode(severity, forKey: .severity)
      try c.encode(volume, forKey: .volume)
      try c.encode(message, forKey: .message)
      try c.encode(facts, forKey: .facts)
    }
  }

  public enum Severity: String, Sendable, Encodable, Comparable {
    case info, warning, critical
    public static func < (a: Severity, b: Severity) -> Bool {
      let order: [Severity] = [.info, .warning, .critical]
      return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
  }

  public struct Verdict: Sendable, Encodable {
    public var verdictClass: VerdictClass
    public var summary: String
    public var reasons: [String]
    /// What the technician should and should not do, in the report's language.
    public var advice: [String]
    enum CodingKeys: String, CodingKey { case verdictClass = "class", summary, reasons, advice }
  }

  public enum VerdictClass: String, Sendable, Encodable, CaseIterable {
    case recoverable
    case recoverableWithCredentials = "recoverable-with-credentials"
    /// Hardware-bound keys: only the original Mac (its security chip, with the owner's password) can open the volume.
    case recoverableOnOriginalDevice = "recoverable-on-original-device"
    case unrecoverableWithoutVendor = "unrecoverable-without-vendor"
    case notAPFS = "not-apfs"
    case damaged
  }

  public struct ReportError: Sendable, Encodable {
    public var code: String
    public var offset: Int?
    public var message: String
    enum CodingKeys: String, CodingKey { case code, offset, message }
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(code, forKey: .code)
      try c.encode(offset, forKey: .offset)
      try c.encode(message, forKey: .message)
    }
  }

  enum CodingKeys: String, CodingKey {
    case schema, tool, evidence, container, regions, findings, verdict, errors, language
    case contentScan = "content_scan", ipsw
  }
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(schema, forKey: .schema)
    try c.encode(tool, forKey: .tool)
    try c.encode(evidence, forKey: .evidence)
    try c.encode(container, forKey: .container)
    try c.encode(regions, forKey: .regions)
    try c.encode(findings, forKey: .findings)
    try c.encode(verdict, forKey: .verdict)
    try c.encode(errors, forKey: .errors)
    try c.encode(language, forKey: .language)
    try c.encode(contentScan, forKey: .contentScan)
    try c.encode(ipsw, forKey: .ipsw)
  }
}

/// A fact a finding rests on: a number, a string, a flag, a list, or null.
public enum Fact: Sendable, Encodable, Equatable {
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
