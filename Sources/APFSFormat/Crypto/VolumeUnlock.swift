import ImageAccess

/// The volume encryption key (VEK) of an unlocked ONEKEY volume, as an AES-XTS-128 cipher. Never printed: its
/// description names no key bytes.
public struct VolumeKey: Sendable, CustomStringConvertible {
  public let cipher: XTSCipher
  init(vek: [UInt8]) { cipher = XTSCipher(key: vek) }
  public var description: String { "VolumeKey(redacted)" }
}

/// What a user supplied to unlock a volume. The secret is kept as bytes and never rendered.
public struct Credential: Sendable, CustomStringConvertible {
  public enum Method: String, Sendable { case password, recoveryKey = "recovery-key" }
  public let method: Method
  let secret: [UInt8]

  public init(password: String) {
    method = .password
    secret = Array(password.utf8)
  }

  /// The 24-character personal recovery key, with or without its dashes, in any case: normalised to the
  /// `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX` form macOS shows (used as the PBKDF2 password of the recovery record, as
  /// apfs-fuse and libfsapfs do).
  public init(recoveryKey: String) {
    method = .recoveryKey
    let letters = recoveryKey.uppercased().filter { $0.isLetter || $0.isNumber }
    if letters.count == 24 {
      var grouped = ""
      for (index, character) in letters.enumerated() {
        if index > 0 && index % 4 == 0 { grouped += "-" }
        grouped.append(character)
      }
      secret = Array(grouped.utf8)
    } else {
      secret = Array(recoveryKey.trimmingWhitespace().utf8)
    }
  }

  public var description: String { "Credential(\(method.rawValue), redacted)" }
}

extension String {
  fileprivate func trimmingWhitespace() -> String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s = s.dropFirst() }
    while let l = s.last, l.isWhitespace { s = s.dropLast() }
    return String(s)
  }
}

/// The key material of one volume, read from the container keybag and the volume keybag, and its unlock.
///
/// Order of reading (Apple File System Reference §Encryption; apfs-notes §0.6, §3.8): the container keybag at
/// `nx_keylocker` (decrypted with `nx_uuid`), its `KB_TAG_VOLUME_KEY` entry for the volume UUID (the wrapped VEK) and
/// its `KB_TAG_VOLUME_UNLOCK_RECORDS` entry (the prange of the volume keybag); the volume keybag (decrypted with the
/// volume UUID), whose `KB_TAG_VOLUME_UNLOCK_RECORDS` entries are the KEKs per user UUID (and the personal recovery
/// key's) and whose `KB_TAG_VOLUME_PASSPHRASE_HINT` entry is the hint.
public struct VolumeKeyring: Sendable {
  /// `APFS_FV_PERSONAL_RECOVERY_KEY_UUID`, EBC6C064-0000-11AA-AA11-00306543ECAC (AFSR §Encryption).
  public static let personalRecoveryKeyUUID = UUIDBytes([
    0xEB, 0xC6, 0xC0, 0x64, 0x00, 0x00, 0x11, 0xAA, 0xAA, 0x11, 0x00, 0x30, 0x65, 0x43, 0xEC, 0xAC,
  ])

  /// One KEK entry of the volume keybag.
  public struct UnlockRecord: Sendable {
    public var uuid: UUIDBytes
    /// `password`, `recovery-key`, or for a blob that does not parse, `unparseable`.
    public var kind: String
    public var blob: KeyBlob?
    public var offset: Int
    public var error: ParseError?
  }

