import APFSFormat
import BlockScan
import DiskImage
import Evidence
import IPSWFormat
import ImageAccess

/// What the rules look at: the opened evidence and, when one was found, the container.
public struct TriageFacts: Sendable {
  public var evidence: OpenedEvidence
  public var container: APFSContainer?
  /// Set when a container superblock exists but no checkpoint could be used.
  public var damage: (blockZero: NXSuperblock?, attempts: [CheckpointAttempt], error: ParseError)?
  /// Set when no container superblock was found.
  public var notAPFS: ParseError?
  public var options: TriageOptions
  /// File-system tree measurements per volume index (absent when the tree was not walked).
  public var censuses: [Int: VolumeCensus] = [:]
  /// The structural region map, when trees were walked.
  public var structureMap: StructuralRegionMap.Result?
  /// The content scan, when it ran (`--scan`, or automatically when no container was found).
  public var contentScan: ScanResult?
  /// Where structure and content disagree, when both maps exist.
  public var mapComparison: MapComparison?
  /// EWF acquisition facts and verification, for an E01 evidence.
  public var ewf: EWFVerification? = nil
  /// Set when the evidence itself is damaged (a segment missing or truncated, a chunk whose checksum fails, media
  /// that no longer matches the acquisition hash): the verdict is `damaged` whatever the container says.
  public var evidenceDamage: ParseError? = nil
  /// The IPSW the device was updating to (`--ipsw`), its space estimate and kernelcache facts.
  public var ipsw: IPSWFacts?
  /// Key facts per encrypted volume index (ONEKEY: keyring and unlock outcome).
  public var unlocks: [Int: UnlockFacts] = [:]

  /// The census of `volume`, when its tree was walked (to the end or not).
  public func census(_ volume: APFSSuperblock) -> VolumeCensus? {
    guard let entry = container?.volumes.first(where: { $0.superblock?.uuid == volume.uuid }) else { return nil }
    return censuses[entry.index]
  }

  /// The census of `volume`, when its tree was walked to the end.
  public func completeCensus(_ volume: APFSSuperblock) -> VolumeCensus? {
    guard let census = census(volume), census.isComplete else { return nil }
    return census
  }

  /// The volumes whose trees could not be walked to the end for a reason other than encrypted metadata: where the
  /// walk stopped and how far it got, in volume order.
  public var treeFailures: [TreeFailure] {
    guard let container else { return [] }
    return container.volumes.compactMap { entry -> TreeFailure? in
      guard let volume = entry.superblock, let census = censuses[entry.index], let error = census.error,
        !census.metadataEncrypted
      else { return nil }
      return TreeFailure(
        volume: volume.name, role: volume.role.name, structure: error.structure, offset: error.offset,
        errorCode: error.code, detail: error.description, recordsRead: census.recordsRead, filesWalked: census.files)
    }
  }

  /// Container capacity in bytes (`nx_block_count` × block size).
  public var capacityBytes: UInt64 {
    guard let c = container else { return 0 }
    return c.superblock.blockCount &* UInt64(c.blockSize)
  }

  public var freeBytes: UInt64 {
    guard let c = container else { return 0 }
    return c.spaceManager.main.freeCount &* UInt64(c.blockSize)
  }

  /// Space a volume can still allocate: the container's free space, limited by the volume's quota.
  public func availableBytes(_ volume: APFSSuperblock) -> UInt64 {
    guard let c = container else { return 0 }
    let free = freeBytes
    guard volume.quotaBlockCount > 0 else { return free }
    let left = volume.quotaBlockCount > volume.allocatedBlockCount
      ? (volume.quotaBlockCount - volume.allocatedBlockCount) &* UInt64(c.blockSize) : 0
    return min(free, left)
  }

  /// The volumes that hold the user's data: role `data`; else role `user`; else the volumes without a role.
  public var userDataVolumes: [APFSSuperblock] {
    let volumes = container?.volumes.compactMap(\.superblock) ?? []
    for role in [VolumeRole.data, .user, .none] {
      let found = volumes.filter { $0.role == role }
      if !found.isEmpty { return found }
    }
    return []
  }
}

