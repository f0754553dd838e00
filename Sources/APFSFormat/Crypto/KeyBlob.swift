import Crypto
import ImageAccess
import _CryptoExtras

/// A wrapped key from a keybag entry: the VEK of a volume (container keybag, `KB_TAG_VOLUME_KEY`) or a KEK (volume
/// keybag, `KB_TAG_VOLUME_UNLOCK_RECORDS`).
///
/// On disk a DER SEQUENCE with implicit context tags: `[0]` version, `[1]` HMAC-SHA256, `[2]` HMAC salt,
/// `[3]` { `[0]` version, `[1]` UUID, `[2]` flags (4 bytes, little-endian), `[3]` wrapped key (RFC 3394),
/// `[4]` PBKDF2 iterations, `[5]` PBKDF2 salt }; VEK blobs have no `[4]`/`[5]`. The HMAC covers the DER of `[3]`
/// with key SHA-256(`01 16 20 17 15 05` ‖ salt). Flag 0x2 marks a volume converted from HFS+/CoreStorage: the
/// keys are AES-128 and the VEK is completed with SHA-256(VEK ‖ UUID)[0..<16]. (apfs-notes §3.8; dissect.apfs
/// `keybag.py`; libfsapfs documentation "Key bag".) Fields after `[5]` (newer macOS) are kept as unknown tags.
public struct KeyBlob: Sendable {
  public var hmac: [UInt8]
  public var hmacSalt: [UInt8]
  /// The DER bytes of `[3]`, which the HMAC covers.
  public var signedBytes: [UInt8]
  public var uuid: UUIDBytes?
  public var flags: UInt32
  public var wrappedKey: [UInt8]
  public var iterations: Int?
  public var salt: [UInt8]?
  /// Context tags inside `[3]` that this reader does not interpret.
  public var unknownTags: [Int]

  /// Flag 0x2: volume converted from HFS+ (CoreStorage), AES-128 keys.
  public var isConverted: Bool { flags & 0x2 != 0 }

  /// PBKDF2 rounds accepted (macOS uses tens to hundreds of thousands; the cap bounds time on hostile input).
  public static let maxIterations = 10_000_000

  /// - Throws: ``ParseError`` located at `offset` plus the position in the blob.
  public init(parsing bytes: [UInt8], at offset: Int, structure: String) throws(ParseError) {
    var outer = DERReader(bytes, base: offset, structure: structure)
    let sequence = try outer.next()
    guard sequence.tag == 0x30 else {
      throw ParseError(.badMagic(expected: 0x30, found: UInt64(sequence.tag)), in: structure, at: offset)
    }
    var fields = DERReader(Array(bytes[sequence.content]), base: offset + sequence.content.lowerBound, structure: structure)
    var hmac: [UInt8]? = nil
    var hmacSalt: [UInt8]? = nil
    var inner: (bytes: [UInt8], whole: [UInt8], base: Int)? = nil
    while let field = try fields.nextIfAny() {
      let content = Array(fields.bytes[field.content])
      switch field.tag {
      case 0x81: hmac = content
      case 0x82: hmacSalt = content
      case 0xA3:
        inner = (content, Array(fields.bytes[field.whole]), fields.base + field.content.lowerBound)
      default: break
      }
    }
    guard let hmac, let hmacSalt, let inner else {
      throw ParseError(.invalid("key blob lacks its HMAC [1], salt [2] or body [3]"), in: structure, at: offset)
    }
    var body = DERReader(inner.bytes, base: inner.base, structure: structure)
    var uuid: UUIDBytes? = nil
    var flags: UInt32 = 0
    var wrapped: [UInt8]? = nil
    var iterations: Int? = nil
    var salt: [UInt8]? = nil
    var unknown: [Int] = []
    while let field = try body.nextIfAny() {
      let content = Array(body.bytes[field.content])
      switch field.tag {
      case 0x80: break
      case 0x81:
        if content.count == 16 { uuid = UUIDBytes(content) }
      case 0x82:
        flags = content.prefix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
      case 0x83: wrapped = content
      case 0x84:
        guard content.count <= 8 else {
          throw ParseError(.valueOutOfRange(field: "iterations length", value: UInt64(content.count)), in: structure,
                           at: body.base + field.content.lowerBound)
        }
        let value = content.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard value >= 1, value <= UInt64(Self.maxIterations) else {
          throw ParseError(.valueOutOfRange(field: "iterations", value: value), in: structure,
                           at: body.base + field.content.lowerBound)
        }
        iterations = Int(value)
      case 0x85: salt = content
      default: unknown.append(Int(field.tag & 0x1F))
      }
    }
    guard let wrapped else {
      throw ParseError(.invalid("key blob body lacks its wrapped key [3]"), in: structure, at: inner.base)
    }
    guard wrapped.count >= 24, wrapped.count % 8 == 0, wrapped.count <= 512 else {
      throw ParseError(.valueOutOfRange(field: "wrapped key length", value: UInt64(wrapped.count)), in: structure,
                       at: inner.base)
    }
    self.hmac = hmac
    self.hmacSalt = hmacSalt
    self.signedBytes = inner.whole
    self.uuid = uuid
    self.flags = flags
    self.wrappedKey = wrapped
    self.iterations = iterations
    self.salt = salt
    self.unknownTags = unknown
  }

