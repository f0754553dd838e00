import ImageAccess

/// A GUID Partition Table: protective MBR, primary header and partition array, each checked (UEFI spec §5.3).
///
/// Sector sizes of 512 and 4096 bytes are tried. CRC mismatches are recorded in ``problems`` rather than thrown, so a
/// damaged table still leads to the APFS partition, with the report saying what was wrong.
public struct GPT: Sendable {
  /// One used partition entry. On disk: `EFI_PARTITION_ENTRY` (128 bytes or more).
  public struct Partition: Sendable, Equatable {
    public var index: Int
    public var typeGUID: String  // PartitionTypeGUID, printed in the usual mixed-endian form
    public var uniqueGUID: String  // UniquePartitionGUID
    public var firstLBA: UInt64  // StartingLBA
    public var lastLBA: UInt64  // EndingLBA (inclusive)
    public var name: String  // PartitionName (UTF-16LE)
    /// Absolute offset of this entry in the disk, where an error about it is located.
    public var entryOffset: Int = 0

    public var isAPFS: Bool { typeGUID == GPT.apfsPartitionType }

    /// The partition's bytes in the disk: `StartingLBA × sectorSize ..< (EndingLBA + 1) × sectorSize`, computed
    /// with checked arithmetic.
    ///
    /// - Throws: ``ParseError`` `.arithmeticOverflow` when a product or sum leaves `Int`, `.valueOutOfRange` when
    ///   the partition ends before it starts; both located at the entry.
    public func byteRange(sectorSize: Int) throws(ParseError) -> Range<Int> {
      guard lastLBA >= firstLBA else {
        throw ParseError(.valueOutOfRange(field: "EndingLBA", value: lastLBA), in: "gpt_entry \(index)", at: entryOffset + 40)
      }
      let size = UInt64(sectorSize)
      let (start, startOverflow) = firstLBA.multipliedReportingOverflow(by: size)
      guard !startOverflow, start <= UInt64(Int.max) else {
        throw ParseError(.arithmeticOverflow(field: "StartingLBA × sector size"), in: "gpt_entry \(index)", at: entryOffset + 32)
      }
      let (sectors, countOverflow) = (lastLBA - firstLBA).addingReportingOverflow(1)  // lastLBA >= firstLBA
      let (length, lengthOverflow) = sectors.multipliedReportingOverflow(by: size)
      let (end, endOverflow) = start.addingReportingOverflow(length)
      guard !countOverflow, !lengthOverflow, !endOverflow, end <= UInt64(Int.max) else {
        throw ParseError(.arithmeticOverflow(field: "EndingLBA × sector size"), in: "gpt_entry \(index)", at: entryOffset + 40)
      }
      return Int(start)..<Int(end)
    }
  }

  public static let apfsPartitionType = "7C3457EF-0000-11AA-AA11-00306543ECAC"
  static let signature: UInt64 = 0x5452_4150_2049_4645  // "EFI PART"

  public var sectorSize: Int
  public var partitions: [Partition]
  /// Problems found but tolerated (bad CRCs, a missing protective MBR).
  public var problems: [ParseError]

  /// Reads the GPT of `source`, or returns `nil` when there is no "EFI PART" header at LBA 1.
  ///
  /// - Throws: ``ParseError`` when the header is present but unusable (absurd entry counts, array outside the disk).
  public static func read(from source: any ByteSource) throws -> GPT? {
    for sectorSize in [512, 4096] {
      guard source.byteCount >= 2 * sectorSize else { continue }
      let header = try source.reader(at: sectorSize, length: 92, structure: "gpt_header")
      guard try header.u64(0) == signature else { continue }
      return try GPT(source: source, sectorSize: sectorSize, header: header)
    }
    return nil
  }

