/// Headers of compressed formats, checked at the start of a block (files start on block boundaries in file systems,
/// so a compressed file's first block starts with its header).
///
/// A signature can mark a whole run of random-looking blocks `compressed` (see ``ContentScanner``), so a chance match
/// in ciphertext must be very rare: besides the magic bytes, header fields that the format fixes are checked, so that
/// uniformly random data matches at a block start less than once in 10^9 blocks for every format except zlib. zlib's
/// 2-byte header is accepted only in the four forms zlib writes by default (`78 01`, `78 5E`, `78 9C`, `78 DA`);
/// random data matches it about 6 times in 100 000 blocks, so it marks only its own block (``carriesOverRun``).
public enum CompressedSignature: String, Sendable, CaseIterable {
  case gzip, zlib, xz, bzip2, zstd, lzfse, lz4, zip, jpeg, png, sevenZip = "7z"

  /// The signature at the start of `bytes`, if any.
  /// - Complexity: O(1).
  public static func match(_ bytes: UnsafeRawBufferPointer) -> CompressedSignature? {
    let n = bytes.count
    func at(_ i: Int) -> UInt8 { i < n ? bytes[i] : 0 }
    func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
      guard n >= offset + magic.count else { return false }
      for (i, b) in magic.enumerated() where bytes[offset + i] != b { return false }
      return true
    }
    guard n >= 2 else { return nil }
    switch at(0) {
    case 0x1F where n >= 10 && at(1) == 0x8B && at(2) == 0x08:
      // RFC 1952: FLG reserved bits zero, XFL 0/2/4, OS 0...13 or 255.
      let flagsOK = at(3) & 0xE0 == 0 && [0, 2, 4].contains(at(8)) && (at(9) <= 13 || at(9) == 255)
      return flagsOK ? .gzip : nil
    case 0xFD where starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) && n >= 12:
      // xz: stream flags 00 0x, then CRC32 of the two flag bytes.
      guard at(6) == 0, at(7) <= 0x0F else { return nil }
      let stored = UInt32(at(8)) | UInt32(at(9)) << 8 | UInt32(at(10)) << 16 | UInt32(at(11)) << 24
      return crc32([at(6), at(7)]) == stored ? .xz : nil
    case 0x42 where (0x31...0x39).contains(at(3))
      && starts([0x42, 0x5A, 0x68, at(3), 0x31, 0x41, 0x59, 0x26, 0x53, 0x59]):
      return .bzip2  // "BZh1".."BZh9" followed by the block magic 0x314159265359
    case 0x28 where starts([0x28, 0xB5, 0x2F, 0xFD]) && n >= 5:
      return at(4) & 0x08 == 0 ? .zstd : nil  // frame header descriptor: reserved bit 3 is zero
    case 0x62 where starts([0x62, 0x76, 0x78]) && [0x31, 0x32, 0x6E, 0x2D].contains(at(3)):
      return .lzfse  // "bvx1", "bvx2", "bvxn", "bvx-"
    case 0x04 where starts([0x04, 0x22, 0x4D, 0x18]) && n >= 5:
      return at(4) & 0xC2 == 0x40 ? .lz4 : nil  // FLG: version 01, reserved bit 1 zero
    case 0x50 where starts([0x50, 0x4B, 0x03, 0x04]) && n >= 6:
      return at(5) == 0 && at(4) <= 63 ? .zip : nil  // version needed to extract: 6.3 at most
    case 0xFF where starts([0xFF, 0xD8, 0xFF]):
      if at(3) == 0xE0, starts(Array("JFIF".utf8) + [0], at: 6) { return .jpeg }
      if at(3) == 0xE1, starts(Array("Exif".utf8) + [0, 0], at: 6) { return .jpeg }
      return at(3) == 0xDB ? .jpeg : nil
    case 0x89 where starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]): return .png
    case 0x37 where starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]): return .sevenZip
    case 0x78 where [0x01, 0x5E, 0x9C, 0xDA].contains(at(1)): return .zlib
    default: return nil
    }
  }

  /// True for every signature except zlib's: it may mark the rest of its high-entropy run `compressed`.
  public var carriesOverRun: Bool { self != .zlib }

  /// CRC-32 (IEEE 802.3, reflected), bit by bit: used on a few header bytes only.
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }
}
