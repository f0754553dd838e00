import APFSFormat
import ImageAccess

/// The typed facts the verdict is decided on, taken from ``TriageFacts`` and the findings.
public struct VerdictInput: Sendable, Equatable {
  public enum Evidence: Sendable, Equatable {
    /// No container superblock. `wholeImage` holds the content scan's figures when it found the image random.
    case noContainer(format: String, error: ErrorFigures, wholeImage: (encryptedFraction: Double, nonZeroBytes: Int)?)
    /// A container superblock exists but no checkpoint could be used.
    case damaged(blockZero: BlockZeroFigures?, attempts: [AttemptFigures], lastError: ErrorFigures)
    /// A usable container.
    case container(Container)
    /// The evidence itself is damaged (a segment missing or truncated, a chunk whose checksum fails, media that no
    /// longer matches its acquisition hash), whatever the container says.
    case evidenceDamaged(format: String, error: ErrorFigures)

    public static func == (a: Evidence, b: Evidence) -> Bool {
      switch (a, b) {
      case let (.noContainer(f1, e1, w1), .noContainer(f2, e2, w2)):
        f1 == f2 && e1 == e2 && w1?.encryptedFraction == w2?.encryptedFraction && w1?.nonZeroBytes == w2?.nonZeroBytes
      case let (.damaged(b1, a1, e1), .damaged(b2, a2, e2)): b1 == b2 && a1 == a2 && e1 == e2
      case let (.container(c1), .container(c2)): c1 == c2
      case let (.evidenceDamaged(f1, e1), .evidenceDamaged(f2, e2)): f1 == f2 && e1 == e2
      default: false
      }
    }
  }

  public struct Container: Sendable, Equatable {
    public var volumeCount: Int
    /// The container keybag's block, when there is one.
    public var keybagBlock: UInt64?
    /// The user-data volumes (role data, else user, else the volumes without a role).
    public var userVolumes: [UserVolume]
    /// Volumes whose trees could not be walked to the end (not counting encrypted metadata).
    public var treeFailures: [TreeFailure]
    /// Whether the trees were walked at all (`TriageOptions.walkTrees`).
    public var treesWalked: Bool

    public init(volumeCount: Int, keybagBlock: UInt64?, userVolumes: [UserVolume], treeFailures: [TreeFailure],
                treesWalked: Bool) {
      self.volumeCount = volumeCount
      self.keybagBlock = keybagBlock
      self.userVolumes = userVolumes
      self.treeFailures = treeFailures
      self.treesWalked = treesWalked
    }
  }

  public struct UserVolume: Sendable, Equatable {
    public var figures: VolumeFigures
    public var encryption: EncryptionStyle
    /// The keys of a ONEKEY volume: keybag entries, hint and the unlock outcome.
    public var keys: KeyFigures?

    public init(figures: VolumeFigures, encryption: EncryptionStyle, keys: KeyFigures? = nil) {
      self.figures = figures
      self.encryption = encryption
      self.keys = keys
    }
  }

  public var evidence: Evidence
  /// The free-space finding the verdict cites (`update-space-shortfall`, else a container `low-free-space`).
  public var spaceFinding: Observation?
  /// The kernelcache of the IPSW given with `--ipsw`.
  public var kernel: KernelFigures?

  public init(evidence: Evidence, spaceFinding: Observation?, kernel: KernelFigures?) {
    self.evidence = evidence
    self.spaceFinding = spaceFinding
    self.kernel = kernel
  }
}

/// Decides the verdict class, its summary, the reasons (each with the figures it rests on) and the advice.
///
/// - `damaged` first when the evidence itself is damaged (a missing or truncated segment, an E01 chunk whose checksum
///   fails, media that no longer matches its acquisition hash).
/// - `not-apfs`: no container superblock at offset 0 or in a GPT APFS partition.
/// - `damaged`: a container superblock exists but no checkpoint verifies; or a volume's file-system tree cannot be
///   walked to the end (a loop, an extent past the container ...), unless the user's data is per-file encrypted
///   anyway.
/// - `unrecoverable-without-vendor`: a user-data volume (role data, else user, else the volumes without a role)
///   uses per-file Data Protection and at least half of its measured file bytes are encrypted (or it was not
///   measured).
/// - `recoverable-on-original-device`: a ONEKEY user-data volume's keys are wrapped by the Mac's security chip (T2
///   or Apple silicon): no password or recovery key opens it off that Mac.
/// - `recoverable-with-credentials`: a user-data volume is ONEKEY-encrypted (FileVault-style); with the summary
///   `unlocked` when the supplied credentials unlocked every such volume.
/// - `recoverable`: otherwise.
public enum VerdictRule {
  /// The verdict of `facts` in the report's language.
  public static func verdict(for facts: TriageFacts, findings: [RuleFinding]) -> TriageReport.Verdict {
    decide(VerdictInput(facts, findings: findings)).report(in: facts.options.language)
  }

