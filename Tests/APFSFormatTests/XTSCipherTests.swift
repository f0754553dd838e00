import Foundation
import TestSupport
import Testing

@testable import APFSForge
@testable import APFSFormat

/// XTSCipher's two OpenSSL paths (the provider's functions, used by default, and EVP) against the forge's own
/// AES-XTS encryption (an independent implementation over swift-crypto's AES): both must give the plaintext back for
/// any run of 512-byte units and any first tweak, and refuse what is not whole units.
@Suite struct XTSCipherTests {
  static let key = Scratch.randomBytes(count: 32, seed: 1619)

  @Test(arguments: [(UInt64(0), 1), (7, 8), (0xFFFF_FFFF, 3), (1 << 40, 130)])
  func bothPathsDecryptWhatTheForgeEncrypted(firstUnit: UInt64, units: Int) throws {
    let plain = Scratch.randomBytes(count: units * 512, seed: firstUnit &+ UInt64(units))
    var sealed = plain
    try XTS128(key: Self.key).encrypt(&sealed, firstSector: firstUnit)
    #expect(sealed != plain)
    let provider = XTSCipher(key: Self.key, path: .provider)
    #expect(provider.entryPoint == .provider, "OpenSSL 3's provider functions for AES-128-XTS were not found")
    for cipher in [provider, XTSCipher(key: Self.key, path: .evp), XTSCipher(key: Self.key)] {
      var bytes = sealed
      try cipher.decrypt(&bytes, firstUnit: firstUnit)
      #expect(bytes == plain, "\(cipher.entryPoint)")
    }
    // A wrong first tweak gives other bytes: the tweak is really used per unit.
    var shifted = sealed
    try provider.decrypt(&shifted, firstUnit: firstUnit &+ 1)
    #expect(shifted != plain)
  }

  /// One cipher used from many tasks at once (its keyed contexts are handed out one per call).
  @Test func oneCipherFromConcurrentTasks() async throws {
    let cipher = XTSCipher(key: Self.key)
    let results = try await withThrowingTaskGroup(of: Bool.self) { group in
      for task in 0..<16 {
        group.addTask {
          let plain = Scratch.randomBytes(count: 8 * 512, seed: UInt64(task))
          var bytes = plain
          try XTS128(key: Self.key).encrypt(&bytes, firstSector: UInt64(task) * 8)
          for _ in 0..<20 {
            var copy = bytes
            try cipher.decrypt(&copy, firstUnit: UInt64(task) * 8)
            guard copy == plain else { return false }
          }
          return true
        }
      }
      return try await group.reduce(into: [Bool]()) { $0.append($1) }
    }
    #expect(results.count == 16 && results.allSatisfy { $0 })
  }

  @Test func partialUnitsAndShortKeysAreRefused() {
    var odd = [UInt8](repeating: 0, count: 700)
    #expect(throws: XTSCipher.Failure.self) { try XTSCipher(key: Self.key).decrypt(&odd, firstUnit: 0) }
    var whole = [UInt8](repeating: 0, count: 512)
    #expect(throws: XTSCipher.Failure.self) { try XTSCipher(key: Array(Self.key.prefix(16))).decrypt(&whole, firstUnit: 0) }
  }
}
