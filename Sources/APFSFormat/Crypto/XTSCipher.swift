import COpenSSL
import ImageAccess
import Synchronization

/// AES-XTS-128 decryption over 512-byte data units, as APFS software encryption uses it (OpenSSL, AES-NI when the CPU
/// has it). The 32-byte key is key1 ‖ key2; the tweak of a data unit is its 512-byte sector number: the
/// container-relative sector for metadata and keybags (`paddr × block_size / 512`), `crypto_id × block_size / 512`
/// plus the unit's index for file extents (apfs-notes §0.6; dissect.apfs `stream.py`, libfsapfs).
///
/// One call decrypts a whole run of units (an extent, a block). The key schedule is set up once per cipher (a keyed
/// OpenSSL context is kept and reused) and only the tweak changes between units. The tweak is set through the
/// provider's own `decrypt_init` (OpenSSL 3's public provider API, `OSSL_PROVIDER_query_operation`) rather than
/// through EVP, whose init dispatch costs more per 512-byte unit than the AES work; AES and the XTS mode are
/// OpenSSL's either way. When the provider's functions cannot be found, EVP is used.
public final class XTSCipher: Sendable {
  /// Bytes per XTS data unit in APFS.
  public static let unitSize = 512

  /// Which OpenSSL entry point decrypts: the provider's cipher functions, or EVP (the fallback).
  public enum Path: String, Sendable { case provider, evp }

  private let key: [UInt8]
  private let path: Path
  /// Keyed provider contexts not in use (each call takes one: a context's tweak is per call).
  private let idle = Mutex<[ProviderContext]>([])

  /// Why decryption failed (OpenSSL refused the key or a unit); never carries key bytes.
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// - Precondition: none; a key that is not 32 bytes is refused by ``decrypt(_:firstUnit:)``.
  public convenience init(key: [UInt8]) { self.init(key: key, path: XTSProvider.shared == nil ? .evp : .provider) }

  /// A cipher on a chosen path (tests and the benchmark compare the two); `.provider` falls back to EVP when the
  /// provider's functions are not available.
  public init(key: [UInt8], path: Path) {
    self.key = key
    self.path = XTSProvider.shared == nil ? .evp : path
  }

  /// The container or volume keybag cipher: the UUID used as both halves of the key.
  public convenience init(uuid: UUIDBytes) { self.init(key: uuid.bytes + uuid.bytes) }

  deinit {
    guard let provider = XTSProvider.shared else { return }
    for context in idle.withLock({ $0 }) { provider.functions.freectx(context.pointer) }
  }

  /// The path this cipher decrypts with.
  public var entryPoint: Path { path }

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
    let units = buffer.count / Self.unitSize
    if path == .provider, let provider = XTSProvider.shared {
      try decryptThroughProvider(provider, base, units: units, firstUnit: firstUnit)
    } else {
      try decryptThroughEVP(base, units: units, firstUnit: firstUnit)
    }
  }

  private func decryptThroughProvider(
    _ provider: XTSProvider, _ base: UnsafeMutablePointer<UInt8>, units: Int, firstUnit: UInt64
  ) throws(Failure) {
    let reused = idle.withLock { $0.popLast() }
    let context: ProviderContext
    if let reused {
      context = reused
    } else {
      let keyed = withUnsafePointer(to: provider.functions) { functions in
        key.withUnsafeBufferPointer { ringo_xts_provider_keyed(functions, $0.baseAddress) }
      }
      guard let keyed else { throw Failure(description: "OpenSSL refused the AES-XTS-128 key") }
      context = ProviderContext(pointer: keyed)
    }
    let refused = withUnsafePointer(to: provider.functions) {
      ringo_xts_provider_decrypt($0, context.pointer, base, units, firstUnit)
    }
    idle.withLock { contexts in
      if contexts.count < 16 {
        contexts.append(context)
      } else {
        provider.functions.freectx(context.pointer)
      }
    }
    guard refused < 0 else { throw Failure(description: "OpenSSL AES-XTS decryption failed at unit \(refused)") }
  }

  private func decryptThroughEVP(_ base: UnsafeMutablePointer<UInt8>, units: Int, firstUnit: UInt64) throws(Failure) {
    guard let context = EVP_CIPHER_CTX_new() else { throw Failure(description: "OpenSSL: no cipher context") }
    defer { EVP_CIPHER_CTX_free(context) }
    let keyed = key.withUnsafeBufferPointer { EVP_DecryptInit_ex(context, EVP_aes_128_xts(), nil, $0.baseAddress, nil) }
    guard keyed == 1 else { throw Failure(description: "OpenSSL refused the AES-XTS-128 key") }
    var iv = [UInt8](repeating: 0, count: 16)
    for unit in 0..<units {
      var tweak = firstUnit &+ UInt64(unit)
      for i in 0..<8 {
        iv[i] = UInt8(truncatingIfNeeded: tweak)
        tweak >>= 8
      }
      guard EVP_DecryptInit_ex(context, nil, nil, nil, iv) == 1 else {
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

/// A keyed OpenSSL provider context for AES-128-XTS; owned by one ``XTSCipher``, used by one call at a time (the
/// cipher's `idle` list hands it out under its lock).
private struct ProviderContext: @unchecked Sendable {
  let pointer: UnsafeMutableRawPointer
}

/// The AES-128-XTS functions of the OpenSSL provider EVP fetches, looked up once. Immutable after the lookup: plain
/// function pointers into libcrypto and the provider's context, which the fetched cipher keeps alive.
private final class XTSProvider: @unchecked Sendable {
  let functions: ringo_xts_provider
  private init(_ functions: ringo_xts_provider) { self.functions = functions }

  static let shared: XTSProvider? = {
    var functions = ringo_xts_provider()
    guard ringo_xts_provider_load(&functions) == 1 else { return nil }
    return XTSProvider(functions)
  }()
}
