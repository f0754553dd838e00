import Testing

@testable import BlockScan

@Suite struct CompressedSignatureTests {
  func match(_ bytes: [UInt8]) -> CompressedSignature? { bytes.withUnsafeBytes { CompressedSignature.match($0) } }

  @Test func knownHeaders() {
    #expect(match([0x1F, 0x8B, 0x08, 0x00]) == .gzip)
    #expect(match([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00]) == .xz)
    #expect(match(Array("BZh91AY&SY".utf8)) == .bzip2)
    #expect(match([0x28, 0xB5, 0x2F, 0xFD]) == .zstd)
    #expect(match(Array("bvx2".utf8)) == .lzfse)
    #expect(match(Array("bvxn".utf8)) == .lzfse)
    #expect(match([0x78, 0x9C, 0x00]) == .zlib)
    #expect(match([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
    #expect(match([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == .png)
  }

  @Test func nearMissesAndShortInputs() {
    #expect(match([]) == nil)
    #expect(match([0x1F]) == nil)
    #expect(match([0xFD, 0x37, 0x7A, 0x58, 0x5A]) == nil)  // truncated xz magic
    #expect(match(Array("BZh0".utf8)) == nil)
    #expect(match(Array("BZh9xxxxxx".utf8)) == nil)
    #expect(match([0x78, 0x9D]) == nil)
    #expect(match(Array("bvx9".utf8)) == nil)
  }

  @Test func randomBlocksRarelyMatch() {
    var rng = SeededRandom(seed: 31337)
    var matches = 0
    for _ in 0..<20_000 where match(rng.bytes(16)) != nil { matches += 1 }
    #expect(matches <= 5)  // expected about 1.3 (zlib's four 2-byte forms)
    #expect(CompressedSignature.zlib.carriesOverRun == false)
    #expect(CompressedSignature.xz.carriesOverRun)
  }
}
