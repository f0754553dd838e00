import Foundation
import IPSWFormat
import IPSWTestSupport
import ImageAccess
import TestSupport
import Testing

@Suite("IMG4: IM4P, IM4M, IM4R, IMG4 and kernelcache payloads")
struct IMG4Tests {
  @Test("real IM4P fixture: type, description, payload range, plain Mach-O")
  func im4pFixture() throws {
    let image = try Fixtures.shared("img4/IM4P")
    let im4p = try IM4P(parsing: image)
    #expect(im4p.type == "test")
    #expect(im4p.description == "Test Image4 payload.")
    #expect(im4p.payload == 42..<(42 + 49424))
    #expect(im4p.payloadFormat == .machO)
    #expect(!im4p.isEncrypted)
    let payload = try Fixtures.sharedBytes("img4/test_payload")
    #expect(try image.read(im4p.payload) == payload)
  }

  @Test("real IM4M: properties, images, RSA-4096 signature verifies, certificate facts")
  func im4mFixture() throws {
    let bytes = try Fixtures.sharedBytes("img4/IM4M")
    let ticket = try IM4M(parsing: bytes)
    #expect(ticket.version == 0)
    #expect(ticket.property("ECID") == .integer(0x1234_5678_9012))  // openssl asn1parse prints it in hex
    #expect(ticket.property("CHIP") == .integer(0x8015))
    #expect(ticket.property("BORD") == .integer(0x0E))
    #expect(ticket.property("SDOM") == .integer(1))
    #expect(ticket.property("CPRO") == .boolean(true))
    #expect(ticket.property("CSEC") == .boolean(true))
    if case .data(let nonce)? = ticket.property("BNCH") { #expect(nonce.count == 32) } else {
      Issue.record("BNCH missing")
    }
    #expect(ticket.images.count == 35)
    let krnl = try #require(ticket.image("krnl"))
    #expect(krnl.digest?.count == 48)
    #expect(ticket.signedBytes.count == 4 + 5143)
    let check = ticket.verifySignature()
    #expect(check.status == "valid")
    #expect(check.algorithm == "RSA-4096 PKCS#1 v1.5 SHA-384")
    #expect(check.signer?.contains("T8015-TssLive-ManifestKey-RevA-DataCenter") == true)
    // The issuer (Apple Secure Boot Root CA - G2) is not bundled: never reported as verified.
    let facts = ticket.certificateFacts(at: Date(timeIntervalSince1970: 1_800_000_000))
    #expect(facts.count == 1)
    #expect(facts[0].issuer.contains("Apple Secure Boot Root CA - G2"))
    #expect(facts[0].issuerCheck == "unknown-issuer")
    #expect(facts[0].validity == "valid")
    #expect(ticket.certificateFacts(at: Date(timeIntervalSince1970: 2_100_000_000))[0].validity == "expired")
    #expect(ticket.certificateFacts(at: Date(timeIntervalSince1970: 1_000_000_000))[0].validity == "not-yet-valid")
  }

  @Test("tampered IM4M body or signature fails verification, never passes silently")
  func im4mTampered() throws {
    var body = try Fixtures.sharedBytes("img4/IM4M")
    body[219 + 2 + 5] ^= 0x01  // last byte of the ECID value inside the signed SET
    let tampered = try IM4M(parsing: body)
    #expect(tampered.property("ECID") != .integer(0x1234_5678_9012))
    #expect(tampered.verifySignature().status == "invalid")
    var signature = try Fixtures.sharedBytes("img4/IM4M")
    signature[5164 + 100] ^= 0x01
    #expect(try IM4M(parsing: signature).verifySignature().status == "invalid")
  }

