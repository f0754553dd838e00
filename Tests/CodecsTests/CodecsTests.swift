import TestSupport
import Codecs
import DiskImageTestSupport
import Foundation
import ImageAccess
import Testing

/// Committed vectors made by the reference lzfse encoder and pylzss (see Vectors/make_vectors.py).
enum Vectors {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")

  struct Row: Sendable, CustomStringConvertible {
    var file: String, codec: Codec, size: Int, sha256: String
    var description: String { file }
  }

  static let rows: [Row] = {
    let text = (try? String(contentsOf: folder.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").map { line in
      let f = line.split(separator: "\t").map(String.init)
      return Row(file: f[0], codec: Codec(rawValue: f[1])!, size: Int(f[2])!, sha256: f[3])
    }
  }()

  static func bytes(_ file: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: folder.appendingPathComponent(file)))
  }
}

func sha256(_ bytes: [UInt8]) throws -> String { try EvidenceHash.sha256(of: MemorySource(bytes)) }

@Suite struct ReferenceVectorTests {
  @Test func manifestIsPresent() {
    #expect(Vectors.rows.count == 9, "Vectors/MANIFEST.tsv missing or changed")
  }

  @Test(arguments: Vectors.rows)
  func decodesReferenceVector(_ row: Vectors.Row) throws {
    let input = try Vectors.bytes(row.file)
    let output = try row.codec.decompress(input, expectedSize: row.size, limit: 1 << 24)
    #expect(output.count == row.size)
    #expect(try sha256(output) == row.sha256)
    // Also without a size hint.
    let unsized = try row.codec.decompress(input, limit: 1 << 24)
    #expect(unsized.count == row.size)
  }

  @Test(arguments: Vectors.rows.filter { $0.size > 0 })
  func everyTruncationFailsCleanly(_ row: Vectors.Row) throws {
    let input = try Vectors.bytes(row.file)
    // A raw LZVN stream ends with eos and 7 padding bytes; cutting only those still yields the full output.
    let end = row.codec == .lzvn ? input.count - 8 : input.count
    var lengths = Array(0..<min(end, 64))
    lengths += stride(from: 64, to: end, by: max(1, end / 200)).map { $0 }
    for length in lengths {
      let result = Result { try row.codec.decompress(input.prefix(length), expectedSize: row.size, limit: 1 << 24) }
      if case .success = result { Issue.record("\(row.file) truncated to \(length) bytes decoded") }
    }
  }

  @Test(arguments: Vectors.rows.filter { $0.size > 0 })
  func outputLimitIsEnforced(_ row: Vectors.Row) throws {
    let input = try Vectors.bytes(row.file)
    #expect(throws: CodecError.self) { try row.codec.decompress(input, limit: row.size - 1) }
    #expect(throws: CodecError.self) { try row.codec.decompress(input, expectedSize: row.size - 1, limit: 1 << 24) }
  }

  /// Random byte flips must end in a value or a CodecError, never a trap or a hang.
  @Test(arguments: Vectors.rows)
  func mutatedInputNeverTraps(_ row: Vectors.Row) throws {
    let seed: UInt64 = 0x4C5A_4653  // Fuzzing seed; failures reproduce from it
    var random = SeededRandom(seed: seed ^ UInt64(row.file.utf8.count))
    let input = try Vectors.bytes(row.file)
    guard !input.isEmpty else { return }
    for _ in 0..<300 {
      var mutated = input
      for _ in 0..<(1 + Int(random.next() % 4)) {
        let index = Int(random.next() % UInt64(mutated.count))
        mutated[index] ^= UInt8(truncatingIfNeeded: random.next() | 1)
      }
      do {
        _ = try row.codec.decompress(mutated, limit: 1 << 22)
      } catch {
        // Errors point inside the input.
        if let offset = error.inputOffset {
          #expect(offset >= 0 && offset <= mutated.count, "\(error)")
        }
      }
    }
  }
}

