import ImageAccess

/// The UDIF trailer: the last 512 bytes of a DMG, big-endian. On disk: `UDIFResourceFile` ("koly"),
/// ipsw-notes §3.2.
public struct KolyTrailer: Sendable, Equatable {
  public static let magic: UInt32 = 0x6B6F_6C79  // "koly"
  public static let size = 512

  public var version: UInt32  // version, 4
  public var headerSize: UInt32  // headerSize, 512
  public var flags: UInt32  // flags: 1 flattened, 4 internet-enabled
  public var runningDataForkOffset: UInt64  // runningDataForkOffset
  public var dataForkOffset: UInt64  // dataForkOffset
  public var dataForkLength: UInt64  // dataForkLength
  public var resourceForkOffset: UInt64  // rsrcForkOffset
  public var resourceForkLength: UInt64  // rsrcForkLength
  public var segmentNumber: UInt32  // segmentNumber
  public var segmentCount: UInt32  // segmentCount
  public var segmentID: UUIDBytes  // segmentID
  public var dataChecksumType: UInt32  // dataChecksum.type
  public var dataChecksumBits: UInt32  // dataChecksum.bitness
  public var xmlOffset: UInt64  // xmlOffset
  public var xmlLength: UInt64  // xmlLength
  public var codeSignatureOffset: UInt64  // codeSignatureOffset (go-apfs)
  public var codeSignatureLength: UInt64  // codeSignatureLength
  public var masterChecksumType: UInt32  // masterChecksum.type
  public var masterChecksumBits: UInt32  // masterChecksum.bitness
  /// The first 32 bits of the master checksum (CRC32 when type is 2).
  public var masterChecksumValue: UInt32
  public var imageVariant: UInt32  // imageVariant: 1 device, 2 partition
  public var sectorCount: UInt64  // sectorCount (virtual disk size / 512)

  /// Parses a trailer from a 512-byte reader (absolute offsets kept for errors).
  ///
  /// - Throws: ``ParseError`` on a short read, a wrong signature or a header size other than 512.
  public init(parsing reader: ByteReader) throws(ParseError) {
    let found = try reader.be32(0)
    guard found == Self.magic else {
      throw ParseError(.badMagic(expected: UInt64(Self.magic), found: UInt64(found)), in: "koly", at: reader.absolute(0))
    }
    version = try reader.be32(4)
    headerSize = try reader.be32(8)
    guard headerSize == UInt32(Self.size) else {
      throw ParseError(.valueOutOfRange(field: "headerSize", value: UInt64(headerSize)), in: "koly", at: reader.absolute(8))
    }
    flags = try reader.be32(12)
    runningDataForkOffset = try reader.be64(16)
    dataForkOffset = try reader.be64(24)
    dataForkLength = try reader.be64(32)
    resourceForkOffset = try reader.be64(40)
    resourceForkLength = try reader.be64(48)
    segmentNumber = try reader.be32(56)
    segmentCount = try reader.be32(60)
    segmentID = try reader.uuid(64)
    dataChecksumType = try reader.be32(80)
    dataChecksumBits = try reader.be32(84)
    xmlOffset = try reader.be64(216)
    xmlLength = try reader.be64(224)
    codeSignatureOffset = try reader.be64(296)
    codeSignatureLength = try reader.be64(304)
    masterChecksumType = try reader.be32(352)
    masterChecksumBits = try reader.be32(356)
    masterChecksumValue = try reader.be32(360)
    imageVariant = try reader.be32(488)
    sectorCount = try reader.be64(492)
  }

  /// Reads the trailer at the end of `source`.
  public init(from source: any ByteSource) throws {
    guard source.byteCount >= Self.size else {
      throw ParseError(.truncated(needed: Self.size, available: source.byteCount), in: "koly", at: 0)
    }
    try self.init(parsing: source.reader(at: source.byteCount - Self.size, length: Self.size, structure: "koly"))
  }
}
