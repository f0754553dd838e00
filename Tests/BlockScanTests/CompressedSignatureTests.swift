import TestSupport
import Testing

@testable import BlockScan

@Suite struct CompressedSignatureTests {
  func match(_ bytes: [UInt8]) -> CompressedSignature? { bytes.withUnsafeBytes { CompressedSignature.match($0) } }

  @Test func knownHeaders() {
    #expect(match([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]) == .gzip)
    #expect(match(Blocks.xzHeader) == .xz)
    #expect(match(Array("BZh91AY&SY".utf8)) == .bzip2)
    #expect(match([0x28, 0xB5, 0x2F, 0xFD, 0x24]) == .zstd)
    #expect(match(Array("bvx2".utf8)) == .lzfse)
    #expect(match(Array("bvxn".utf8)) == .lzfse)
    #expect(match([0x78, 0x9C, 0x00]) == .zlib)
    #expect(match([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0]) == .jpeg)
    #expect(match([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == .png)
  }

  @Test func nearMissesAndShortInputs() {
    #expect(match([]) == nil)
    #expect(match([0x1F]) == nil)
    #expect(match([0xFD, 0x37, 0x7A, 0x58, 0x5A]) == nil)  // truncated xz magic
    var badCRC = Blocks.xzHeader
    badCRC[8] ^= 1
    #expect(match(badCRC) == nil)
    #expect(match([0x1F, 0x8B, 0x08, 0xE0, 0, 0, 0, 0, 0x00, 0x03]) == nil)  // gzip reserved flag bits
    #expect(match([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFXX".utf8) + [0]) == nil)
    #expect(match(Array("BZh0".utf8)) == nil)
    #expect(match(Array("BZh9xxxxxx".utf8)) == nil)
    #expect(match([0x78, 0x9D]) == nil)
    #expect(match(Array("bvx9".utf8)) == nil)
  }

  @Test func crc32KnownValue() {
    #expect(CompressedSignature.crc32(Array("123456789".utf8)) == 0xCBF4_3926)  // the standard check value
  }

  @Test func realToolOutputMatches() throws {
    let text = Array(String(repeating: "forensic triage ", count: 400).utf8)
    let gz = try AccuracyCorpus.run("gzip", ["-c", "-n"], input: text)
    let xz = try AccuracyCorpus.run("xz", ["-c", "-T1"], input: text)
    let bz = try AccuracyCorpus.run("bzip2", ["-c"], input: text)
    #expect(match(gz) == .gzip)
    #expect(match(xz) == .xz)
    #expect(match(bz) == .bzip2)
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
