import Foundation

/// A tiny UDIF (DMG) writer for tests and benchmarks: zero, raw, ignore, zlib, bzip2, xz and comment chunks, one
/// `blkx` entry per partition, XML resource fork and `koly` trailer.
///
/// The low-level pieces (``mish(firstSector:sectorCount:entries:descriptor:)``,
/// ``image(dataFork:blocks:sectorCount:)``) take raw chunk entries, so tests can write lying tables (overlaps, chunks
/// past EOF, absurd counts) on purpose.
public enum UDIFWriter {
  /// One 40-byte chunk entry exactly as it will be written (big-endian).
  public struct Entry: Sendable {
    public var type: UInt32
    public var comment: UInt32 = 0
    public var startSector: UInt64  // relative to the mish first sector
    public var sectorCount: UInt64
    public var compressedOffset: UInt64
    public var compressedLength: UInt64
    public init(
      type: UInt32, comment: UInt32 = 0, startSector: UInt64, sectorCount: UInt64, compressedOffset: UInt64,
      compressedLength: UInt64
    ) {
      (self.type, self.comment, self.startSector, self.sectorCount) = (type, comment, startSector, sectorCount)
      (self.compressedOffset, self.compressedLength) = (compressedOffset, compressedLength)
    }
  }

  /// How a chunk's plain bytes are stored.
  public enum Storage: Sendable { case zero, ignore, raw, zlib, bzip2, xz, comment }

  /// A chunk to write: `bytes` (a multiple of 512) or, for zero/ignore, just a sector count.
  public struct Chunk: Sendable {
    public var storage: Storage
    public var bytes: [UInt8]
    public var sectorCount: UInt64
    public init(_ storage: Storage, bytes: [UInt8]) {
      precondition(bytes.count % 512 == 0)
      (self.storage, self.bytes, self.sectorCount) = (storage, bytes, UInt64(bytes.count / 512))
    }
    public init(_ storage: Storage, sectors: UInt64) {
      (self.storage, self.bytes, self.sectorCount) = (storage, [], sectors)
    }
  }

  public struct Partition: Sendable {
    public var name: String
    public var chunks: [Chunk]
    public init(name: String, chunks: [Chunk]) { (self.name, self.chunks) = (name, chunks) }
  }

  public static let zeroType: UInt32 = 0x0000_0000
  public static let rawType: UInt32 = 0x0000_0001
  public static let ignoreType: UInt32 = 0x0000_0002
  public static let zlibType: UInt32 = 0x8000_0005
  public static let bzip2Type: UInt32 = 0x8000_0006
  public static let lzmaType: UInt32 = 0x8000_0008
  public static let commentType: UInt32 = 0x7FFF_FFFE
  public static let terminatorType: UInt32 = 0xFFFF_FFFF

  /// Builds a whole image: partitions laid out one after another from sector 0.
  public static func make(partitions: [Partition]) -> [UInt8] {
    var dataFork: [UInt8] = []
    var blocks: [(name: String, mish: [UInt8])] = []
    var firstSector: UInt64 = 0
    for (index, partition) in partitions.enumerated() {
      var entries: [Entry] = []
      var relative: UInt64 = 0
      for chunk in partition.chunks {
        let stored: [UInt8]
        let type: UInt32
        switch chunk.storage {
        case .zero: (stored, type) = ([], zeroType)
        case .ignore: (stored, type) = ([], ignoreType)
        case .raw: (stored, type) = (chunk.bytes, rawType)
        case .zlib: (stored, type) = (Compressors.zlib(chunk.bytes), zlibType)
        case .bzip2: (stored, type) = (Compressors.bzip2(chunk.bytes), bzip2Type)
        case .xz: (stored, type) = (Compressors.xz(chunk.bytes), lzmaType)
        case .comment: (stored, type) = ([], commentType)
        }
        let sectors = chunk.storage == .comment ? 0 : chunk.sectorCount
        entries.append(
          Entry(
            type: type, startSector: relative, sectorCount: sectors, compressedOffset: UInt64(dataFork.count),
            compressedLength: UInt64(stored.count)))
        dataFork += stored
        relative += sectors
      }
      entries.append(
        Entry(
          type: terminatorType, startSector: relative, sectorCount: 0, compressedOffset: UInt64(dataFork.count),
          compressedLength: 0))
      blocks.append(
        (partition.name, mish(firstSector: firstSector, sectorCount: relative, entries: entries, descriptor: UInt32(index))))
      firstSector += relative
    }
    return image(dataFork: dataFork, blocks: blocks, sectorCount: firstSector)
  }

