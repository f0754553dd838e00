import COpenSSL
import ImageAccess

/// AES-XTS-128 decryption over 512-byte data units, as APFS software encryption uses it (OpenSSL EVP, AES-NI when
/// the CPU has it). The 32-byte key is key1 ‖ key2; the tweak of a data unit is its 512-byte sector number: the
/// container-relative sector for metadata and keybags (`paddr × block_size / 512`), `crypto_id × block_size / 512`
/// plus the unit's index for file extents (apfs-notes §0.6; dissect.apfs `stream.py`, libfsapfs).
///
/// One call decrypts a whole run of units (an extent, a block): the key schedule is set up once per call and only the
/// tweak changes between units.
public struct XTSCipher: Sendable {
  /// Bytes per XTS data unit in APFS.
  public static let unitSize = 512

  private let key: [UInt8]

  /// Why decryption failed (OpenSSL refused the key or a unit); never carries key bytes.
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// - Precondition: none; a key that is not 32 bytes is refused by ``decrypt(_:firstUnit:)``.
  public init(key: [UInt8]) { self.key = key }

  /// The container or volume keybag cipher: the UUID used as both halves of the key.
  public init(uuid: UUIDBytes) { self.key = uuid.bytes + uuid.bytes }

  /// Decrypts `data` in place; `data.count` must be a multiple of 512. Unit `i` uses tweak `firstUnit + i`.
  public func decrypt(_ data: inout [UInt8], firstUnit: UInt64) throws(Failure) {
    let failure: Failure? = data.withUnsafeMutableBytes { (buffer) -> Failure? in
      do throws(Failure) {
        try decrypt(buffer, firstUnit: firstUnit)
        return nil
      } catch {
        return error
      }
    }
    if let failure { throw failure }
  }

  /// Decrypts the bytes of `buffer` in place (a multiple of 512 bytes).
  public func decrypt(_ buffer: UnsafeMutableRawBufferPointer, firstUnit: UInt64) throws(Failure) {
    guard key.count == 32 else { throw Failure(description: "AES-XTS-128 needs a 32-byte key, got \(key.count) bytes") }
    guard buffer.count % Self.unitSize == 0 else {
      throw Failure(description: "AES-XTS data of \(buffer.count) bytes is not a whole number of 512-byte units")
    }
    guard buffer.count > 0, let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
    guard let context = EVP_CIPHER_CTX_new() else { throw Failure(description: "OpenSSL: no cipher context") }
    defer { EVP_CIPHER_CTX_free(context) }
    let keyed = key.withUnsafeBufferPointer { EVP_DecryptInit_ex(context, EVP_aes_128_xts(), nil, $0.baseAddress, nil) }
    guard keyed == 1 else { throw Failure(description: "OpenSSL refused the AES-XTS-128 key") }
    let ivPointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 16)
    ivPointer.initialize(repeating: 0, count: 16)
    defer { ivPointer.deallocate() }
    let units = buffer.count / Self.unitSize
    for unit in 0..<units {
        var tweak = firstUnit &+ UInt64(unit)
        for i in 0..<8 {
          ivPointer[i] = UInt8(truncatingIfNeeded: tweak)
          tweak >>= 8
        }
        guard EVP_DecryptInit_ex(context, nil, nil, nil, ivPointer) == 1 else {
          throw Failure(description: "OpenSSL refused the XTS tweak of unit \(unit)")
        }
        let unitPointer = base + unit * Self.unitSize
        var written: Int32 = 0
        guard EVP_DecryptUpdate(context, unitPointer, &written, unitPointer, Int32(Self.unitSize)) == 1,
          written == Int32(Self.unitSize)
        else {
          throw Failure(description: "OpenSSL AES-XTS decryption failed at unit \(unit)")
        }
    }
  }
}
