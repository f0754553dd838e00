import Foundation
import Reporting
import TestSupport
import Testing

@testable import Triage

/// Every code has its words in every language, and the Japanese words are Japanese.
@Suite struct CatalogueTests {
  static let volume = VolumeFigures(
    name: "Data", role: "data", flags: 0, flagNames: [], allocatedBytes: 684_032,
    tree: TreeFigures(files: 60, encryptedBytes: 506_466, plaintextBytes: 10, protectionClasses: ["A": 10]))
  static let failure = TreeFailure(
    volume: "Data", role: "data", structure: "j_file_extent_val_t", offset: 1_245_184, errorCode: "value-out-of-range",
    detail: "phys_block_num + len out of range", recordsRead: 12, filesWalked: 3)

  static let parseError = ErrorFigures(code: "bad-magic", structure: "nx_superblock_t", offset: 32,
                                       detail: "bad magic in nx_superblock_t at offset 32")

  /// One example of every reason, with figures.
  static let reasons: [Reason] = [
    .wholeImageEncrypted(error: parseError, encryptedFraction: 0.999, nonZeroBytes: 4096),
    .noContainer(format: "raw", error: parseError),
    .noUsableCheckpoint(blockZero: BlockZeroFigures(xid: 4, blockCount: 1024, blockSize: 4096),
                        attempts: [AttemptFigures(xid: 4, skipped: parseError, used: false),
                                   AttemptFigures(xid: 3, skipped: nil, used: true)], lastError: parseError),
    .finding(.lowFreeSpace(free: 1, capacity: 100, threshold: 5, fraction: 0.01)),
    .fileKeysWrapped, .classKeysFromUID, .onlySecureEnclave, .bootChainSigned,
    .perFileLocked(volumes: [volume]),
    .kernelcache(KernelFigures(productVersion: "17.0", im4pType: "krnl", payloadFormat: "lzfse",
                               kernelVersion: "Darwin Kernel Version 23.0.0", personalized: true, encrypted: true)),
    .perFileMostlyPlaintext(volume: volume),
    .onekey(volumes: [volume], keybagBlock: 12),
    .noUserDataVolume(volumeCount: 3),
    .notEncrypted(volumes: [volume]),
    .notEncryptedUnwalked(volumes: [volume]),
    .treeUnwalkable(failure),
    .noPasswordHelps,
    .keysUnlocked(volume: volume, keys: KeyFigures(state: "unlocked", method: "password", userUUID: "EBC6C064-0000")),
    .keysUnlocked(volume: volume, keys: KeyFigures(state: "unlocked", method: "recovery-key", userUUID: "EBC6C064-0000")),
    .wrongCredentials(volume: volume, keys: KeyFigures(state: "wrong-credentials", hint: "Data", passwordEntries: 1)),
    .keysUnreadable(volume: volume, keys: KeyFigures(state: "unsupported", structure: "kb_locker", offset: 397_312,
                                                      detail: "bad keybag version 9")),
    .noCredentials(volume: volume, keys: KeyFigures(state: "locked", passwordEntries: 2, recoveryEntries: 1)),
    .hardwareBound(volume: volume, keys: KeyFigures(state: "hardware-bound", structure: "kb_locker", offset: 397_312,
                                                    detail: "the keybag does not decrypt with the container UUID")),
    .hardwareBound(volume: volume, keys: KeyFigures(state: "hardware-bound", structure: "nx_superblock_t.nx_keylocker",
                                                    offset: 0, detail: "no keybag and NX_CRYPTO_SW clear")),
    .evidenceDamaged(format: "ewf", error: ErrorFigures(code: "invalid", structure: "ewf_chunk", offset: 12_976_128,
                                                       detail: "chunk checksum does not match")),
  ]