  /// The decision: a pure function of the typed facts.
  public static func decide(_ input: VerdictInput) -> Decision {
    let container: VerdictInput.Container
    switch input.evidence {
    case let .noContainer(_, error, wholeImage?):
      return Decision(
        .notAPFS, .wholeImageEncrypted,
        reasons: [.wholeImageEncrypted(error: error, encryptedFraction: wholeImage.encryptedFraction,
                                       nonZeroBytes: wholeImage.nonZeroBytes)] + Reason.vendorChain,
        advice: Advice.vendor)
    case let .noContainer(format, error, nil):
      return Decision(.notAPFS, .noContainer, reasons: [.noContainer(format: format, error: error)],
                      advice: [.checkImage])
    case let .damaged(blockZero, attempts, lastError):
      return Decision(
        .damaged, .noUsableCheckpoint,
        reasons: [.noUsableCheckpoint(blockZero: blockZero, attempts: attempts, lastError: lastError)],
        advice: [.keepOriginal])
    case let .evidenceDamaged(format, error):
      return Decision(.damaged, .evidenceDamaged, reasons: [.evidenceDamaged(format: format, error: error)],
                      advice: [.findSegments])
    case let .container(c):
      container = c
    }

    var reasons: [Reason] = input.spaceFinding.map { [.finding($0)] } ?? []
    let users = container.userVolumes
    let perFile = users.filter { $0.encryption == .perFile }.map(\.figures)
    let onekey = users.filter { $0.encryption == .onekey }.map(\.figures)
    // Measured bytes decide where the tree could be walked: per-file volumes count as unrecoverable only when at
    // least half of their file bytes sit in encrypted extents.
    let readablePerFile = perFile.filter { v in
      guard let tree = v.tree, tree.encryptedBytes + tree.plaintextBytes > 0 else { return false }
      return tree.encryptedBytes * 2 < tree.encryptedBytes + tree.plaintextBytes
    }
    let lockedPerFile = perFile.filter { !readablePerFile.contains($0) }
    let failures = container.treeFailures.map { Reason.treeUnwalkable($0) }

    if !lockedPerFile.isEmpty {
      reasons.append(.perFileLocked(volumes: lockedPerFile))
      reasons += Reason.vendorChain
      reasons.append(.noPasswordHelps)
      if let kernel = input.kernel { reasons.append(.kernelcache(kernel)) }
      reasons += failures
      return Decision(
        .unrecoverableWithoutVendor, .vendorKeys, reasons: reasons,
        advice: (input.spaceFinding != nil ? [.updateNotRestore] : []) + Advice.vendor)
    }
    if !failures.isEmpty {
      // A tree that cannot be walked: what it holds cannot be listed or read through the file system.
      return Decision(.damaged, .treeUnwalkable, reasons: reasons + failures, advice: [.repairTree])
    }
    reasons += readablePerFile.map { .perFileMostlyPlaintext(volume: $0) }
    let encrypted = users.filter { $0.encryption == .onekey }
    if !onekey.isEmpty {
      let bound = encrypted.compactMap { v in v.keys.flatMap { $0.state == "hardware-bound" ? (v.figures, $0) : nil } }
      if !bound.isEmpty {
        return Decision(
          .recoverableOnOriginalDevice, .originalDeviceOnly,
          reasons: bound.map { .hardwareBound(volume: $0.0, keys: $0.1) },
          advice: [.unlockOnOriginalMac, .doNotQuoteDecryption])
      }
      reasons += encrypted.compactMap { v in v.keys.map { Reason.keys(volume: v.figures, $0) } }
      if encrypted.allSatisfy({ $0.keys?.state == "unlocked" }) {
        return Decision(.recoverableWithCredentials, .unlocked, reasons: reasons, advice: [.keepCredentials])
      }
      reasons.append(.onekey(volumes: onekey, keybagBlock: container.keybagBlock))
      return Decision(.recoverableWithCredentials, .credentials, reasons: reasons, advice: [.askCredentials])
    }
    if !readablePerFile.isEmpty {
      return Decision(.recoverable, .mostlyPlaintext, reasons: reasons, advice: [.quotePlaintext])
    }
    if users.isEmpty {
      reasons.append(.noUserDataVolume(volumeCount: container.volumeCount))
    } else if container.treesWalked {
      reasons.append(.notEncrypted(volumes: users.map(\.figures)))
    } else {
      reasons.append(.notEncryptedUnwalked(volumes: users.map(\.figures)))
    }
    return Decision(.recoverable, .notEncrypted, reasons: reasons, advice: [.workOnCopy])
  }
}

