import ImageAccess

/// A decrypted keybag: the container keybag (`nx_keylocker`, object type `'keys'`) or a volume keybag (`'recs'`).
///
/// On disk: `media_keybag_t` = `obj_phys_t` then `kb_locker_t` at 0x20 (`kl_version` u16 = 2, `kl_nkeys` u16,
/// `kl_nbytes` u32, 8 bytes padding), then `kl_nkeys` `keybag_entry_t`s (`ke_uuid`[16], `ke_tag` u16, `ke_keylen` u16,
/// 4 bytes padding, `ke_keydata`), each starting on a 16-byte boundary. Apple File System Reference §Encryption
/// ("Keybags"); apfs-notes §3.8. Keybags are stored AES-XTS-128 encrypted with the container (or volume) UUID as
/// both key halves, 512-byte units, tweak = container-relative sector number (apfs-notes §0.6).
public struct Keybag: Sendable {
  /// `OBJECT_TYPE_CONTAINER_KEYBAG` ('keys') and `OBJECT_TYPE_VOLUME_KEYBAG` ('recs').
  public enum Kind: UInt32, Sendable {
    case container = 0x6B65_7973
    case volume = 0x7265_6373

    var structure: String { self == .container ? "container keybag" : "volume keybag" }
  }

  /// `ke_tag` values (`KB_TAG_*`).
  public enum Tag: Sendable, Equatable, CustomStringConvertible {
    case unknownZero, reserved1, volumeKey, volumeUnlockRecords, passphraseHint, wrappingMKey, volumeMKey
    case reservedF8
    case other(UInt16)

    public init(rawValue: UInt16) {
      switch rawValue {
      case 0: self = .unknownZero
      case 1: self = .reserved1
      case 2: self = .volumeKey
      case 3: self = .volumeUnlockRecords
      case 4: self = .passphraseHint
      case 5: self = .wrappingMKey
      case 6: self = .volumeMKey
      case 0xF8: self = .reservedF8
      default: self = .other(rawValue)
      }
    }

    /// The name in the Apple File System Reference (`KB_TAG_…`), or `tag-<n>` for a value it does not list.
    public var description: String {
      switch self {
      case .unknownZero: "KB_TAG_UNKNOWN"
      case .reserved1: "KB_TAG_RESERVED_1"
      case .volumeKey: "KB_TAG_VOLUME_KEY"
      case .volumeUnlockRecords: "KB_TAG_VOLUME_UNLOCK_RECORDS"
      case .passphraseHint: "KB_TAG_VOLUME_PASSPHRASE_HINT"
      case .wrappingMKey: "KB_TAG_WRAPPING_M_KEY"
      case .volumeMKey: "KB_TAG_VOLUME_M_KEY"
      case .reservedF8: "KB_TAG_RESERVED_F8"
      case let .other(n): "tag-\(n)"
      }
    }
  }

  /// One `keybag_entry_t`.
  public struct Entry: Sendable {
    public var uuid: UUIDBytes
    public var tag: Tag
    public var rawTag: UInt16
    public var data: [UInt8]
    /// Absolute image offset of the entry (of the decrypted bytes' position).
    public var offset: Int
  }

  public static let version: UInt16 = 2
  /// Keybags span at most this many blocks (real ones span one).
  public static let maxBlocks: UInt64 = 16
  /// At most this many entries (a 4 KiB keybag holds far fewer; the bound keeps a hostile count harmless).
  public static let maxEntries = 1024

  public let kind: Kind
  /// Absolute image offset of the keybag object.
  public let offset: Int
  public let entries: [Entry]
  /// The stored bytes were already plaintext (no decryption was needed).
  public let wasPlaintext: Bool

  /// Parses a decrypted keybag object.
  ///
  /// - Throws: ``ParseError`` located in the image for a bad checksum, type, version, count or entry length.
  public init(parsing reader: ByteReader, kind: Kind, wasPlaintext: Bool = false) throws(ParseError) {
    let structure = kind.structure
    try reader.verifyObjectChecksum(structure: structure)
    let fullType = try reader.u32(24)
    guard fullType & 0xFFFF == kind.rawValue & 0xFFFF || fullType == kind.rawValue else {
      throw ParseError(.badMagic(expected: UInt64(kind.rawValue), found: UInt64(fullType)),
                       in: structure, at: reader.absolute(24))
    }
    let version = try reader.u16(0x20)
    guard version == Self.version else {
      throw ParseError(.valueOutOfRange(field: "kl_version", value: UInt64(version)), in: structure,
                       at: reader.absolute(0x20))
    }
    let count = Int(try reader.u16(0x22))
    let byteCount = Int(try reader.u32(0x24))
    guard count <= Self.maxEntries else {
      throw ParseError(.limitExceeded(what: "kl_nkeys", limit: Self.maxEntries), in: structure, at: reader.absolute(0x22))
    }
    let start = 0x30
    guard byteCount <= reader.count - start else {
      throw ParseError(.valueOutOfRange(field: "kl_nbytes", value: UInt64(byteCount)), in: structure,
                       at: reader.absolute(0x24))
    }
    let end = start + byteCount
    var entries: [Entry] = []
    var position = start
    for index in 0..<count {
      guard position + 24 <= end else {
        throw ParseError(.truncated(needed: 24, available: max(0, end - position)),
                         in: "\(structure) entry \(index)", at: reader.absolute(min(position, reader.count)))
      }
      let length = Int(try reader.u16(position + 18))
      guard length <= end - position - 24 else {
        throw ParseError(.valueOutOfRange(field: "ke_keylen", value: UInt64(length)),
                         in: "\(structure) entry \(index)", at: reader.absolute(position + 18))
      }
      let rawTag = try reader.u16(position + 16)
      entries.append(Entry(
        uuid: try reader.uuid(position), tag: Tag(rawValue: rawTag), rawTag: rawTag,
        data: try reader.bytes(position + 24, length), offset: reader.absolute(position)))
      position += (24 + length + 15) & ~15
    }
    self.kind = kind
    self.offset = reader.base
    self.entries = entries
    self.wasPlaintext = wasPlaintext
  }

