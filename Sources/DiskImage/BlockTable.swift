import ImageAccess

/// One chunk of a block table: a run of sectors stored as zeros, raw bytes or one compressed stream.
/// On disk: 40-byte `BLKXChunkEntry`, big-endian.
public struct BlockChunk: Sendable, Equatable {
  public static let size = 40
  public var type: ChunkType  // EntryType
  public var comment: UInt32  // Comment (opaque)
  public var startSector: UInt64  // SectorNumber, relative to the table's first sector
  public var sectorCount: UInt64  // SectorCount
  public var compressedOffset: UInt64  // CompressedOffset, from the data fork start + table data offset
  public var compressedLength: UInt64  // CompressedLength
}

/// A `mish` block table: which chunks make up one partition (`blkx` entry) of the virtual disk.
///
/// Parsing checks the signature and that the chunk count fits the bytes given (before allocating); it does not
/// check chunk order or ranges, which ``UDIFImage`` does with the whole image in view. On disk: `BLKXTable`
/// ("mish", 204-byte header + 40-byte entries, big-endian), ipsw-notes §3.2.
public struct BlockTable: Sendable, Equatable {
  public static let magic: UInt32 = 0x6D69_7368  // "mish"
  public static let headerSize = 204

  public var version: UInt32  // infoVersion
  public var firstSector: UInt64  // firstSectorNumber (absolute)
  public var sectorCount: UInt64  // sectorCount
  public var dataOffset: UInt64  // dataStart
  public var buffersNeeded: UInt32  // decompressBufferRequested
  public var blockDescriptor: UInt32  // blocksDescriptor
  public var checksumType: UInt32  // checksum.type
  public var checksumBits: UInt32  // checksum.bitness
  public var checksumValue: UInt32  // first 32 bits of checksum.data
  public var chunks: [BlockChunk]

  /// - Throws: ``ParseError`` located in `reader`'s coordinates (structure "mish").
  public init(parsing reader: ByteReader) throws(ParseError) {
    let found = try reader.be32(0)
    guard found == Self.magic else {
      throw ParseError(.badMagic(expected: UInt64(Self.magic), found: UInt64(found)), in: reader.structure, at: reader.absolute(0))
    }
    version = try reader.be32(4)
    firstSector = try reader.be64(8)
    sectorCount = try reader.be64(16)
    dataOffset = try reader.be64(24)
    buffersNeeded = try reader.be32(32)
    blockDescriptor = try reader.be32(36)
    checksumType = try reader.be32(64)
    checksumBits = try reader.be32(68)
    checksumValue = try reader.be32(72)
    let count = Int(try reader.be32(200))
    // Check the count against the bytes present before allocating anything.
    let available = (reader.count - Self.headerSize) / BlockChunk.size
    guard reader.count >= Self.headerSize, count <= available else {
      throw ParseError(
        .truncated(needed: Self.headerSize + count * BlockChunk.size, available: reader.count), in: reader.structure,
        at: reader.absolute(200))
    }
    var chunks: [BlockChunk] = []
    chunks.reserveCapacity(count)
    for index in 0..<count {
      let at = Self.headerSize + index * BlockChunk.size
      chunks.append(
        BlockChunk(
          type: ChunkType(rawValue: try reader.be32(at)), comment: try reader.be32(at + 4),
          startSector: try reader.be64(at + 8), sectorCount: try reader.be64(at + 16),
          compressedOffset: try reader.be64(at + 24), compressedLength: try reader.be64(at + 32)))
    }
    self.chunks = chunks
  }
}
