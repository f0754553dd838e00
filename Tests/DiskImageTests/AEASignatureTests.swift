import Crypto
import Foundation
import ImageAccess
import TestSupport
import Testing

@testable import DiskImage

/// The ECDSA-P256 signature of Apple's real profile-0 fixture (signed by Apple's servers; ../shared/fixtures/aea):
/// verified with the signer's key, refused with another key or a changed signature, reported as not checked without
/// a key; python-aea's profile-1 files are unsigned.
@Suite struct AEASignatureTests {
  static func fixtureBytes() throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: try RealImages.fixture("aea/contactVerificationTest.shortcut"))))
  }

  /// The signer's key as the fixture's auth data stores it: the binary-plist data object (`4F 10 41`) holding the
  /// 65-byte X9.62 point under `SigningPublicKey` (fixtures README).
  static func signerKey(in bytes: [UInt8]) throws -> [UInt8] {
    let marker: [UInt8] = [0x4F, 0x10, 0x41, 0x04]
    let start = try #require((0..<(bytes.count - 70)).first { Array(bytes[$0..<($0 + 4)]) == marker })
    return Array(bytes[(start + 3)..<(start + 3 + 65)])
  }

  @Test func applesSignatureVerifiesWithTheSignersKey() throws {
    let bytes = try Self.fixtureBytes()
    let signer = try Self.signerKey(in: bytes)
    let archive = try AEAArchive.open(MemorySource(bytes), symmetricKey: nil)
    #expect(archive.authDataSigner == signer)
    #expect(archive.checkSignature(nil) == .notChecked)
    let raw = try #require(AEASigningKey(fileBytes: signer))
    #expect(archive.checkSignature(raw) == .verified(matchesAuthData: true))
    // The same key as PEM and as DER.
    let key = try P256.Signing.PublicKey(x963Representation: signer)
    let pem = try #require(AEASigningKey(fileBytes: Array(key.pemRepresentation.utf8)))
    #expect(archive.checkSignature(pem) == .verified(matchesAuthData: true))
    let der = try #require(AEASigningKey(fileBytes: Array(key.derRepresentation)))
    #expect(archive.checkSignature(der) == .verified(matchesAuthData: true))
    #expect(AEASigningKey(fileBytes: Array("not a key".utf8)) == nil)
  }

  @Test func anotherKeyOrAChangedSignatureIsInvalid() throws {
    let bytes = try Self.fixtureBytes()
    let authSize = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
    let other = try #require(AEASigningKey(fileBytes: Array(P256.Signing.PrivateKey().publicKey.x963Representation)))
    let archive = try AEAArchive.open(MemorySource(bytes), symmetricKey: nil)
    guard case let .invalid(offset, _) = archive.checkSignature(other) else {
      Issue.record("another key must not verify")
      return
    }
    #expect(offset == 12 + authSize)
    // One bit of the signature's s value changed: the MACs still hold (the signature is not under them), the
    // signature does not.
    var changed = bytes
    changed[12 + authSize + 60] ^= 0x01
    let signer = try #require(AEASigningKey(fileBytes: try Self.signerKey(in: bytes)))
    let reopened = try AEAArchive.open(MemorySource(changed), symmetricKey: nil)
    #expect(reopened.checkSignature(signer).state == "invalid")
    // A field that holds no DER signature.
    var zeroed = bytes
    zeroed.replaceSubrange((12 + authSize)..<(12 + authSize + 128), with: [UInt8](repeating: 0, count: 128))
    #expect(try AEAArchive.open(MemorySource(zeroed), symmetricKey: nil).checkSignature(signer).state == "invalid")
  }

  @Test func profileOneIsUnsigned() throws {
    let (folder, key) = try AEATests.made()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/zlib-murmur.aea")))
    let archive = try AEAArchive.open(MemorySource(bytes), symmetricKey: key)
    let anyKey = AEASigningKey(fileBytes: Array(P256.Signing.PrivateKey().publicKey.x963Representation))
    #expect(archive.checkSignature(anyKey) == .unsigned)
    #expect(archive.authDataSigner == nil)
  }
}
