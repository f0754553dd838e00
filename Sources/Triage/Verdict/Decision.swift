import ImageAccess

/// The verdict as data: a class, a summary code, reasons with the figures they rest on, and advice codes. The words
/// for each come from the language catalogue (``Catalogue``) when the report is built.
public struct Decision: Sendable, Equatable {
  public var verdictClass: TriageReport.VerdictClass
  public var summary: Summary
  public var reasons: [Reason]
  public var advice: [Advice]

  public init(_ verdictClass: TriageReport.VerdictClass, _ summary: Summary, reasons: [Reason], advice: [Advice]) {
    self.verdictClass = verdictClass
    self.summary = summary
    self.reasons = reasons
    self.advice = advice
  }

  /// The summary, reasons and advice in `language`, with the reason and advice codes beside them.
  public func report(in language: Language) -> TriageReport.Verdict {
    let words = language.catalogue
    return .init(
      verdictClass: verdictClass, summary: words.summary(summary), reasons: reasons.map(words.reason),
      advice: advice.map(words.advice), summaryCode: summary.rawValue, reasonCodes: reasons.map(\.code.rawValue),
      adviceCodes: advice.map(\.rawValue))
  }
}

/// One-line summaries of a verdict.
public enum Summary: String, Sendable, CaseIterable {
  case wholeImageEncrypted = "whole-image-encrypted"
  case noContainer = "no-container"
  case noUsableCheckpoint = "no-usable-checkpoint"
  case treeUnwalkable = "tree-unwalkable"
  case evidenceDamaged = "evidence-damaged"
  case vendorKeys = "vendor-keys"
  case credentials = "credentials"
  /// The supplied credentials unlocked every encrypted user-data volume.
  case unlocked = "unlocked"
  /// Hardware-bound keys: only the original Mac can open the volume.
  case originalDeviceOnly = "original-device-only"
  case mostlyPlaintext = "mostly-plaintext"
  case notEncrypted = "not-encrypted"
}

/// What the technician should and should not do.
public enum Advice: String, Sendable, CaseIterable {
  case checkImage = "check-image"
  case keepOriginal = "keep-original"
  case findSegments = "find-segments"
  case repairTree = "repair-tree"
  case updateNotRestore = "update-not-restore"
  case doNotRestore = "do-not-restore"
  case refuseJob = "refuse-job"
  case pointToVendor = "point-to-vendor"
  case askCredentials = "ask-credentials"
  case keepCredentials = "keep-credentials"
  case unlockOnOriginalMac = "unlock-on-original-mac"
  case doNotQuoteDecryption = "do-not-quote-decryption"
  case quotePlaintext = "quote-plaintext"
  case workOnCopy = "work-on-copy"

  /// The advice of an `unrecoverable-without-vendor` job.
  public static let vendor: [Advice] = [.doNotRestore, .refuseJob, .pointToVendor]
}

/// A volume as a reason cites it.
public struct VolumeFigures: Sendable, Equatable {
  public var name: String
  public var role: String
  public var flags: UInt64
  public var flagNames: [String]
  public var allocatedBytes: UInt64
  /// What a walk of its tree measured, when the tree was walked to the end.
  public var tree: TreeFigures?

  public init(name: String, role: String, flags: UInt64, flagNames: [String], allocatedBytes: UInt64,
              tree: TreeFigures?) {
    self.name = name
    self.role = role
    self.flags = flags
    self.flagNames = flagNames
    self.allocatedBytes = allocatedBytes
    self.tree = tree
  }
}

/// What Ringo learned about the keys of one ONEKEY volume (``UnlockFacts`` without any secret).
public struct KeyFigures: Sendable, Equatable {
  /// `locked`, `unlocked`, `wrong-credentials`, `hardware-bound`, `unsupported` (report `unlock.state`).
  public var state: String
  /// `password` or `recovery-key`, when unlocked.
  public var method: String?
  public var userUUID: String?
  public var hint: String?
  public var passwordEntries: Int
  public var recoveryEntries: Int
  /// The structure that decided a `hardware-bound` or `unsupported` state, and where.
  public var structure: String?
  public var offset: Int?
  /// The reader's own words for that problem (a technical detail kept in English, also in the report's `errors`).
  public var detail: String?

  public init(state: String, method: String? = nil, userUUID: String? = nil, hint: String? = nil,
              passwordEntries: Int = 0, recoveryEntries: Int = 0, structure: String? = nil, offset: Int? = nil,
              detail: String? = nil) {
    self.state = state
    self.method = method
    self.userUUID = userUUID
    self.hint = hint
    self.passwordEntries = passwordEntries
    self.recoveryEntries = recoveryEntries
    self.structure = structure
    self.offset = offset
    self.detail = detail
  }
}

