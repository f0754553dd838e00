import Crypto
import ImageAccess

/// The ECDSA-P256 signature of a signed Apple Encrypted Archive (profile 0; profiles 2 and 4 are not opened): over
/// SHA-256 of every byte from the start of the file through the first cluster MAC, with the 128-byte signature field
/// itself zeroed; DER-encoded, padded with zeros to 128 bytes. Checked with swift-crypto against a signing public key
/// the examiner supplies: a key found in the archive's own auth data proves only that the file is self-consistent,
/// so without a supplied key the signature is reported as not checked. Verified on Apple's profile-0 fixture
/// (../shared/fixtures/aea).
extension AEAArchive {
  /// What checking the signature found.
  public enum SignatureCheck: Sendable, Equatable {
    /// The profile has no signature (profile 1).
    case unsigned
    /// Signed, but no signing public key was supplied.
    case notChecked
    /// The signature verifies with the supplied key; `matchesAuthData` tells whether that key is also the signer
    /// named in the auth data.
    case verified(matchesAuthData: Bool)
    /// The signature does not verify with the supplied key (or is not a DER ECDSA signature): tampered, or signed by
    /// another key. `offset` is the signature field's.
    case invalid(offset: Int, reason: String)

    /// The report value: `unsigned`, `not-checked`, `verified`, `invalid`.
    public var state: String {
      switch self {
      case .unsigned: "unsigned"
      case .notChecked: "not-checked"
      case .verified: "verified"
      case .invalid: "invalid"
      }
    }
  }

  /// Checks the signature with `signingKey`, or reports it not checked when there is none.
  public func checkSignature(_ signingKey: AEASigningKey?) -> SignatureCheck {
    guard let field = signatureField else { return .unsigned }
    guard let publicKey = signingKey?.key else { return .notChecked }
    let signed: [UInt8]
    do {
      signed = try source.read(0..<signedEnd)
    } catch {
      return .invalid(offset: field.lowerBound, reason: "the signed bytes cannot be read: \(error)")
    }
    var message = signed
    message.replaceSubrange(field, with: repeatElement(0, count: field.count))
    let stored = Array(signed[field])
    // DER SEQUENCE with a short length: 2 + length bytes; the rest of the field is zero padding.
    guard stored.count >= 2, stored[0] == 0x30, stored[1] < 0x80, Int(stored[1]) + 2 <= stored.count,
      let signature = try? P256.Signing.ECDSASignature(derRepresentation: stored[0..<(Int(stored[1]) + 2)])
    else {
      return .invalid(offset: field.lowerBound, reason: "the signature field holds no DER ECDSA signature")
    }
    guard publicKey.isValidSignature(signature, for: message) else {
      return .invalid(offset: field.lowerBound, reason: "the ECDSA-P256 signature does not verify with the given key")
    }
    return .verified(matchesAuthData: authDataSigner == Array(publicKey.x963Representation))
  }
}

/// The signer's public key an examiner supplies (`--aea-public-key F`): a P-256 key from the bytes of a key file, PEM
/// (`-----BEGIN PUBLIC KEY-----`), DER SubjectPublicKeyInfo, or the raw X9.62 point (65 bytes uncompressed, 33
/// compressed).
public struct AEASigningKey: Sendable {
  let key: P256.Signing.PublicKey

  /// `nil` when the bytes hold none of the accepted forms.
  public init?(fileBytes bytes: [UInt8]) {
    if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN") {
      guard let key = try? P256.Signing.PublicKey(pemRepresentation: text) else { return nil }
      self.key = key
    } else if let key = try? P256.Signing.PublicKey(derRepresentation: bytes) {
      self.key = key
    } else if let key = try? P256.Signing.PublicKey(x963Representation: bytes) {
      self.key = key
    } else if let key = try? P256.Signing.PublicKey(compressedRepresentation: bytes) {
      self.key = key
    } else {
      return nil
    }
  }

  /// The key as an uncompressed X9.62 point (65 bytes).
  public var x963: [UInt8] { Array(key.x963Representation) }
}