  @Test("truncated or mutated IM4M gives located errors, no trap")
  func im4mHostile() throws {
    let bytes = try Fixtures.sharedBytes("img4/IM4M")
    for cut in [0, 1, 10, 17, 100, 5000, bytes.count - 1] {
      #expect(throws: ParseError.self) { try IM4M(parsing: Array(bytes[0..<cut])) }
    }
    var rng = SeededRandom(seed: 0x1A4_4D00)  // Fuzzing seed
    for _ in 0..<200 {
      var m = bytes
      m[Int.random(in: 0..<600, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
      _ = try? IM4M(parsing: m)  // either parses or throws ParseError; must not trap
    }
  }

  @Test("IM4R: BNCN nonce")
  func im4r() throws {
    let info = try IM4R(parsing: Fixtures.sharedBytes("img4/IM4R"))
    #expect(info.bootNonce == [0x7C, 0xD2, 0xC2, 0xE8, 0xAE, 0xBB, 0x56, 0x5F])
  }

  @Test("IMG4 container: payload, ticket and kind detection")
  func img4() throws {
    let image = try Fixtures.shared("img4/IMG4")
    let img4 = try IMG4(parsing: image)
    #expect(img4.payload.type == "test")
    #expect(img4.payload.payload.count == 49424)
    #expect(img4.manifest?.verifySignature().isValid == true)
    #expect(img4.restoreInfo == nil)
    #expect(IMG4.kind(of: image) == "IMG4")
    #expect(try IMG4.kind(of: Fixtures.shared("img4/IM4M")) == "IM4M")
    #expect(IMG4.kind(of: MemorySource([1, 2, 3, 4, 5, 6, 7, 8])) == nil)
  }

  @Test("IM4P with key bags and compression info")
  func keybags() throws {
    let iv = [UInt8](repeating: 0xA5, count: 16)
    let key = [UInt8](repeating: 0x5A, count: 32)
    let bytes = DERBuilder.im4p(
      type: "krnl", description: "KernelCacheBuilder_release-2405", payload: [UInt8](repeating: 0x9C, count: 4000),
      keybags: [(1, iv, key), (2, iv, key)], compression: (1, 123_456))
    let im4p = try IM4P(parsing: MemorySource(bytes))
    #expect(im4p.keybags.map(\.typeName) == ["production", "development"])
    #expect(im4p.keybags[0].iv.count == 16 && im4p.keybags[0].key.count == 32)
    #expect(im4p.compressionAlgorithm == 1 && im4p.compressionUncompressedSize == 123_456)
    #expect(im4p.payloadFormat == .unknown)
    let facts = try Kernelcache.analyse(MemorySource(bytes), path: "kernelcache.release.x")
    #expect(facts.isEncrypted && !facts.decompressed)
    #expect(facts.decompressionNote?.contains("encrypted") == true)
  }

  @Test("IM4P with absurd lengths is refused with a located error")
  func im4pHostile() throws {
    var bytes = DERBuilder.im4p(type: "krnl", description: "x", payload: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    bytes[1] = 0x84  // long-form length of 4 bytes follows ... but the bytes are content: nonsense length
    #expect(throws: ParseError.self) { try IM4P(parsing: MemorySource(bytes)) }
    let huge = [0x30, 0x88, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] as [UInt8]
    let error = try #require(throws: ParseError.self) { try IM4P(parsing: MemorySource(huge)) }
    #expect(error.offset == 0)
    #expect(throws: ParseError.self) { try IM4P(parsing: MemorySource([0x30, 0x80, 0, 0])) }
  }

  static let kernelVersion =
    "Darwin Kernel Version 23.4.0: Fri Mar 15 00:12:37 PDT 2024; root:xnu-10063.102.14~67/RELEASE_ARM64_T8101"

  @Test("LZSS (complzss) kernelcache: header sizes, appended data, decompressed version string")
  func lzssKernel() throws {
    let payload = try Fixtures.vector("kernel.complzss")
    let kernel = try Fixtures.vector("kernel.macho")
    let bytes = DERBuilder.im4p(type: "krnl", description: "KernelCacheBuilder-2405", payload: payload)
    let facts = try Kernelcache.analyse(MemorySource(bytes), path: "kernelcache.release.iphone13")
    #expect(facts.payloadFormat == .lzss)
    #expect(facts.uncompressedSize == kernel.count)
    #expect(facts.appendedDataSize == "KPP-appended".utf8.count)
    #expect(facts.decompressed, "\(facts.decompressionNote ?? "")")
    #expect(facts.kernelVersion == Self.kernelVersion)
  }

  @Test("LZFSE kernelcache, plain and FAT-wrapped: decompressed, FAT stripped, version string")
  func lzfseKernel() throws {
    for (name, fat) in [("kernel.lzfse", false), ("kernel_fat.lzfse", true)] {
      let bytes = DERBuilder.im4p(
        type: "krnl", description: "KernelCacheBuilder-2405", payload: try Fixtures.vector(name),
        compression: (1, 60003))
      let facts = try Kernelcache.analyse(MemorySource(bytes), path: name)
      #expect(facts.payloadFormat == .lzfse)
      #expect(facts.decompressed, "\(facts.decompressionNote ?? "")")
      #expect(facts.strippedFATWrapper == fat)
      #expect(facts.kernelVersion == Self.kernelVersion)
    }
  }

  @Test("corrupt LZSS payload is reported with its offset, not trapped")
  func corruptLZSS() throws {
    var payload = try Fixtures.vector("kernel.complzss")
    for i in 0x200..<0x400 { payload[i] = 0xFF }
    let bytes = DERBuilder.im4p(type: "krnl", description: "x", payload: payload)
    let facts = try Kernelcache.analyse(MemorySource(bytes), path: "k")
    #expect(!facts.decompressed)
    #expect(facts.decompressionNote?.contains("decompression failed") == true)
  }

  @Test("mutated IMG4 and IM4P files never trap; errors stay inside the file")
  func mutations() throws {
    let seed: UInt64 = 0x1A4_9EED  // Fuzzing seed
    var rng = SeededRandom(seed: seed)
    for name in ["img4/IMG4", "img4/IM4P"] {
      let original = try Fixtures.sharedBytes(name)
      for round in 0..<300 {
        var m = original
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
          let at = Int.random(in: 0..<min(m.count, 80), using: &rng)
          m[at] = UInt8.random(in: 0...255, using: &rng)
        }
        if round % 5 == 0 { m.removeLast(Int.random(in: 1...m.count - 1, using: &rng)) }
        let source = MemorySource(m)
        do {
          if name.hasSuffix("IMG4") { _ = try IMG4(parsing: source) } else {
            _ = try Kernelcache.analyse(source, path: name)
          }
        } catch let e as ParseError {
          if let o = e.offset { #expect(o >= 0 && o <= m.count, "seed \(seed) \(name) round \(round): \(e)") }
        }
      }
    }
  }
}