/// What one complete walk of a file-system tree measured.
public struct TreeFigures: Sendable, Equatable {
  public var files: Int
  public var encryptedBytes: UInt64
  public var plaintextBytes: UInt64
  /// Files per protection class, only the classes that hold files.
  public var protectionClasses: [String: Int]

  public init(files: Int, encryptedBytes: UInt64, plaintextBytes: UInt64, protectionClasses: [String: Int]) {
    self.files = files
    self.encryptedBytes = encryptedBytes
    self.plaintextBytes = plaintextBytes
    self.protectionClasses = protectionClasses.filter { $0.value > 0 }
  }

  public var encryptedShare: Double {
    let total = encryptedBytes + plaintextBytes
    return total > 0 ? Double(encryptedBytes) / Double(total) : 0
  }
}

/// Where and why a file-system tree walk stopped, and how far it got.
public struct TreeFailure: Sendable, Equatable {
  public var volume: String
  public var role: String
  /// The structure the error was found in (`fs tree`, `j_file_extent_val_t`, `volume omap` ...).
  public var structure: String
  public var offset: Int?
  public var errorCode: String
  /// The error as the parser states it (a technical detail kept in its original words).
  public var detail: String
  public var recordsRead: Int
  public var filesWalked: Int

  public init(volume: String, role: String, structure: String, offset: Int?, errorCode: String, detail: String,
              recordsRead: Int, filesWalked: Int) {
    self.volume = volume
    self.role = role
    self.structure = structure
    self.offset = offset
    self.errorCode = errorCode
    self.detail = detail
    self.recordsRead = recordsRead
    self.filesWalked = filesWalked
  }
}

/// The IPSW kernelcache facts a per-file verdict cites.
public struct KernelFigures: Sendable, Equatable {
  public var productVersion: String?
  public var im4pType: String
  public var payloadFormat: String
  public var kernelVersion: String?
  public var personalized: Bool
  public var encrypted: Bool

  public init(productVersion: String?, im4pType: String, payloadFormat: String, kernelVersion: String?,
              personalized: Bool, encrypted: Bool) {
    self.productVersion = productVersion
    self.im4pType = im4pType
    self.payloadFormat = payloadFormat
    self.kernelVersion = kernelVersion
    self.personalized = personalized
    self.encrypted = encrypted
  }
}

/// A parse error as reasons cite it: its code, structure and offset (the same in every language) and the parser's
/// own words (`detail`, English, also in the report's `errors`).
public struct ErrorFigures: Sendable, Equatable {
  public var code: String
  public var structure: String
  public var offset: Int?
  public var detail: String

  public init(code: String, structure: String, offset: Int?, detail: String) {
    self.code = code
    self.structure = structure
    self.offset = offset
    self.detail = detail
  }

  public init(_ error: ParseError) {
    self.init(code: error.code, structure: error.structure, offset: error.offset, detail: error.description)
  }
}

/// A checkpoint superblock tried while opening a damaged container.
public struct AttemptFigures: Sendable, Equatable {
  public var xid: UInt64
  /// `nil` when the attempt was used or not needed; else the parser's reason for skipping it.
  public var skipped: ErrorFigures?
  public var used: Bool

  public init(xid: UInt64, skipped: ErrorFigures?, used: Bool) {
    self.xid = xid
    self.skipped = skipped
    self.used = used
  }
}

/// Block zero's container superblock, as a damaged verdict cites it.
public struct BlockZeroFigures: Sendable, Equatable {
  public var xid: UInt64
  public var blockCount: UInt64
  public var blockSize: Int

  public init(xid: UInt64, blockCount: UInt64, blockSize: Int) {
    self.xid = xid
    self.blockCount = blockCount
    self.blockSize = blockSize
  }
}