  /// A located reason the keyring is incomplete.
  public struct Problem: Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case hardwareBound, damaged, missing }
    public var kind: Kind
    public var structure: String
    public var offset: Int?
    public var message: String
    public var description: String { message }
  }

  public let volumeUUID: UUIDBytes
  public var vek: KeyBlob?
  public var vekOffset: Int?
  public var volumeKeybagOffset: Int?
  public var records: [UnlockRecord] = []
  public var hint: String?
  /// Volume keybag entries that are neither KEKs nor the hint, by tag name.
  public var otherEntries: [String: Int] = [:]
  /// Set when the key material could not be read in full.
  public var problem: Problem?

  /// KEK entries by kind (`password`, `recovery-key`, `hfs-converted` for KEKs of volumes converted from HFS+,
  /// `unparseable`, and other volume keybag tags by name).
  public var kekEntries: [String: Int] {
    var counts: [String: Int] = [:]
    for record in records {
      counts[record.kind, default: 0] += 1
      if record.blob?.isConverted == true { counts["hfs-converted", default: 0] += 1 }
    }
    for (name, count) in otherEntries { counts[name, default: 0] += count }
    return counts
  }

  public var passwordRecordCount: Int { records.filter { $0.kind == "password" }.count }
  public var recoveryRecordCount: Int { records.filter { $0.kind == "recovery-key" }.count }

  init(volumeUUID: UUIDBytes) { self.volumeUUID = volumeUUID }

  /// Reads the keyring of `volume` from `container`. Never throws: what could not be read is in ``problem``.
  public static func read(container: APFSContainer, volume: APFSSuperblock) -> VolumeKeyring {
    var ring = VolumeKeyring(volumeUUID: volume.uuid)
    let sb = container.superblock
    let cryptoFlags = "nx_flags \(hex(sb.flags))" + (sb.usesSoftwareCrypto ? " (NX_CRYPTO_SW set)" : " (NX_CRYPTO_SW 0x4 not set)")
    guard sb.keylockerBlock != 0, sb.keylockerBlockCount != 0 else {
      ring.problem = Problem(
        kind: sb.usesSoftwareCrypto ? .missing : .hardwareBound, structure: "nx_superblock_t.nx_keylocker",
        offset: 0x510,
        message: "the container superblock has no keybag (nx_keylocker is empty, field at offset 0x510) and "
          + cryptoFlags + (sb.usesSoftwareCrypto ? "" : ": the volume keys are held by the Mac's security chip"))
      return ring
    }
    let containerBag: Keybag
    do {
      containerBag = try Keybag.read(
        container: container, block: sb.keylockerBlock, blockCount: sb.keylockerBlockCount, uuid: sb.uuid, kind: .container)
    } catch {
      ring.problem = problem(error, flags: cryptoFlags)
      return ring
    }
    if let entry = containerBag.entries(for: volume.uuid, tag: .volumeKey).first {
      ring.vekOffset = entry.offset
      do {
        ring.vek = try KeyBlob(parsing: entry.data, at: entry.offset + 24, structure: "VEK blob (KB_TAG_VOLUME_KEY)")
      } catch {
        ring.problem = Problem(kind: .damaged, structure: error.structure, offset: error.offset, message: error.description)
        return ring
      }
    } else {
      ring.problem = Problem(
        kind: .missing, structure: "container keybag", offset: containerBag.offset,
        message: "the container keybag at offset \(containerBag.offset) has no KB_TAG_VOLUME_KEY entry for volume "
          + "\(volume.uuid)")
      return ring
    }
    guard let locator = containerBag.entries(for: volume.uuid, tag: .volumeUnlockRecords).first else {
      ring.problem = Problem(
        kind: .missing, structure: "container keybag", offset: containerBag.offset,
        message: "the container keybag at offset \(containerBag.offset) has no KB_TAG_VOLUME_UNLOCK_RECORDS entry "
          + "(volume keybag location) for volume \(volume.uuid)")
      return ring
    }
    let reader = ByteReader(locator.data, base: locator.offset + 24, structure: "volume keybag prange")
    let block: UInt64
    let count: UInt64
    do {
      block = try reader.u64(0)
      count = try reader.u64(8)
    } catch {
      ring.problem = Problem(kind: .damaged, structure: error.structure, offset: error.offset, message: error.description)
      return ring
    }
    let volumeBag: Keybag
    do {
      volumeBag = try Keybag.read(container: container, block: block, blockCount: count, uuid: volume.uuid, kind: .volume)
    } catch {
      ring.problem = problem(error, flags: cryptoFlags)
      return ring
    }
    ring.volumeKeybagOffset = volumeBag.offset
    for entry in volumeBag.entries {
      switch entry.tag {
      case .volumeUnlockRecords:
        let kind = entry.uuid == personalRecoveryKeyUUID ? "recovery-key" : "password"
        do {
          let blob = try KeyBlob(parsing: entry.data, at: entry.offset + 24, structure: "KEK blob (KB_TAG_VOLUME_UNLOCK_RECORDS)")
          ring.records.append(UnlockRecord(uuid: entry.uuid, kind: kind, blob: blob, offset: entry.offset))
        } catch {
          ring.records.append(UnlockRecord(uuid: entry.uuid, kind: "unparseable", blob: nil, offset: entry.offset, error: error))
        }
      case .passphraseHint:
        ring.hint = String(decoding: entry.data.prefix { $0 != 0 }, as: UTF8.self)
      default:
        ring.otherEntries[entry.tag.description, default: 0] += 1
      }
    }
    return ring
  }

  static func problem(_ failure: Keybag.ReadFailure, flags: String) -> Problem {
    switch failure {
    case let .unreadable(e), let .damaged(e):
      Problem(kind: .damaged, structure: e.structure, offset: e.offset, message: e.description)
    case let .notDecryptable(offset, structure, detail):
      Problem(kind: .hardwareBound, structure: structure, offset: offset,
              message: detail + "; " + flags + ": it is wrapped by a key that only the original Mac's security chip "
                + "(T2 / Apple silicon Secure Enclave) holds")
    }
  }

  /// The outcome of an unlock attempt.
  public enum Outcome: Sendable {
    case unlocked(VolumeKey, method: Credential.Method, user: UUIDBytes)
    case wrongCredentials
    case hardwareBound(Problem)
    case unsupported(String)
  }

  /// Tries `credential` against every KEK entry (first those of its kind): HMAC checked, PBKDF2, RFC 3394 unwrap of
  /// the KEK, then of the VEK. When `verify` is given it must accept the key (e.g. a decrypted tree node verifies).
  public func unlock(with credential: Credential, verify: ((VolumeKey) -> Bool)? = nil) -> Outcome {
    if let problem {
      if problem.kind == .hardwareBound { return .hardwareBound(problem) }
      return .unsupported(problem.message)
    }
    guard let vek else { return .unsupported("no wrapped volume key") }
    let wanted = credential.method == .recoveryKey ? "recovery-key" : "password"
    let ordered = records.filter { $0.kind == wanted } + records.filter { $0.kind != wanted }
    for record in ordered {
      guard let blob = record.blob, blob.hmacIsValid, let kek = blob.unwrapKEK(password: credential.secret) else {
        continue
      }
      guard let key = vek.unwrapVEK(kek: kek) else { continue }
      let volumeKey = VolumeKey(vek: key)
      if let verify, !verify(volumeKey) { continue }
      let method: Credential.Method = record.kind == "recovery-key" ? .recoveryKey : .password
      return .unlocked(volumeKey, method: method, user: record.uuid)
    }
    if records.isEmpty { return .unsupported("the volume keybag has no KEK entries") }
    return .wrongCredentials
  }
}