  init(source: any ByteSource, sectorSize: Int, header: ByteReader) throws {
    self.sectorSize = sectorSize
    var problems: [ParseError] = []
    let mbr = try source.reader(at: 0, length: 512, structure: "protective_mbr")
    if try mbr.u16(510) != 0xAA55 || mbr.u8(446 + 4) != 0xEE {
      problems.append(ParseError(.invalid("no protective MBR (type 0xEE, signature 0x55AA)"),
                                 in: "protective_mbr", at: 0))
    }
    let headerSize = Int(try header.u32(12))
    if headerSize >= 92, headerSize <= sectorSize {
      var bytes = try source.read(sectorSize..<(sectorSize + headerSize))
      let stored = UInt32(bytes[16]) | UInt32(bytes[17]) << 8 | UInt32(bytes[18]) << 16 | UInt32(bytes[19]) << 24
      for i in 16..<20 { bytes[i] = 0 }
      let computed = CRC32.checksum(bytes)
      if stored != computed {
        problems.append(ParseError(.checksumMismatch(stored: UInt64(stored), computed: UInt64(computed)),
                                   in: "gpt_header", at: sectorSize + 16))
      }
    } else {
      problems.append(ParseError(.valueOutOfRange(field: "HeaderSize", value: UInt64(headerSize)),
                                 in: "gpt_header", at: sectorSize + 12))
    }
    let entriesLBA = try header.u64(72)
    let entryCount = Int(try header.u32(80))
    let entrySize = Int(try header.u32(84))
    let storedArrayCRC = try header.u32(88)
    guard entrySize >= 128, entrySize <= 4096, entrySize % 8 == 0 else {
      throw ParseError(.valueOutOfRange(field: "SizeOfPartitionEntry", value: UInt64(entrySize)),
                       in: "gpt_header", at: sectorSize + 84)
    }
    guard entryCount <= 16384 else {
      throw ParseError(.valueOutOfRange(field: "NumberOfPartitionEntries", value: UInt64(entryCount)),
                       in: "gpt_header", at: sectorSize + 80)
    }
    let (arrayOffset, overflow) = entriesLBA.multipliedReportingOverflow(by: UInt64(sectorSize))
    guard !overflow, arrayOffset <= UInt64(Int.max) else {
      throw ParseError(.arithmeticOverflow(field: "PartitionEntryLBA"), in: "gpt_header", at: sectorSize + 72)
    }
    let array = try source.reader(at: Int(arrayOffset), length: entryCount * entrySize, structure: "gpt_entries")
    let computedArrayCRC = CRC32.checksum(array.bytes)
    if computedArrayCRC != storedArrayCRC {
      problems.append(ParseError(.checksumMismatch(stored: UInt64(storedArrayCRC), computed: UInt64(computedArrayCRC)),
                                 in: "gpt_entries", at: Int(arrayOffset)))
    }
    var found: [Partition] = []
    for index in 0..<entryCount {
      let at = index * entrySize
      let type = try array.bytes(at, 16)
      if type.allSatisfy({ $0 == 0 }) { continue }
      var nameUnits: [UInt16] = []
      for i in 0..<36 {
        let unit = try array.u16(at + 56 + 2 * i)
        if unit == 0 { break }
        nameUnits.append(unit)
      }
      found.append(Partition(
        index: index, typeGUID: Self.guidString(type), uniqueGUID: Self.guidString(try array.bytes(at + 16, 16)),
        firstLBA: try array.u64(at + 32), lastLBA: try array.u64(at + 40),
        name: String(decoding: nameUnits, as: UTF16.self), entryOffset: Int(arrayOffset) + at))
    }
    partitions = found
    self.problems = problems
  }

  /// GUIDs are stored with the first three groups little-endian.
  static func guidString(_ b: [UInt8]) -> String {
    let order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15]
    var out = ""
    for index in order {
      if index < 0 { out += "-"; continue }
      let s = String(b[index], radix: 16, uppercase: true)
      out += s.count == 1 ? "0" + s : s
    }
    return out
  }
}