@Suite struct LibraryCodecRoundTripTests {
  static let sizes = [0, 1, 511, 4096, 100_000, 1 << 20]

  @Test(arguments: sizes)
  func zlibRoundTrip(_ size: Int) throws {
    var random = SeededRandom(seed: UInt64(size) &+ 1)
    let plain = random.compressibleBytes(size)
    #expect(try Codec.zlib.decompress(Compressors.zlib(plain), expectedSize: size, limit: 1 << 21) == plain)
    #expect(try Codec.deflate.decompress(Compressors.deflate(plain), limit: 1 << 21) == plain)
  }

  @Test(arguments: sizes)
  func bzip2RoundTrip(_ size: Int) throws {
    var random = SeededRandom(seed: UInt64(size) &+ 2)
    let plain = random.compressibleBytes(size)
    #expect(try Codec.bzip2.decompress(Compressors.bzip2(plain), expectedSize: size, limit: 1 << 21) == plain)
  }

  @Test(arguments: sizes)
  func xzAndLZMARoundTrip(_ size: Int) throws {
    var random = SeededRandom(seed: UInt64(size) &+ 3)
    let plain = random.compressibleBytes(size)
    #expect(try Codec.xz.decompress(Compressors.xz(plain), expectedSize: size, limit: 1 << 21) == plain)
    #expect(try Codec.lzma.decompress(Compressors.lzmaAlone(plain), limit: 1 << 21) == plain)
  }

  /// An LZMA1 header may state any dictionary size; liblzma allocates all of it before decoding. The decoder lowers
  /// it to the output cap (a match never reaches past the output), so a stream stating 4 GiB decodes in a few MiB
  /// instead of being refused (past liblzma's 256 MiB memory limit) or costing 256 MiB (just under it).
  @Test func lzmaDictionaryClaimsAreCappedToTheOutput() throws {
    var random = SeededRandom(seed: 41)
    let plain = random.compressibleBytes(300_000)
    for stated: UInt32 in [0xFFFF_FFFF, 255 << 20, 1 << 26] {
      var packed = Compressors.lzmaAlone(plain)
      for i in 0..<4 { packed[1 + i] = UInt8(truncatingIfNeeded: stated >> (8 * UInt32(i))) }
      #expect(try Codec.lzma.decompress(packed, limit: 1 << 21) == plain, "stated \(stated)")
      #expect(try Codec.lzma.decompress(packed, expectedSize: plain.count, limit: 1 << 21) == plain, "stated \(stated)")
      #expect(throws: CodecError.self) { try Codec.lzma.decompress(packed, expectedSize: plain.count - 1, limit: 1 << 21) }
    }
  }

  @Test func bombsStopAtTheLimit() throws {
    let plain = [UInt8](repeating: 0, count: 8 << 20)
    for (codec, packed) in [
      (Codec.zlib, Compressors.zlib(plain)), (.bzip2, Compressors.bzip2(plain)), (.xz, Compressors.xz(plain)),
    ] {
      #expect(packed.count < 100_000)
      do {
        _ = try codec.decompress(packed, limit: 1 << 20)
        Issue.record("\(codec) bomb was not stopped")
      } catch {
        #expect(error.reason == .outputLimitExceeded(limit: 1 << 20), "\(codec): \(error)")
      }
    }
  }

  @Test func truncatedLibraryStreamsFail() throws {
    var random = SeededRandom(seed: 9)
    let plain = random.compressibleBytes(50_000)
    for (codec, packed) in [
      (Codec.zlib, Compressors.zlib(plain)), (.deflate, Compressors.deflate(plain)), (.bzip2, Compressors.bzip2(plain)),
      (.xz, Compressors.xz(plain)), (.lzma, Compressors.lzmaAlone(plain)),
    ] {
      for length in [0, 1, 2, packed.count / 2, packed.count - 1] {
        #expect(throws: CodecError.self, "\(codec) truncated at \(length)") {
          try codec.decompress(packed.prefix(length), expectedSize: plain.count, limit: 1 << 20)
        }
      }
    }
  }

  @Test func garbageIsRejectedWithReason() {
    let garbage: [UInt8] = Array("this is not compressed at all".utf8)
    for codec in [Codec.zlib, .bzip2, .xz, .lzma, .lzfse, .complzss] {
      #expect(throws: CodecError.self, "\(codec)") { try codec.decompress(garbage, limit: 1 << 20) }
    }
  }
}

