/// Magic numbers of compressed formats, checked at the start of a block (files start on block boundaries in file
/// systems, so a compressed file's first block starts with its header).
///
/// Only signatures of 3 bytes or more are used, except zlib's 2-byte header, which is accepted only in the four forms
/// zlib writes by default (`78 01`, `78 5E`, `78 9C`, `78 DA`: deflate, 32 KiB window, no preset dictionary), so
/// random data matches it at a block start about 6 times in 100 000 blocks, and it never carries over a run.
public enum CompressedSignature: String, Sendable, CaseIterable {
  case gzip, zlib, xz, bzip2, zstd, lzfse, lz4, zip, jpeg, png, sevenZip = "7z"

  /// The signature at the start of `bytes`, if any.
  /// - Complexity: O(1).
  public static func match(_ bytes: UnsafeRawBufferPointer) -> CompressedSignature? {
    let n = bytes.count
    func at(_ i: Int) -> UInt8 { i < n ? bytes[i] : 0 }
    func starts(_ magic: [UInt8]) -> Bool {
      guard n >= magic.count else { return false }
      for (i, b) in magic.enumerated() where bytes[i] != b { return false }
      return true
    }
    guard n >= 2 else { return nil }
    switch at(0) {
    case 0x1F where at(1) == 0x8B && at(2) == 0x08: return .gzip
    case 0xFD where starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]): return .xz
    case 0x42 where starts([0x42, 0x5A, 0x68]) && (0x31...0x39).contains(at(3))
      && starts([0x42, 0x5A, 0x68, at(3), 0x31, 0x41, 0x59, 0x26, 0x53, 0x59]):
      return .bzip2  // "BZh1".."BZh9" followed by the block magic 0x314159265359
    case 0x28 where starts([0x28, 0xB5, 0x2F, 0xFD]): return .zstd
    case 0x62 where starts([0x62, 0x76, 0x78]) && [0x31, 0x32, 0x6E, 0x2D].contains(at(3)):
      return .lzfse  // "bvx1", "bvx2", "bvxn", "bvx-"
    case 0x04 where starts([0x04, 0x22, 0x4D, 0x18]): return .lz4
    case 0x50 where starts([0x50, 0x4B, 0x03, 0x04]): return .zip
    case 0xFF where at(1) == 0xD8 && at(2) == 0xFF: return .jpeg
    case 0x89 where starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]): return .png
    case 0x37 where starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]): return .sevenZip
    default:
      if at(0) == 0x78, [0x01, 0x5E, 0x9C, 0xDA].contains(at(1)) { return .zlib }
      return nil
    }
  }
}
