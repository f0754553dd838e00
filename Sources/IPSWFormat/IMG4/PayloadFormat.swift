import ImageAccess

/// What an IM4P payload's first bytes say it is. Open set of values: anything unrecognised is ``unknown``.
public struct PayloadFormat: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
  public var rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }
  /// `complzss` header + LZSS stream (older kernelcaches).
  public static let lzss = PayloadFormat(rawValue: "complzss")
  /// LZFSE stream (`bvx2` blocks).
  public static let lzfse = PayloadFormat(rawValue: "bvx2")
  /// LZVN-only LZFSE stream (`bvxn` blocks).
  public static let lzvn = PayloadFormat(rawValue: "bvxn")
  /// LZFSE stream of uncompressed blocks (`bvx-`).
  public static let lzfseRaw = PayloadFormat(rawValue: "bvx-")
  /// LZFSE v1 (`bvx1`).
  public static let lzfseV1 = PayloadFormat(rawValue: "bvx1")
  /// Universal (FAT) Mach-O, big-endian magic 0xCAFEBABE.
  public static let fatMachO = PayloadFormat(rawValue: "fat-macho")
  /// Plain 64-bit Mach-O (0xFEEDFACF little-endian).
  public static let machO = PayloadFormat(rawValue: "macho")
  public static let unknown = PayloadFormat(rawValue: "unknown")
  public var description: String { rawValue }

  public var isCompressed: Bool { [.lzss, .lzfse, .lzvn, .lzfseRaw, .lzfseV1].contains(self) }

  /// Classifies a payload from its first bytes (at least 8 are needed to tell anything).
  public static func detect(_ head: [UInt8]) -> PayloadFormat {
    func starts(_ text: String) -> Bool { head.starts(with: Array(text.utf8)) }
    if starts("complzss") { return .lzss }
    if starts("bvx2") { return .lzfse }
    if starts("bvxn") { return .lzvn }
    if starts("bvx-") { return .lzfseRaw }
    if starts("bvx1") { return .lzfseV1 }
    if head.starts(with: [0xCA, 0xFE, 0xBA, 0xBE]) { return .fatMachO }
    if head.starts(with: [0xCF, 0xFA, 0xED, 0xFE]) || head.starts(with: [0xCE, 0xFA, 0xED, 0xFE]) { return .machO }
    return .unknown
  }
}

/// The 0x180-byte header in front of an LZSS kernelcache.
/// On disk: `"complzss"` · adler32 (BE) · uncompressed size (BE) · compressed size (BE) · version (BE) · zero padding to
/// 0x180 (pyimg4 `_parse_complzss_header`; ipsw-notes §3.4). Bytes after `0x180 + compressedSize` are appended data
/// (KPP on some devices).
public struct LZSSHeader: Sendable, Equatable, Codable {
  public static let size = 0x180
  public var adler32: UInt32  // adler32 of the decompressed data
  public var uncompressedSize: UInt32  // decompressed size
  public var compressedSize: UInt32  // compressed size
  public var version: UInt32  // 1
  /// Bytes of the payload after the compressed stream.
  public var appendedDataSize: Int

  public init(parsing reader: ByteReader, payloadLength: Int) throws(ParseError) {
    let magic = try reader.bytes(0, 8)
    guard magic == Array("complzss".utf8) else {
      throw ParseError(.invalid("no complzss signature"), in: "complzss header", at: reader.absolute(0))
    }
    adler32 = try reader.be32(8)
    uncompressedSize = try reader.be32(12)
    compressedSize = try reader.be32(16)
    version = try reader.be32(20)
    guard Int(compressedSize) <= payloadLength - Self.size else {
      throw ParseError(
        .truncated(needed: Int(compressedSize), available: max(0, payloadLength - Self.size)), in: "complzss header",
        at: reader.absolute(16))
    }
    appendedDataSize = payloadLength - Self.size - Int(compressedSize)
  }
}