@Suite struct HandWrittenCodecTests {
  @Test func adcLiteralAndMatches() throws {
    // literal "abcd" (0x83), short match len 3 dist 4 (0x00 0x03), long match len 4 dist 7 (0x40 0x00 0x06)
    let input: [UInt8] = [0x83, 0x61, 0x62, 0x63, 0x64, 0x00, 0x03, 0x40, 0x00, 0x06]
    let output = try Codec.adc.decompress(input, limit: 100)
    #expect(String(decoding: output, as: UTF8.self) == "abcdabcabcd")
  }

  @Test func adcBadBackReference() {
    do {
      _ = try Codec.adc.decompress([0x80, 0x41, 0x00, 0x05], limit: 100)
      Issue.record("accepted a reference before the start")
    } catch {
      #expect(error.inputOffset == 2)
      if case .corrupt = error.reason {} else { Issue.record("wrong reason \(error.reason)") }
    }
  }

  @Test func adcTruncatedLiteral() {
    #expect(throws: CodecError(.adc, .truncated, at: 0)) { try Codec.adc.decompress([0x85, 1, 2], limit: 100) }
  }

  @Test func lzvnUndefinedOpcodeAndBadDistance() {
    #expect(throws: CodecError.self) { try Codec.lzvn.decompress([0xE2, 0x41, 0x42, 0x70], limit: 100) }
    // sml_l "AB", then sml_m len 3 with no previous distance (0): corrupt
    do {
      _ = try Codec.lzvn.decompress([0xE2, 0x41, 0x42, 0xF3, 0x06], limit: 100)
      Issue.record("accepted a match with distance 0")
    } catch {
      #expect(error.inputOffset == 3)
    }
  }

  @Test func lzvnSmallStream() throws {
    // sml_l "abc", sml_d L=0 M=3 D=3, eos
    let output = try Codec.lzvn.decompress([0xE3, 0x61, 0x62, 0x63, 0x00, 0x03, 0x06, 0, 0, 0, 0, 0, 0, 0], limit: 100)
    #expect(String(decoding: output, as: UTF8.self) == "abcabc")
  }

  @Test func absurdExpectedSizesAreRejected() {
    for codec in Codec.allCases {
      #expect(throws: CodecError.self) { try codec.decompress([1, 2, 3], expectedSize: Int.max, limit: Int.max) }
      #expect(throws: CodecError.self) { try codec.decompress([1, 2, 3], expectedSize: -1, limit: 100) }
      #expect(throws: CodecError(codec, .outputLimitExceeded(limit: 100), at: nil)) {
        try codec.decompress([1, 2, 3], expectedSize: 101, limit: 100)
      }
    }
  }

  @Test func lzfseAbsurdBlockSizeIsRejectedBeforeWork() throws {
    // bvxn block claiming 4 GiB of output.
    let input: [UInt8] = Array("bvxn".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0] + Array("bvx$".utf8)
    #expect(throws: CodecError(.lzfse, .outputLimitExceeded(limit: 1 << 20), at: 0)) {
      try Codec.lzfse.decompress(input, limit: 1 << 20)
    }
  }

  @Test func complzssChecksumIsVerified() throws {
    let row = Vectors.rows.first { $0.codec == .complzss }!
    var input = try Vectors.bytes(row.file)
    input[8] ^= 0x01
    do {
      _ = try Codec.complzss.decompress(input, limit: 1 << 24)
      Issue.record("bad adler32 accepted")
    } catch {
      if case .checksumMismatch = error.reason {} else { Issue.record("wrong reason \(error)") }
    }
  }
}
