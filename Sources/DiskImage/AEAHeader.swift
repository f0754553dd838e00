import ImageAccess

/// An Apple Encrypted Archive (`AEA1`) header: profile, auth data and the key-service URL, recognised but not
/// decrypted.
///
/// IPSW `.dmg.aea` files use profile 1 (symmetric encryption) with a key that must be fetched from Apple's key
/// service (`com.apple.wkms.fcs-key-url`) and unwrapped with HPKE, or supplied by the user. On disk: little-endian,
/// ipsw-notes §3.5 (blacktop `pkg/aea`).
public struct AEAHeader: Sendable, Equatable {
  public static let magic: UInt32 = 0x3141_4541  // "AEA1" read little-endian
  /// Largest auth data accepted (real IPSW AEA auth data is a few KiB).
  public static let maximumAuthDataLength = 1 << 20
  /// Most auth-data entries accepted.
  public static let maximumAuthEntries = 4096

  /// Profiles (low 24 bits of the second word). Open set.
  public struct Profile: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let signed = Profile(rawValue: 0)
    public static let symmetricEncryption = Profile(rawValue: 1)
    public static let symmetricEncryptionSigned = Profile(rawValue: 2)
    public static let asymmetricEncryption = Profile(rawValue: 3)
    public static let asymmetricEncryptionSigned = Profile(rawValue: 4)
    public static let passwordEncryption = Profile(rawValue: 5)
    public var description: String {
      switch rawValue {
      case 0: "signed (not encrypted)"
      case 1: "symmetric encryption"
      case 2: "symmetric encryption, signed"
      case 3: "asymmetric encryption"
      case 4: "asymmetric encryption, signed"
      case 5: "password encryption"
      default: "unknown profile \(rawValue)"
      }
    }
  }

  public var profile: Profile  // low 24 bits
  public var scryptStrength: UInt8  // high 8 bits
  public var authDataLength: UInt32
  /// Auth-data fields in stored order (`key\0value`; values that are not UTF-8 are kept as lossy text).
  public var authData: [(key: String, value: String)]
  /// File offset of the 32-byte main salt (just after the auth data).
  public var mainSaltOffset: Int

  public static let keyURLField = "com.apple.wkms.fcs-key-url"
  public static let keyResponseField = "com.apple.wkms.fcs-response"

  /// The key-service URL, when the auth data names one.
  public var keyServiceURL: String? { authData.first { $0.key == Self.keyURLField }?.value }

  public init(parsing source: any ByteSource) throws {
    let head = try source.reader(at: 0, length: 12, structure: "AEA1 header")
    let found = try head.u32(0)
    guard found == Self.magic else {
      throw ParseError(.badMagic(expected: UInt64(Self.magic), found: UInt64(found)), in: "AEA1 header", at: 0)
    }
    let word = try head.u32(4)
    profile = Profile(rawValue: word & 0x00FF_FFFF)
    scryptStrength = UInt8(word >> 24)
    authDataLength = try head.u32(8)
    guard authDataLength <= UInt32(Self.maximumAuthDataLength) else {
      throw ParseError(.limitExceeded(what: "auth data of \(authDataLength) bytes", limit: Self.maximumAuthDataLength), in: "AEA1 header", at: 8)
    }
    let auth = try source.reader(at: 12, length: Int(authDataLength), structure: "AEA1 auth data")
    var fields: [(String, String)] = []
    var offset = 0
    // Bounded: every field consumes at least 4 bytes; the count is capped too.
    while offset < auth.count {
      guard fields.count < Self.maximumAuthEntries else {
        throw ParseError(.limitExceeded(what: "auth data entries", limit: Self.maximumAuthEntries), in: "AEA1 auth data", at: auth.absolute(offset))
      }
      let length = Int(try auth.u32(offset))
      guard length >= 4, length <= auth.count - offset else {
        throw ParseError(.valueOutOfRange(field: "auth field length", value: UInt64(length)), in: "AEA1 auth data", at: auth.absolute(offset))
      }
      let body = try auth.bytes(offset + 4, length - 4)
      if let nul = body.firstIndex(of: 0) {
        fields.append((String(decoding: body[..<nul], as: UTF8.self), String(decoding: body[(nul + 1)...], as: UTF8.self)))
      } else {
        fields.append((String(decoding: body, as: UTF8.self), ""))
      }
      offset += length
    }
    authData = fields
    mainSaltOffset = 12 + Int(authDataLength)
    try source.checkRange(mainSaltOffset, 32 + 112, structure: "AEA1 salt and root header")
  }

  public static func == (a: AEAHeader, b: AEAHeader) -> Bool {
    a.profile == b.profile && a.scryptStrength == b.scryptStrength && a.authDataLength == b.authDataLength
      && a.authData.elementsEqual(b.authData, by: { $0.key == $1.key && $0.value == $1.value })
  }

  /// What an examiner needs to proceed.
  public var keyRequirement: String {
    if let url = keyServiceURL {
      return "AEA (\(profile)): the key must come from Apple's key service (\(url)) or from the user"
    }
    return "AEA (\(profile)): the key must come from the vendor's key service or from the user"
  }
}