  /// A `mish` block table: 204-byte header then 40-byte entries, all big-endian.
  public static func mish(firstSector: UInt64, sectorCount: UInt64, entries: [Entry], descriptor: UInt32 = 0) -> [UInt8] {
    var out: [UInt8] = Array("mish".utf8)
    out.be32(1)  // version
    out.be64(firstSector)
    out.be64(sectorCount)
    out.be64(0)  // data offset
    out.be32(0x808)  // buffers needed
    out.be32(descriptor)
    out += [UInt8](repeating: 0, count: 24)
    out.be32(2)  // checksum type CRC32
    out.be32(32)
    out += [UInt8](repeating: 0, count: 128)
    out.be32(UInt32(entries.count))
    for entry in entries {
      out.be32(entry.type)
      out.be32(entry.comment)
      out.be64(entry.startSector)
      out.be64(entry.sectorCount)
      out.be64(entry.compressedOffset)
      out.be64(entry.compressedLength)
    }
    return out
  }

  /// The XML resource fork for `blocks`.
  public static func plist(blocks: [(name: String, mish: [UInt8])]) -> [UInt8] {
    var xml = """
      <?xml version="1.0" encoding="UTF-8"?>
      <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
      <plist version="1.0">
      <dict>
      \t<key>resource-fork</key>
      \t<dict>
      \t\t<key>blkx</key>
      \t\t<array>

      """
    for (index, block) in blocks.enumerated() {
      xml += """
        \t\t\t<dict>
        \t\t\t\t<key>Attributes</key>
        \t\t\t\t<string>0x0050</string>
        \t\t\t\t<key>CFName</key>
        \t\t\t\t<string>\(block.name)</string>
        \t\t\t\t<key>Data</key>
        \t\t\t\t<data>\(Data(block.mish).base64EncodedString())</data>
        \t\t\t\t<key>ID</key>
        \t\t\t\t<string>\(index - 1)</string>
        \t\t\t\t<key>Name</key>
        \t\t\t\t<string>\(block.name)</string>
        \t\t\t</dict>

        """
    }
    xml += "\t\t</array>\n\t</dict>\n</dict>\n</plist>\n"
    return Array(xml.utf8)
  }

  /// Data fork, XML plist, then the 512-byte `koly` trailer.
  public static func image(dataFork: [UInt8], blocks: [(name: String, mish: [UInt8])], sectorCount: UInt64) -> [UInt8] {
    let xml = plist(blocks: blocks)
    return image(dataFork: dataFork, xml: xml, sectorCount: sectorCount)
  }

  public static func image(dataFork: [UInt8], xml: [UInt8], sectorCount: UInt64) -> [UInt8] {
    var out = dataFork
    let xmlOffset = UInt64(out.count)
    out += xml
    out += koly(dataForkLength: UInt64(dataFork.count), xmlOffset: xmlOffset, xmlLength: UInt64(xml.count), sectorCount: sectorCount)
    return out
  }

  /// A `koly` trailer (512 bytes, big-endian).
  public static func koly(dataForkLength: UInt64, xmlOffset: UInt64, xmlLength: UInt64, sectorCount: UInt64) -> [UInt8] {
    var out: [UInt8] = Array("koly".utf8)
    out.be32(4)  // version
    out.be32(512)  // header size
    out.be32(1)  // flags: flattened
    out.be64(0)  // running data fork offset
    out.be64(0)  // data fork offset
    out.be64(dataForkLength)
    out.be64(0)  // resource fork offset
    out.be64(0)  // resource fork length
    out.be32(1)  // segment number
    out.be32(1)  // segment count
    out += [UInt8](repeating: 0x11, count: 16)  // segment ID
    out.be32(0)  // data checksum type
    out.be32(0)
    out += [UInt8](repeating: 0, count: 128)
    precondition(out.count == 216)
    out.be64(xmlOffset)
    out.be64(xmlLength)
    out += [UInt8](repeating: 0, count: 352 - 232)
    out.be32(2)  // master checksum type CRC32
    out.be32(32)
    out += [UInt8](repeating: 0, count: 128)
    precondition(out.count == 488)
    out.be32(1)  // image variant
    out.be64(sectorCount)
    out += [UInt8](repeating: 0, count: 12)
    precondition(out.count == 512)
    return out
  }
}

extension Array where Element == UInt8 {
  mutating func be32(_ value: UInt32) { for shift in stride(from: 24, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) } }
  mutating func be64(_ value: UInt64) { for shift in stride(from: 56, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) } }
}