extension VerdictInput {
  /// Takes the verdict's facts from the triage facts and the findings.
  public init(_ facts: TriageFacts, findings: [RuleFinding]) {
    let space = findings.first { $0.code == .updateSpaceShortfall }
      ?? findings.first { $0.code == .lowFreeSpace && $0.volume == nil }
    var kernel: KernelFigures? = nil
    if let k = facts.ipsw?.kernelcache {
      kernel = KernelFigures(
        productVersion: facts.ipsw?.productVersion, im4pType: k.im4pType, payloadFormat: "\(k.payloadFormat)",
        kernelVersion: k.kernelVersion, personalized: k.personalize == true, encrypted: k.isEncrypted)
    }
    self.init(evidence: .damaged(blockZero: nil, attempts: [], lastError: ErrorFigures(
                code: "no-container", structure: "evidence", offset: nil, detail: "no container")),
              spaceFinding: space?.observation,
              kernel: kernel)
    if let error = facts.notAPFS {
      var whole: (Double, Int)? = nil
      if let a = facts.contentScan?.encryptionAssessment(), a.isWholeImageEncrypted {
        whole = (a.encryptedFraction, a.nonZeroBytes)
      }
      evidence = .noContainer(format: facts.evidence.format.rawValue, error: ErrorFigures(error), wholeImage: whole)
    } else if let damage = facts.damage {
      evidence = .damaged(
        blockZero: damage.blockZero.map {
          BlockZeroFigures(xid: $0.transactionID, blockCount: $0.blockCount, blockSize: Int($0.blockSize))
        },
        attempts: damage.attempts.map { attempt in
          switch attempt.outcome {
          case let .skipped(e): AttemptFigures(xid: attempt.transactionID, skipped: ErrorFigures(e), used: false)
          case .used: AttemptFigures(xid: attempt.transactionID, skipped: nil, used: true)
          case .notNeeded: AttemptFigures(xid: attempt.transactionID, skipped: nil, used: false)
          }
        },
        lastError: ErrorFigures(damage.error))
    } else if let container = facts.container {
      let bs = UInt64(container.blockSize)
      evidence = .container(.init(
        volumeCount: container.volumes.count,
        keybagBlock: container.hasKeybag ? container.superblock.keylockerBlock : nil,
        userVolumes: facts.userDataVolumes.map { v in
          let tree = facts.completeCensus(v).map {
            TreeFigures(files: $0.files, encryptedBytes: $0.encryptedBytes, plaintextBytes: $0.plaintextBytes,
                        protectionClasses: $0.protectionClasses)
          }
          return UserVolume(
            figures: VolumeFigures(
              name: v.name, role: v.role.name, flags: v.flags.rawValue, flagNames: v.flags.names,
              allocatedBytes: v.allocatedBlockCount &* bs, tree: tree),
            encryption: v.encryption,
            keys: container.volumes.first { $0.superblock?.uuid == v.uuid }.flatMap { facts.unlocks[$0.index] }
              .map(KeyFigures.init))
        },
        treeFailures: facts.treeFailures, treesWalked: facts.options.walkTrees))
    }
    if let damage = facts.evidenceDamage {
      evidence = .evidenceDamaged(format: facts.evidence.format.rawValue, error: ErrorFigures(damage))
    }
  }
}

extension Reason {
  /// The reason for one ONEKEY volume's key facts (not hardware-bound: that decides its own verdict).
  static func keys(volume: VolumeFigures, _ keys: KeyFigures) -> Reason {
    switch keys.state {
    case "unlocked": .keysUnlocked(volume: volume, keys: keys)
    case "wrong-credentials": .wrongCredentials(volume: volume, keys: keys)
    case "unsupported": .keysUnreadable(volume: volume, keys: keys)
    default: .noCredentials(volume: volume, keys: keys)
    }
  }
}

extension KeyFigures {
  /// The figures of a volume's key facts.
  init(_ u: UnlockFacts) {
    self.init(
      state: u.state, method: u.method, userUUID: u.userUUID, hint: u.hint, passwordEntries: u.passwordRecords,
      recoveryEntries: u.recoveryRecords, structure: u.problem?.structure, offset: u.problem?.offset,
      detail: u.problem?.message ?? u.detail)
  }
}