  /// The stored HMAC matches the body.
  public var hmacIsValid: Bool {
    let key = SymmetricKey(data: SHA256.hash(data: [0x01, 0x16, 0x20, 0x17, 0x15, 0x05] + hmacSalt))
    return HMAC<SHA256>.isValidAuthenticationCode(hmac, authenticating: signedBytes, using: key)
  }

  /// RFC 3394 unwrap of the stored key with `wrappingKey` (AES-128 for converted volumes, else AES-256). `nil` when
  /// the integrity check of the unwrap fails: the wrapping key is wrong.
  func unwrap(with wrappingKey: [UInt8]) -> [UInt8]? {
    var key = wrappingKey
    var wrapped = Array(wrappedKey.prefix(40))
    if isConverted {
      key = Array(key.prefix(16))
      wrapped = Array(wrapped.prefix(24))
    }
    guard let unwrapped = try? AES.KeyWrap.unwrap(wrapped, using: SymmetricKey(data: key)) else { return nil }
    return unwrapped.withUnsafeBytes { Array($0) }
  }

  /// The KEK behind this unlock record, from `password` (PBKDF2-HMAC-SHA256 with the record's salt and
  /// iterations); `nil` for a wrong password.
  func unwrapKEK(password: [UInt8]) -> [UInt8]? {
    guard let iterations, let salt else { return nil }
    guard let derived = try? KDF.Insecure.PBKDF2.deriveKey(
      from: password, salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: iterations)
    else { return nil }
    return unwrap(with: derived.withUnsafeBytes { Array($0) })
  }

  /// The 32-byte AES-XTS volume key behind this VEK blob, unwrapped with `kek`; `nil` when the KEK does not fit.
  func unwrapVEK(kek: [UInt8]) -> [UInt8]? {
    guard var vek = unwrap(with: kek) else { return nil }
    if isConverted {
      guard let uuid else { return nil }
      vek += Array(SHA256.hash(data: vek + uuid.bytes)).prefix(16)
    }
    return vek.count == 32 ? vek : nil
  }
}

/// A bounded DER TLV reader (definite lengths up to 4 bytes; no indefinite forms), enough for keybag blobs.
struct DERReader {
  struct Element {
    var tag: UInt8
    var whole: Range<Int>
    var content: Range<Int>
  }

  let bytes: [UInt8]
  let base: Int
  let structure: String
  var position = 0

  init(_ bytes: [UInt8], base: Int, structure: String) {
    self.bytes = bytes
    self.base = base
    self.structure = structure
  }

  mutating func nextIfAny() throws(ParseError) -> Element? {
    position < bytes.count ? try next() : nil
  }

  mutating func next() throws(ParseError) -> Element {
    let start = position
    guard position + 2 <= bytes.count else {
      throw ParseError(.truncated(needed: 2, available: bytes.count - position), in: structure, at: base + position)
    }
    let tag = bytes[position]
    guard tag & 0x1F != 0x1F else {
      throw ParseError(.invalid("multi-byte DER tag"), in: structure, at: base + position)
    }
    var length = Int(bytes[position + 1])
    position += 2
    if length & 0x80 != 0 {
      let octets = length & 0x7F
      guard octets >= 1, octets <= 4 else {
        throw ParseError(.invalid("DER length of \(octets) octets"), in: structure, at: base + start + 1)
      }
      guard position + octets <= bytes.count else {
        throw ParseError(.truncated(needed: octets, available: bytes.count - position), in: structure, at: base + position)
      }
      length = 0
      for _ in 0..<octets {
        length = length << 8 | Int(bytes[position])
        position += 1
      }
    }
    guard length <= bytes.count - position else {
      throw ParseError(.truncated(needed: length, available: bytes.count - position), in: structure, at: base + start)
    }
    let content = position..<(position + length)
    position += length
    return Element(tag: tag, whole: start..<position, content: content)
  }
}
