import ImageAccess

/// The header of an encrypted disk image (`encrcdsa`, version 2), recognised but not decrypted.
///
/// Decrypting needs the user's password (PBKDF2 → key blob) or the raw AES + HMAC keys; Ringo only reports what the
/// header says. On disk: big-endian, at file offset 0 (go-apfs `pkg/disk/dmg/enc.go` `EncryptionHeader`).
public struct EncryptedImageHeader: Sendable, Equatable {
  public static let signature: [UInt8] = Array("encrcdsa".utf8)
  public static let minimumSize = 96

  public var version: UInt32  // version, 2
  public var ivSize: UInt32  // enc_iv_size
  public var keyBits: UInt32  // data encryption key bits (128 or 256: AES)
  public var hmacKeyBits: UInt32  // hmac key bits (160: HMAC-SHA1)
  public var uuid: UUIDBytes  // uuid
  public var blockSize: UInt32  // encrypted block size (512 or 4096)
  public var dataSize: UInt64  // decrypted data size
  public var dataOffset: UInt64  // file offset of the first encrypted block

  public init(parsing reader: ByteReader) throws(ParseError) {
    let magic = try reader.bytes(0, 8)
    guard magic == Self.signature else {
      throw ParseError(.invalid("no encrcdsa signature"), in: "encrcdsa header", at: reader.absolute(0))
    }
    version = try reader.be32(8)
    ivSize = try reader.be32(12)
    keyBits = try reader.be32(24)
    hmacKeyBits = try reader.be32(32)
    uuid = try reader.uuid(36)
    blockSize = try reader.be32(52)
    dataSize = try reader.be64(56)
    dataOffset = try reader.be64(64)
  }

  /// What an examiner needs to proceed.
  public var keyRequirement: String {
    "encrypted disk image (encrcdsa v\(version), AES-\(keyBits)): the password or the image's AES/HMAC keys must come from the user"
  }
}