  /// One example of every finding, with figures.
  static let observations: [Observation] = [
    .lowFreeSpace(free: 1, capacity: 100, threshold: 5, fraction: 0.01),
    .lowVolumeSpace(volume: "Data", available: 4096, quotaBytes: 1 << 20, allocatedBlocks: 200),
    .updateSpaceShortfall(version: "17.0 (21A329)", need: 6 << 30, sources: "MinimumSystemPartition", capacityGB: 64,
                          free: 1 << 30),
    .updateSpaceNeed(version: "17.0 (21A329)", need: 6 << 30, sources: "MinimumSystemPartition", free: 8 << 30),
    .metadataEncrypted(volume: "Data"),
    .treeUnwalkable(failure),
    .perFileEncryption(volume: "Data", role: "data", flags: 0),
    .onekeyEncryption(volume: "Data"),
    .keybagPresent(block: 12, blocks: 1),
    .usedFallbackCheckpoint(xid: 3, skipped: [AttemptFigures(xid: 4, skipped: parseError, used: false)]),
    .staleBlockZero(detail: "block 0 is xid 2, checkpoint xid 4", blockZeroXID: 2, checkpointXID: 4),
    .imageTruncated(blocks: 1024, declared: 4_194_304, available: 4_190_000, lessThanOneBlock: true),
    .wholeImageEncrypted(fraction: 0.999, nonZeroBytes: 4096),
    .encryptedLooksLikeText(bytes: 4096, firstOffset: 8192),
    .freeSpaceRemnants(bytes: 4096),
  ]

  /// Figures and names the examples put into the text, which may be ASCII in Japanese too.
  static let names = [
    "Data", "Darwin Kernel Version 23.0.0", "MinimumSystemPartition", "lzfse", "krnl", "EBC6C064-0000", "kb_locker",
    "nx_superblock_t.nx_keylocker",
  ]

  func check(_ en: String, _ ja: String, _ what: String) {
    #expect(!en.isEmpty && !ja.isEmpty, "\(what): empty phrase")
    #expect(en != ja, "\(what): the Japanese phrase is the English one")
    let stray = StrayEnglish.words(in: ja, names: Self.names)
    #expect(stray.isEmpty, "\(what): English in Japanese: \(stray) in \(ja)")
  }

  @Test func everyReasonCodeHasAPhraseInEveryLanguage() {
    #expect(Set(Self.reasons.map(\.code)) == Set(ReasonCode.allCases), "examples miss a reason code")
    for reason in Self.reasons {
      check(Language.en.catalogue.reason(reason), Language.ja.catalogue.reason(reason), reason.code.rawValue)
    }
  }

  @Test func everyFindingCodeHasAPhraseInEveryLanguage() {
    #expect(Set(Self.observations.map(\.code)) == Set(FindingCode.allCases), "examples miss a finding code")
    for observation in Self.observations {
      check(Language.en.catalogue.finding(observation), Language.ja.catalogue.finding(observation),
            observation.code.rawValue)
    }
  }

  @Test func everySummaryAdviceVerdictAndLabelHasAPhraseInEveryLanguage() {
    let en = Language.en.catalogue, ja = Language.ja.catalogue
    for summary in Summary.allCases { check(en.summary(summary), ja.summary(summary), summary.rawValue) }
    for advice in Advice.allCases { check(en.advice(advice), ja.advice(advice), advice.rawValue) }
    for verdict in TriageReport.VerdictClass.allCases {
      check(en.verdictName(verdict), ja.verdictName(verdict), verdict.rawValue)
    }
    for label in Label.allCases {
      let english = en.labels[label], japanese = ja.labels[label]
      #expect(english != nil && japanese != nil, "label \(label.rawValue) lacks a phrase")
      // Labels that are codes or acronyms in both languages may be equal (`#`, `inode`).
      #expect(StrayEnglish.words(in: japanese ?? "", names: ["{url}", "{gb}"]).isEmpty, "label \(label.rawValue): \(japanese ?? "")")
    }
    check(en.readable(plaintext: 1, encrypted: 2, compressed: 3, classes: ["A": 1]),
          ja.readable(plaintext: 1, encrypted: 2, compressed: 3, classes: ["A": 1]), "readable")
  }