/// A reason for a verdict, with the figures it rests on.
public enum Reason: Sendable, Equatable {
  /// No container superblock, and the content scan classed nearly all non-zero bytes as random.
  case wholeImageEncrypted(error: ErrorFigures, encryptedFraction: Double, nonZeroBytes: Int)
  /// No container superblock at offset 32 nor a GPT APFS partition.
  case noContainer(format: String, error: ErrorFigures)
  /// Block 0 holds a container superblock but no checkpoint could be used.
  case noUsableCheckpoint(blockZero: BlockZeroFigures?, attempts: [AttemptFigures], lastError: ErrorFigures)
  /// A finding the verdict rests on (free space against the update's need).
  case finding(Observation)
  /// The four links of the Data Protection key chain that end in the device.
  case fileKeysWrapped, classKeysFromUID, onlySecureEnclave, bootChainSigned
  /// User-data volumes with per-file Data Protection, whose file data is (or, unmeasured, is taken to be) encrypted.
  case perFileLocked(volumes: [VolumeFigures])
  /// The kernelcache of the IPSW given.
  case kernelcache(KernelFigures)
  /// A per-file volume most of whose file data sits in plaintext extents.
  case perFileMostlyPlaintext(volume: VolumeFigures)
  /// User-data volumes encrypted with one volume key.
  case onekey(volumes: [VolumeFigures], keybagBlock: UInt64?)
  /// Per-file Data Protection is not FileVault: no password, passcode or recovery key helps off the device.
  case noPasswordHelps
  /// A ONEKEY volume the supplied password or recovery key unlocked (what its walked tree holds).
  case keysUnlocked(volume: VolumeFigures, keys: KeyFigures)
  /// A ONEKEY volume none of whose keybag entries accepts the supplied credentials.
  case wrongCredentials(volume: VolumeFigures, keys: KeyFigures)
  /// A ONEKEY volume whose keybags could not be read (damaged, missing), located.
  case keysUnreadable(volume: VolumeFigures, keys: KeyFigures)
  /// A ONEKEY volume for which no credentials were supplied: its keybag entries and hint.
  case noCredentials(volume: VolumeFigures, keys: KeyFigures)
  /// A ONEKEY volume whose keys are wrapped by the original Mac's security chip, located.
  case hardwareBound(volume: VolumeFigures, keys: KeyFigures)
  /// No volume with role data, user or none.
  case noUserDataVolume(volumeCount: Int)
  /// Unencrypted user-data volumes whose trees were walked to the end.
  case notEncrypted(volumes: [VolumeFigures])
  /// Unencrypted user-data volumes whose trees were not walked (`TriageOptions.walkTrees` off): the flags alone say so.
  case notEncryptedUnwalked(volumes: [VolumeFigures])
  /// A volume's file-system tree could not be walked (to the end).
  case treeUnwalkable(TreeFailure)
  /// The evidence itself is damaged: a segment missing or truncated, a chunk whose checksum fails.
  case evidenceDamaged(format: String, error: ErrorFigures)

  public var code: ReasonCode {
    switch self {
    case .wholeImageEncrypted: .wholeImageEncrypted
    case .noContainer: .noContainer
    case .noUsableCheckpoint: .noUsableCheckpoint
    case .finding: .finding
    case .fileKeysWrapped: .fileKeysWrapped
    case .classKeysFromUID: .classKeysFromUID
    case .onlySecureEnclave: .onlySecureEnclave
    case .bootChainSigned: .bootChainSigned
    case .perFileLocked: .perFileLocked
    case .kernelcache: .kernelcache
    case .perFileMostlyPlaintext: .perFileMostlyPlaintext
    case .onekey: .onekey
    case .noPasswordHelps: .noPasswordHelps
    case .keysUnlocked: .keysUnlocked
    case .wrongCredentials: .wrongCredentials
    case .keysUnreadable: .keysUnreadable
    case .noCredentials: .noCredentials
    case .hardwareBound: .hardwareBound
    case .noUserDataVolume: .noUserDataVolume
    case .notEncrypted: .notEncrypted
    case .notEncryptedUnwalked: .notEncryptedUnwalked
    case .treeUnwalkable: .treeUnwalkable
    case .evidenceDamaged: .evidenceDamaged
    }
  }

  /// Why per-file Data Protection cannot be broken from an image: the chain of keys ending in the device.
  public static let vendorChain: [Reason] = [.fileKeysWrapped, .classKeysFromUID, .onlySecureEnclave, .bootChainSigned]
}

/// The stable code of each kind of ``Reason`` (`verdict.reason_codes` in the report).
public enum ReasonCode: String, Sendable, CaseIterable {
  case wholeImageEncrypted = "whole-image-encrypted"
  case noContainer = "no-container"
  case noUsableCheckpoint = "no-usable-checkpoint"
  case finding = "finding"
  case fileKeysWrapped = "file-keys-wrapped"
  case classKeysFromUID = "class-keys-from-uid"
  case onlySecureEnclave = "only-secure-enclave"
  case bootChainSigned = "boot-chain-signed"
  case perFileLocked = "per-file-locked"
  case kernelcache = "kernelcache"
  case perFileMostlyPlaintext = "per-file-mostly-plaintext"
  case onekey = "onekey"
  case noPasswordHelps = "no-password-helps"
  case keysUnlocked = "keys-unlocked"
  case wrongCredentials = "wrong-credentials"
  case keysUnreadable = "keys-unreadable"
  case noCredentials = "no-credentials"
  case hardwareBound = "hardware-bound"
  case noUserDataVolume = "no-user-data-volume"
  case notEncrypted = "not-encrypted"
  case notEncryptedUnwalked = "not-encrypted-unwalked"
  case treeUnwalkable = "tree-unwalkable"
  case evidenceDamaged = "evidence-damaged"
}