  /// Why a keybag could not be read: damaged structure, or bytes that do not decrypt with the UUID key.
  public enum ReadFailure: Error, Sendable {
    /// The prange or the bytes it names cannot be read.
    case unreadable(ParseError)
    /// Neither the stored bytes nor their decryption with the UUID key form a keybag object: the keybag is wrapped
    /// with another key (a T2 / Apple-silicon security chip holds it), or it is damaged. `offset` is the keybag's.
    case notDecryptable(offset: Int, structure: String, detail: String)
    /// Decrypted (checksum and type verified) but the keybag itself is malformed.
    case damaged(ParseError)
  }

  /// Reads the keybag at `block` (`blockCount` blocks) of `container`: stored bytes used as they are when they already
  /// form a valid keybag object (as dissect.apfs also accepts), else decrypted with `uuid ‖ uuid`.
  public static func read(
    container: APFSContainer, block: UInt64, blockCount: UInt64, uuid: UUIDBytes, kind: Kind
  ) throws(ReadFailure) -> Keybag {
    let structure = kind.structure
    guard blockCount >= 1, blockCount <= maxBlocks else {
      throw .unreadable(ParseError(.valueOutOfRange(field: "pr_block_count", value: blockCount), in: structure, at: nil))
    }
    let blockSize = container.blockSize
    guard block < container.superblock.blockCount, blockCount <= container.superblock.blockCount - block else {
      throw .unreadable(ParseError(.valueOutOfRange(field: "pr_start_paddr", value: block), in: structure, at: nil))
    }
    let offset = Int(block) * blockSize
    let length = Int(blockCount) * blockSize
    var bytes: [UInt8]
    do {
      bytes = try container.source.read(offset..<(offset + length))
    } catch {
      throw .unreadable((error as? ParseError) ?? ParseError(.invalid("\(error)"), in: structure, at: offset))
    }
    let stored = ByteReader(bytes, base: offset, structure: structure)
    if isObject(stored, kind: kind) {
      do { return try Keybag(parsing: stored, kind: kind, wasPlaintext: true) } catch { throw .damaged(error) }
    }
    if bytes.allSatisfy({ $0 == 0 }) {
      throw .damaged(ParseError(.invalid("the keybag blocks are zero-filled"), in: structure, at: offset))
    }
    do {
      try XTSCipher(uuid: uuid).decrypt(&bytes, firstUnit: UInt64(offset / XTSCipher.unitSize))
    } catch {
      throw .notDecryptable(offset: offset, structure: structure, detail: error.description)
    }
    let decrypted = ByteReader(bytes, base: offset, structure: structure)
    // A damaged keybag still decrypts to its own header in the units the damage did not touch (XTS garbles only the
    // 16-byte blocks that changed); a keybag wrapped with another key decrypts to noise everywhere.
    for candidate in [decrypted, stored] where !isObject(candidate, kind: kind) && hasKeybagHeader(candidate, kind: kind) {
      do {
        try candidate.verifyObjectChecksum(structure: structure)
      } catch {
        throw .damaged(error)
      }
    }
    guard isObject(decrypted, kind: kind) else {
      throw .notDecryptable(
        offset: offset, structure: structure,
        detail: "the \(blockCount)-block \(structure) at block \(block) is neither a plaintext keybag nor decrypts "
          + "with its UUID (AES-XTS-128, key \(kind == .container ? "nx_uuid" : "volume UUID") twice) to an object of "
          + "type '\(kind == .container ? "keys" : "recs")' with a valid Fletcher-64 checksum")
    }
    do { return try Keybag(parsing: decrypted, kind: kind) } catch { throw .damaged(error) }
  }

  /// The bytes hold a checksum-valid object of the keybag's type.
  static func isObject(_ reader: ByteReader, kind: Kind) -> Bool {
    guard (try? reader.verifyObjectChecksum(structure: kind.structure)) != nil,
      let type = try? reader.u32(24)
    else { return false }
    return type & 0xFFFF == kind.rawValue & 0xFFFF || type == kind.rawValue
  }

  /// The object type field names the keybag's type and `kl_version` is 2 (the checksum is not checked).
  static func hasKeybagHeader(_ reader: ByteReader, kind: Kind) -> Bool {
    guard let type = try? reader.u32(24), let version = try? reader.u16(0x20) else { return false }
    return (type & 0xFFFF == kind.rawValue & 0xFFFF || type == kind.rawValue) && version == Self.version
  }

  /// Entries for `uuid` with `tag`.
  public func entries(for uuid: UUIDBytes, tag: Tag) -> [Entry] {
    entries.filter { $0.uuid == uuid && $0.tag == tag }
  }
}
