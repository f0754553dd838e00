import ImageAccess

/// The end of central directory record: where the archive's table of contents is, and how many entries it has.
///
/// Found by searching backwards from the end of the file (the record is followed by a comment of up to 65 535 bytes).
/// Saturated fields (0xFFFF, 0xFFFF_FFFF) mean the real values are in the ZIP64 record.
/// On disk: "end of central dir record", PKWARE APPNOTE §4.3.16, signature `PK\5\6`, 22 bytes + comment.
public struct EndOfCentralDirectory: Sendable, Equatable {
  public static let signature: UInt32 = 0x0605_4B50  // "PK\5\6"
  public static let fixedSize = 22

  /// Absolute offset of the record's signature.
  public var offset: Int
  public var diskNumber: UInt16  // number of this disk
  public var centralDirectoryDisk: UInt16  // disk where central directory starts
  public var entriesOnDisk: UInt16  // number of central directory records on this disk
  public var entryCount: UInt16  // total number of central directory records
  public var centralDirectorySize: UInt32  // size of central directory
  public var centralDirectoryOffset: UInt32  // offset of start of central directory
  public var commentLength: UInt16  // .ZIP file comment length

  /// Parses the record at the start of `reader`.
  public init(parsing reader: ByteReader) throws(ParseError) {
    let found = try reader.u32(0)
    guard found == Self.signature else {
      throw ParseError(
        .badMagic(expected: UInt64(Self.signature), found: UInt64(found)), in: "end of central directory",
        at: reader.absolute(0))
    }
    offset = reader.absolute(0)
    diskNumber = try reader.u16(4)
    centralDirectoryDisk = try reader.u16(6)
    entriesOnDisk = try reader.u16(8)
    entryCount = try reader.u16(10)
    centralDirectorySize = try reader.u32(12)
    centralDirectoryOffset = try reader.u32(16)
    commentLength = try reader.u16(20)
  }

  /// True when at least one field is saturated, so a ZIP64 record must exist.
  public var needsZIP64: Bool {
    entriesOnDisk == 0xFFFF || entryCount == 0xFFFF || centralDirectorySize == 0xFFFF_FFFF
      || centralDirectoryOffset == 0xFFFF_FFFF
  }

  /// Finds the record by scanning backwards from the end of `source` in fixed windows that overlap by the signature
  /// width minus one, so a signature straddling two windows is still seen.
  ///
  /// A candidate whose comment ends exactly at the end of the file wins; otherwise the last candidate whose comment
  /// fits is taken (trailing bytes after an archive are tolerated, as unzip does).
  ///
  /// - Complexity: reads at most 22 + 65 535 bytes.
  /// - Throws: ``ParseError`` when the file is too small or has no record.
  public static func locate(in source: any ByteSource, windowSize: Int = 4096) throws -> EndOfCentralDirectory {
    let size = source.byteCount
    guard size >= fixedSize else {
      throw ParseError(.truncated(needed: fixedSize, available: size), in: "end of central directory", at: 0)
    }
    let searchStart = max(0, size - fixedSize - 0xFFFF)
    let lastStart = size - fixedSize  // the latest offset a record can start at
    var fallback: EndOfCentralDirectory?
    var windowEnd = size
    let step = max(64, windowSize)
    // Walk windows from the end towards searchStart; each window covers [lo, windowEnd), overlapping the previous
    // window by 3 bytes so a 4-byte signature split across the boundary is seen.
    var iterations = 0
    while windowEnd > searchStart {
      iterations += 1
      guard iterations <= (0xFFFF + fixedSize) / (step - 3) + 2 else { break }  // bound: never exceeds the span
      let lo = max(searchStart, windowEnd - step)
      let bytes = try source.read(lo..<windowEnd)
      var i = bytes.count - 4
      while i >= 0 {
        if bytes[i] == 0x50, bytes[i + 1] == 0x4B, bytes[i + 2] == 0x05, bytes[i + 3] == 0x06 {
          let position = lo + i
          if position <= lastStart {
            let record = try EndOfCentralDirectory(
              parsing: source.reader(at: position, length: fixedSize, structure: "end of central directory"))
            let end = position + fixedSize + Int(record.commentLength)
            if end == size { return record }
            if end < size, fallback == nil { fallback = record }
          }
        }
        i -= 1
      }
      if lo == searchStart { break }
      windowEnd = lo + 3
    }
    if let fallback { return fallback }
    throw ParseError(
      .invalid("no end of central directory record in the last \(size - searchStart) bytes: not a ZIP archive"),
      in: "end of central directory", at: searchStart)
  }
}

/// Points at the ZIP64 end of central directory record. Sits immediately before the classic record.
/// On disk: "zip64 end of central directory locator", PKWARE APPNOTE §4.3.15, signature `PK\6\7`, 20 bytes.
public struct ZIP64Locator: Sendable, Equatable {
  public static let signature: UInt32 = 0x0706_4B50  // "PK\6\7"
  public static let size = 20

  public var offset: Int
  public var recordDisk: UInt32  // number of the disk with the start of the zip64 end of central directory
  public var recordOffset: UInt64  // relative offset of the zip64 end of central directory record
  public var diskCount: UInt32  // total number of disks

  public init(parsing reader: ByteReader) throws(ParseError) {
    let found = try reader.u32(0)
    guard found == Self.signature else {
      throw ParseError(
        .badMagic(expected: UInt64(Self.signature), found: UInt64(found)), in: "zip64 locator", at: reader.absolute(0))
    }
    offset = reader.absolute(0)
    recordDisk = try reader.u32(4)
    recordOffset = try reader.u64(8)
    diskCount = try reader.u32(16)
  }
}

/// The ZIP64 end of central directory record: 64-bit entry count, size and offset of the central directory.
/// On disk: "zip64 end of central directory record", PKWARE APPNOTE §4.3.14, signature `PK\6\6`, 56 bytes + data.
public struct ZIP64EndOfCentralDirectory: Sendable, Equatable {
  public static let signature: UInt32 = 0x0606_4B50  // "PK\6\6"
  public static let fixedSize = 56

  public var offset: Int
  public var recordSize: UInt64  // size of zip64 end of central directory record (excluding the first 12 bytes)
  public var versionMadeBy: UInt16  // version made by
  public var versionNeeded: UInt16  // version needed to extract
  public var diskNumber: UInt32  // number of this disk
  public var centralDirectoryDisk: UInt32  // disk where central directory starts
  public var entriesOnDisk: UInt64  // total number of entries in the central directory on this disk
  public var entryCount: UInt64  // total number of entries in the central directory
  public var centralDirectorySize: UInt64  // size of the central directory
  public var centralDirectoryOffset: UInt64  // offset of start of central directory

  public init(parsing reader: ByteReader) throws(ParseError) {
    let found = try reader.u32(0)
    guard found == Self.signature else {
      throw ParseError(
        .badMagic(expected: UInt64(Self.signature), found: UInt64(found)), in: "zip64 end of central directory",
        at: reader.absolute(0))
    }
    offset = reader.absolute(0)
    recordSize = try reader.u64(4)
    versionMadeBy = try reader.u16(12)
    versionNeeded = try reader.u16(14)
    diskNumber = try reader.u32(16)
    centralDirectoryDisk = try reader.u32(20)
    entriesOnDisk = try reader.u64(24)
    entryCount = try reader.u64(32)
    centralDirectorySize = try reader.u64(40)
    centralDirectoryOffset = try reader.u64(48)
  }
}
