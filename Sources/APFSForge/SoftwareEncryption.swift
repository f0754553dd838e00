import Crypto
import Foundation
import _CryptoExtras

/// AES-XTS-128 over 512-byte data units, as APFS software encryption uses it: a 32-byte key (key1 ‖ key2) and a
/// tweak equal to the container-relative 512-byte sector number.
///
/// On disk: FileVault (ONEKEY) volumes and keybags, Apple File System Reference §Encryption; the unit size and tweak
/// follow the working readers (dissect.apfs `stream.py`, libfsapfs), which the reference does not spell out.
struct XTS128 {
  let dataKey: SymmetricKey
  let tweakKey: SymmetricKey

  init(key: [UInt8]) {
    precondition(key.count == 32, "forge bug: XTS-128 needs 32 key bytes")
    dataKey = SymmetricKey(data: key[0..<16])
    tweakKey = SymmetricKey(data: key[16..<32])
  }

  /// Encrypts `data` in place; `data.count` must be a multiple of 512.
  func encrypt(_ data: inout [UInt8], firstSector: UInt64) throws(ForgeError) {
    precondition(data.count % 512 == 0, "forge bug: XTS data is not whole sectors")
    do {
      for sector in 0..<(data.count / 512) {
        var tweak = [UInt8](repeating: 0, count: 16)
        var n = firstSector + UInt64(sector)
        for i in 0..<8 {
          tweak[i] = UInt8(truncatingIfNeeded: n)
          n >>= 8
        }
        try AES.permute(&tweak, key: tweakKey)
        for block in 0..<32 {
          let base = sector * 512 + block * 16
          var chunk = [UInt8](repeating: 0, count: 16)
          for i in 0..<16 { chunk[i] = data[base + i] ^ tweak[i] }
          try AES.permute(&chunk, key: dataKey)
          for i in 0..<16 { data[base + i] = chunk[i] ^ tweak[i] }
          // tweak *= alpha in GF(2^128), little-endian bit order.
          var carry: UInt8 = 0
          for i in 0..<16 {
            let next = tweak[i] >> 7
            tweak[i] = (tweak[i] << 1) | carry
            carry = next
          }
          if carry != 0 { tweak[0] ^= 0x87 }
        }
      }
    } catch {
      throw ForgeError("AES-XTS failed: \(error)")
    }
  }
}

/// Key material of a password-protected ONEKEY volume: VEK wrapped by a KEK, the KEK wrapped by a key derived from
/// the password (PBKDF2-HMAC-SHA256, then RFC 3394 key wrap), both blobs in the DER layout real keybags use.
struct OneKeySecrets {
  var volumeUUID: [UInt8]
  var vek: [UInt8]
  var kek: [UInt8]
  var userUUID: [UInt8]
  var password: String
  var hint: String
  var iterations: Int
  var kekSalt: [UInt8]
  var hmacSalts: ([UInt8], [UInt8])

  init(volumeUUID: [UInt8], password: String, seed: UInt64, volumeIndex: Int) {
    var g = SeededRandom.derived(seed, 0x0E4B_0000 ^ UInt64(volumeIndex))
    func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) } }
    self.volumeUUID = volumeUUID
    vek = bytes(32)
    kek = bytes(32)
    userUUID = bytes(16)
    self.password = password
    hint = "ringo-forge test password"
    iterations = 10_000
    kekSalt = bytes(16)
    hmacSalts = (bytes(8), bytes(8))
  }

  var volumeCipher: XTS128 { XTS128(key: vek) }

  /// The VOLUME_KEY entry of the container keybag: the VEK wrapped with the KEK.
  func wrappedVEKBlob() throws(ForgeError) -> [UInt8] {
    let wrapped = try keyWrap(vek, with: kek)
    let blob = DER.node(0xA3, DER.int(0) + DER.node(0x81, volumeUUID) + DER.node(0x82, [0, 0, 0, 0]) + DER.node(0x83, wrapped))
    return DER.node(0x30, DER.int(0) + DER.node(0x81, hmac(blob, salt: hmacSalts.0)) + DER.node(0x82, hmacSalts.0) + blob)
  }

  /// The VOLUME_UNLOCK_RECORDS entry of the volume keybag: the KEK wrapped with the password-derived key.
  func wrappedKEKBlob() throws(ForgeError) -> [UInt8] {
    let derived: SymmetricKey
    do {
      derived = try KDF.Insecure.PBKDF2.deriveKey(
        from: Array(password.utf8), salt: kekSalt, using: .sha256, outputByteCount: 32,
        unsafeUncheckedRounds: iterations)
    } catch { throw ForgeError("PBKDF2 failed: \(error)") }
    let wrapped = try keyWrap(kek, with: derived.withUnsafeBytes { Array($0) })
    let blob = DER.node(
      0xA3,
      DER.int(0) + DER.node(0x81, userUUID) + DER.node(0x82, [0, 0, 0, 0]) + DER.node(0x83, wrapped)
        + DER.node(0x84, DER.intContent(iterations)) + DER.node(0x85, kekSalt))
    return DER.node(0x30, DER.int(0) + DER.node(0x81, hmac(blob, salt: hmacSalts.1)) + DER.node(0x82, hmacSalts.1) + blob)
  }

  private func keyWrap(_ key: [UInt8], with kek: [UInt8]) throws(ForgeError) -> [UInt8] {
    do {
      return Array(try AES.KeyWrap.wrap(SymmetricKey(data: key), using: SymmetricKey(data: kek)))
    } catch { throw ForgeError("AES key wrap failed: \(error)") }
  }

  /// HMAC-SHA256 over the blob, keyed with SHA-256(01 16 20 17 15 05 ‖ salt), as readers verify it.
  private func hmac(_ blob: [UInt8], salt: [UInt8]) -> [UInt8] {
    let key = SymmetricKey(data: SHA256.hash(data: [0x01, 0x16, 0x20, 0x17, 0x15, 0x05] + salt))
    return Array(HMAC<SHA256>.authenticationCode(for: blob, using: key))
  }
}

/// The few DER encodings the keybag blobs need.
enum DER {
  static func node(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
    let n = content.count
    if n < 0x80 { return [tag, UInt8(n)] + content }
    if n < 0x100 { return [tag, 0x81, UInt8(n)] + content }
    return [tag, 0x82, UInt8(n >> 8), UInt8(n & 0xFF)] + content
  }
  static func intContent(_ v: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    var x = v
    repeat {
      bytes.insert(UInt8(x & 0xFF), at: 0)
      x >>= 8
    } while x > 0
    if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
    return bytes
  }
  /// `[0] IMPLICIT INTEGER` with value `v`.
  static func int(_ v: Int) -> [UInt8] { node(0x80, intContent(v)) }
}