/// Options that change what the rules decide.
public struct TriageOptions: Sendable {
  public var hash = true
  /// Walk every volume's file-system tree (counts, file bytes, protection classes).
  public var walkTrees = true
  /// At most this many region runs go into the report (`regions.runs_truncated` says when more exist).
  public var runLimit = 100_000
  /// Scan the bytes: `true` always, `false` never, `nil` only when no container is found.
  public var scan: Bool? = nil
  /// The IPSW the device tried to install (`--ipsw FILE`).
  public var ipswPath: String? = nil
  public var minFree: MinFreeThreshold = .standard
  public var language: Language = .en
  /// Password or recovery key for ONEKEY volumes (never rendered).
  public var credential: Credential? = nil
  /// Key of an Apple Encrypted Archive evidence (`--aea-key`; never rendered).
  public var aeaKey: [UInt8]? = nil
  /// The signer's public key of a signed AEA evidence (`--aea-public-key`), to check its signature.
  public var aeaSigningKey: AEASigningKey? = nil
  /// Bytes read by the whole-evidence passes (hash, E01 media digests), for a progress line; `nil`: not counted.
  public var progress: ByteProgress? = nil
  public init() {}
}

/// The free-space level under which `low-free-space` is raised.
public enum MinFreeThreshold: Sendable, Equatable {
  /// free < max(1 GiB, 5% of capacity) for containers of 8 GiB or more, free < 5% below that.
  case standard
  case bytes(UInt64)
  case fraction(Double)

  public func threshold(capacity: UInt64) -> UInt64 {
    switch self {
    case .standard:
      let fivePercent = capacity / 20
      return capacity >= 8 << 30 ? max(1 << 30, fivePercent) : fivePercent
    case let .bytes(b): return b
    case let .fraction(f): return UInt64((Double(capacity) * f).rounded(.down))
    }
  }

  /// Parses `--min-free`: a byte count with an optional unit (`500M`, `2GiB`, `1073741824`) or a percentage (`5%`).
  public init?(parsing text: String) {
    let trimmed = text.trimmingCharacters(in: " ")
    if trimmed.hasSuffix("%") {
      guard let value = Double(trimmed.dropLast()), value >= 0, value <= 100 else { return nil }
      self = .fraction(value / 100)
      return
    }
    let units: [(String, UInt64)] = [
      ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
      ("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1000),
      ("T", 1 << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10), ("B", 1),
    ]
    for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
      guard let value = Double(trimmed.dropLast(suffix.count)), value >= 0 else { return nil }
      let bytes = value * Double(factor)
      guard bytes < 1.8e19 else { return nil }
      self = .bytes(UInt64(bytes))
      return
    }
    guard let value = UInt64(trimmed) else { return nil }
    self = .bytes(value)
  }
}

extension String {
  func trimmingCharacters(in set: Character) -> String {
    var s = Substring(self)
    while s.first == set { s = s.dropFirst() }
    while s.last == set { s = s.dropLast() }
    return String(s)
  }
}

/// One rule: looks at the facts and returns its findings (one rule per file under Rules/).
public protocol TriageRule: Sendable {
  func findings(for facts: TriageFacts) -> [RuleFinding]
}

/// What triage takes from an IPSW: version, the update's estimated space need, and the kernelcache's facts.
public struct IPSWFacts: Sendable {
  public var path: String
  public var productVersion: String?
  public var build: String?
  /// Marketing capacity (GB) assumed for the device, from the container size.
  public var deviceCapacityGB: Int
  public var estimate: SpaceEstimate?
  public var kernelcache: KernelcacheFacts?

  /// The marketing capacity of a device whose data container spans `bytes`: the smallest power of two (in GB of
  /// 10^9 bytes) not below it, at least 1. iPhones sell as 16, 32, 64, 128 GB ...; the container is a little
  /// smaller than the label.
  public static func capacityGB(containerBytes: UInt64) -> Int {
    let gb = Double(containerBytes) / 1e9
    var capacity = 1
    while Double(capacity) < gb, capacity < 1 << 20 { capacity *= 2 }
    return capacity
  }
}
