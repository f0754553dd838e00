/// What a finding rule observed, with the figures its message cites. The words come from the language catalogue
/// (``Catalogue``) when the report is built; the report's `facts` object carries the figures for machines.
public enum Observation: Sendable, Equatable {
  /// The container's free space is below the threshold.
  case lowFreeSpace(free: UInt64, capacity: UInt64, threshold: UInt64, fraction: Double)
  /// A volume limited by its quota can allocate less than the threshold.
  case lowVolumeSpace(volume: String, available: UInt64, quotaBytes: UInt64, allocatedBlocks: UInt64)
  /// The IPSW's estimated system-partition need exceeds the free space.
  case updateSpaceShortfall(version: String, need: UInt64, sources: String, capacityGB: Int, free: UInt64)
  /// The IPSW's estimated need, which the free space covers.
  case updateSpaceNeed(version: String, need: UInt64, sources: String, free: UInt64)
  /// The volume's tree nodes are encrypted (ONEKEY): counts come from its superblock.
  case metadataEncrypted(volume: String)
  /// A volume's file-system tree could not be walked to the end.
  case treeUnwalkable(TreeFailure)
  /// Per-file Data Protection (neither UNENCRYPTED nor ONEKEY).
  case perFileEncryption(volume: String, role: String, flags: UInt64)
  /// One volume key, unlocked by the user's password or recovery key.
  case onekeyEncryption(volume: String)
  /// The container keybag.
  case keybagPresent(block: UInt64, blocks: UInt64)
  /// The newest checkpoint was skipped; the container was read at an older one.
  case usedFallbackCheckpoint(xid: UInt64, skipped: [AttemptFigures])
  /// Block 0 is an older copy of the container superblock.
  case staleBlockZero(detail: String, blockZeroXID: UInt64, checkpointXID: UInt64)
  /// The image is shorter than the container says.
  case imageTruncated(blocks: UInt64, declared: UInt64, available: UInt64, lessThanOneBlock: Bool)
  /// Nearly all non-zero bytes are random and no structure was found.
  case wholeImageEncrypted(fraction: Double, nonZeroBytes: UInt64)
  /// Extents the structures mark encrypted hold text.
  case encryptedLooksLikeText(bytes: UInt64, firstOffset: Int)
  /// Blocks the space manager calls free hold data.
  case freeSpaceRemnants(bytes: UInt64)

  public var code: FindingCode {
    switch self {
    case .lowFreeSpace, .lowVolumeSpace: .lowFreeSpace
    case .updateSpaceShortfall: .updateSpaceShortfall
    case .updateSpaceNeed: .updateSpaceNeed
    case .metadataEncrypted: .metadataEncrypted
    case .treeUnwalkable: .treeUnwalkable
    case .perFileEncryption: .perFileEncryption
    case .onekeyEncryption: .onekeyEncryption
    case .keybagPresent: .keybagPresent
    case .usedFallbackCheckpoint: .usedFallbackCheckpoint
    case .staleBlockZero: .staleBlockZero
    case .imageTruncated: .imageTruncated
    case .wholeImageEncrypted: .wholeImageEncrypted
    case .encryptedLooksLikeText: .encryptedLooksLikeText
    case .freeSpaceRemnants: .freeSpaceRemnants
    }
  }
}

/// The stable finding codes (`findings[].code`).
public enum FindingCode: String, Sendable, CaseIterable {
  case lowFreeSpace = "low-free-space"
  case updateSpaceShortfall = "update-space-shortfall"
  case updateSpaceNeed = "update-space-need"
  case metadataEncrypted = "metadata-encrypted"
  case treeUnwalkable = "fs-tree-unwalkable"
  case perFileEncryption = "per-file-encryption"
  case onekeyEncryption = "onekey-encryption"
  case keybagPresent = "keybag-present"
  case usedFallbackCheckpoint = "used-fallback-checkpoint"
  case staleBlockZero = "stale-block-zero"
  case imageTruncated = "image-truncated"
  case wholeImageEncrypted = "whole-image-encrypted"
  case encryptedLooksLikeText = "encrypted-looks-like-text"
  case freeSpaceRemnants = "free-space-remnants"
}

/// One finding as a rule returns it: the observation (code and figures), severity, volume and the machine facts.
public struct RuleFinding: Sendable {
  public var observation: Observation
  public var severity: TriageReport.Severity
  public var volume: String?
  public var facts: [String: Fact]

  public init(_ observation: Observation, _ severity: TriageReport.Severity, volume: String? = nil,
              facts: [String: Fact]) {
    self.observation = observation
    self.severity = severity
    self.volume = volume
    self.facts = facts
  }

  public var code: FindingCode { observation.code }

  /// The report's finding, its message in `language`.
  public func report(in language: Language) -> TriageReport.Finding {
    .init(code: code.rawValue, severity: severity, volume: volume,
          message: language.catalogue.finding(observation), facts: facts)
  }
}
