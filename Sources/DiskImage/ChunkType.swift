import Codecs

/// The storage type of one UDIF chunk. Open set: unknown codes still parse and are reported, then rejected when the
/// image is assembled.
///
/// On disk: the first field of a `mish` chunk entry (`BLKXChunkEntry.EntryType`), ipsw-notes §3.2.
public struct ChunkType: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
  public var rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  public static let zeroFill = ChunkType(rawValue: 0x0000_0000)
  public static let raw = ChunkType(rawValue: 0x0000_0001)
  /// Free space; reads as zeros.
  public static let ignore = ChunkType(rawValue: 0x0000_0002)
  public static let adc = ChunkType(rawValue: 0x8000_0004)
  public static let zlib = ChunkType(rawValue: 0x8000_0005)
  public static let bzip2 = ChunkType(rawValue: 0x8000_0006)
  public static let lzfse = ChunkType(rawValue: 0x8000_0007)
  /// hdiutil writes xz streams; raw LZMA1 ("alone") is accepted too.
  public static let lzma = ChunkType(rawValue: 0x8000_0008)
  public static let comment = ChunkType(rawValue: 0x7FFF_FFFE)
  public static let terminator = ChunkType(rawValue: 0xFFFF_FFFF)

  /// The codec that expands this chunk, if it is compressed.
  public var codec: Codec? {
    switch self {
    case .adc: .adc
    case .zlib: .zlib
    case .bzip2: .bzip2
    case .lzfse: .lzfse
    case .lzma: .xz
    default: nil
    }
  }

  /// Whether this type covers sectors of the virtual disk (comments and terminators do not).
  public var coversSectors: Bool { self != .comment && self != .terminator }

  public var isKnown: Bool {
    [.zeroFill, .raw, .ignore, .adc, .zlib, .bzip2, .lzfse, .lzma, .comment, .terminator].contains(self)
  }

  /// A short name for reports: `zero`, `raw`, `ignore`, `adc`, `zlib`, `bzip2`, `lzfse`, `lzma`, `comment`,
  /// `terminator`, or the hex code.
  public var name: String {
    switch self {
    case .zeroFill: "zero"
    case .raw: "raw"
    case .ignore: "ignore"
    case .adc: "adc"
    case .zlib: "zlib"
    case .bzip2: "bzip2"
    case .lzfse: "lzfse"
    case .lzma: "lzma"
    case .comment: "comment"
    case .terminator: "terminator"
    default: "0x" + String(rawValue, radix: 16)
    }
  }

  public var description: String { name }
  public static func < (a: ChunkType, b: ChunkType) -> Bool { a.rawValue < b.rawValue }
}