  @Test func theCheckerFindsEnglishLabels() {
    // The checker itself: English labels are found, codes, units, names and acronyms are not.
    #expect(StrayEnglish.words(in: "  path:    Samples/x.img\n  size: 8.00 MiB", names: ["Samples/x.img"])
            == ["path", "size"])
    #expect(StrayEnglish.words(in: "[critical] low-free-space APFS_FS_ONEKEY GPT 0x1F 82814252-2a0b 4.00 KiB").isEmpty)
  }

  /// The decision alone for ONEKEY volumes: hardware-bound keys decide `recoverable-on-original-device` (never a wrong
  /// password), keys unlocked by the credentials `unlocked`, anything else asks for the credentials.
  @Test func volumeKeysDecide() {
    func decide(_ keys: KeyFigures?) -> Decision {
      VerdictRule.decide(VerdictInput(
        evidence: .container(.init(volumeCount: 1, keybagBlock: 97,
                                   userVolumes: [.init(figures: Self.volume, encryption: .onekey, keys: keys)],
                                   treeFailures: [], treesWalked: true)),
        spaceFinding: nil, kernel: nil))
    }
    let bound = KeyFigures(state: "hardware-bound", structure: "kb_locker", offset: 397_312, detail: "x")
    #expect(decide(bound).verdictClass == .recoverableOnOriginalDevice)
    #expect(decide(bound).summary == .originalDeviceOnly)
    #expect(decide(bound).reasons == [.hardwareBound(volume: Self.volume, keys: bound)])
    #expect(decide(bound).advice == [.unlockOnOriginalMac, .doNotQuoteDecryption])
    let unlocked = KeyFigures(state: "unlocked", method: "password", userUUID: "u")
    #expect(decide(unlocked).verdictClass == .recoverableWithCredentials)
    #expect(decide(unlocked).summary == .unlocked)
    #expect(decide(unlocked).reasons.map(\.code) == [.keysUnlocked])
    #expect(decide(unlocked).advice == [.keepCredentials])
    let wrong = KeyFigures(state: "wrong-credentials", passwordEntries: 1)
    #expect(decide(wrong).summary == .credentials)
    #expect(decide(wrong).reasons.map(\.code) == [.wrongCredentials, .onekey])
    #expect(decide(KeyFigures(state: "locked")).reasons.map(\.code) == [.noCredentials, .onekey])
    #expect(decide(KeyFigures(state: "unsupported")).reasons.map(\.code) == [.keysUnreadable, .onekey])
    #expect(decide(nil).reasons.map(\.code) == [.onekey])
  }

  /// The decision alone: a broken tree beside an unencrypted user volume is `damaged`, not `recoverable`.
  @Test func brokenTreeDecidesDamaged() {
    var plain = Self.volume
    plain.tree = TreeFigures(files: 3, encryptedBytes: 0, plaintextBytes: 10, protectionClasses: [:])
    let input = VerdictInput(
      evidence: .container(.init(volumeCount: 2, keybagBlock: nil,
                                 userVolumes: [.init(figures: plain, encryption: .none)],
                                 treeFailures: [Self.failure], treesWalked: true)),
      spaceFinding: nil, kernel: nil)
    let decision = VerdictRule.decide(input)
    #expect(decision.verdictClass == .damaged)
    #expect(decision.reasons == [.treeUnwalkable(Self.failure)])
    var healthy = input
    healthy.evidence = .container(.init(volumeCount: 2, keybagBlock: nil,
                                        userVolumes: [.init(figures: plain, encryption: .none)],
                                        treeFailures: [], treesWalked: true))
    #expect(VerdictRule.decide(healthy).verdictClass == .recoverable)
    #expect(VerdictRule.decide(healthy).reasons.map(\.code) == [.notEncrypted])
    // Trees not walked: the flags alone, and no claim that the files were read.
    var unwalked = healthy
    unwalked.evidence = .container(.init(volumeCount: 2, keybagBlock: nil,
                                         userVolumes: [.init(figures: Self.volume, encryption: .none)],
                                         treeFailures: [], treesWalked: false))
    #expect(VerdictRule.decide(unwalked).reasons.map(\.code) == [.notEncryptedUnwalked])
    // Per-file user data stays unrecoverable with a broken tree beside it, the failure among the reasons.
    var perFile = input
    perFile.evidence = .container(.init(volumeCount: 2, keybagBlock: nil,
                                        userVolumes: [.init(figures: Self.volume, encryption: .perFile)],
                                        treeFailures: [Self.failure], treesWalked: true))
    let locked = VerdictRule.decide(perFile)
    #expect(locked.verdictClass == .unrecoverableWithoutVendor)
    #expect(locked.reasons.contains(.treeUnwalkable(Self.failure)))
  }
}
