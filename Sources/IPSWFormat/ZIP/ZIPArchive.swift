import ImageAccess

/// Safety limits for reading an untrusted archive.
public struct ZIPLimits: Sendable, Equatable {
  /// Most entries accepted in the central directory.
  public var maxEntries: Int
  /// Largest central directory accepted (it is copied into memory for parsing).
  public var maxCentralDirectoryBytes: Int
  public init(maxEntries: Int = 1_000_000, maxCentralDirectoryBytes: Int = 256 << 20) {
    self.maxEntries = maxEntries
    self.maxCentralDirectoryBytes = maxCentralDirectoryBytes
  }
}

/// Limits for decoding one entry: guards against decompression bombs.
public struct ReadLimits: Sendable, Equatable {
  /// The default ratio cap. Deflate's own maximum is about 1032:1, so a cap at or above that never fires on a
  /// deflate bomb; 100:1 is well under it and well above real IPSW entries (compressed disk images and firmware,
  /// near 1:1; property lists, about 10:1).
  public static let defaultMaxRatio: UInt64 = 100
  /// Output an entry may always produce whatever its ratio (a small, mostly-zero file is not a bomb).
  public static let defaultRatioAllowance: UInt64 = 1 << 20
  /// Most bytes one entry may produce.
  public var maxOutputBytes: UInt64
  /// Most output bytes per input byte, once the output passes ``ratioAllowanceBytes``.
  public var maxRatio: UInt64
  /// Output below this many bytes is never refused for its ratio.
  public var ratioAllowanceBytes: UInt64
  public init(
    maxOutputBytes: UInt64 = 16 << 30, maxRatio: UInt64 = ReadLimits.defaultMaxRatio,
    ratioAllowanceBytes: UInt64 = ReadLimits.defaultRatioAllowance
  ) {
    self.maxOutputBytes = maxOutputBytes
    self.maxRatio = maxRatio
    self.ratioAllowanceBytes = ratioAllowanceBytes
  }

  /// Most bytes an entry of `compressedSize` bytes may produce under the ratio cap.
  public func ratioCap(compressedSize: UInt64) -> UInt64 {
    let scaled = compressedSize.multipliedReportingOverflow(by: maxRatio)
    return max(scaled.overflow ? .max : scaled.partialValue, ratioAllowanceBytes)
  }

  /// Why an entry declaring `uncompressedSize` from `compressedSize` bytes is refused before any byte is decoded, or
  /// nil. Stored entries decode to exactly their stored bytes, so only their size counts.
  public func refusal(uncompressedSize: UInt64, compressedSize: UInt64, stored: Bool) -> String? {
    if !stored, uncompressedSize > ratioCap(compressedSize: compressedSize) {
      return "declared size \(uncompressedSize) from \(compressedSize) compressed bytes is past the compression ratio cap \(maxRatio):1"
    }
    if uncompressedSize > maxOutputBytes {
      return "declared size \(uncompressedSize) is past the output size cap \(maxOutputBytes)"
    }
    return nil
  }
}

/// What reading an entry produced: its size and CRC-32, and whether the CRC matches the central directory.
public struct EntryReadResult: Sendable, Equatable {
  public var byteCount: UInt64
  public var crc32: UInt32
  public var expectedCRC32: UInt32
  public var crcMatches: Bool { crc32 == expectedCRC32 }
}

/// A ZIP archive (an IPSW) read in place from a ``ByteSource``, typically a ``MappedImage``.
///
/// Opening it finds the end records and parses the central directory only: O(entries), no entry data is touched.
/// Stored entries are handed out as ``SliceSource`` views over the mapping (no copy); deflated entries are streamed.
/// Every range taken from the archive is checked before use and a bad one throws a located ``ParseError``.
public final class ZIPArchive: Sendable {
  public let source: any ByteSource
  public let endOfCentralDirectory: EndOfCentralDirectory
  public let zip64Locator: ZIP64Locator?
  public let zip64Record: ZIP64EndOfCentralDirectory?
  /// Absolute range of the central directory.
  public let centralDirectory: Range<Int>
  public let entries: [CentralDirectoryEntry]
  /// Name → index of the first entry with that name.
  private let index: [String: Int]

  /// Parses the end records and the central directory of `source`.
  ///
  /// - Throws: ``ParseError`` for a missing or inconsistent end record, a ZIP64 record that points past the end, a
  ///   central directory that is truncated or overlaps its end records, absurd entry counts, or a bad header.
  public init(source: any ByteSource, limits: ZIPLimits = ZIPLimits()) throws {
    self.source = source
    let eocd = try EndOfCentralDirectory.locate(in: source)
    endOfCentralDirectory = eocd

    // ZIP64 locator: exactly 20 bytes before the classic record, when present.
    var locator: ZIP64Locator?
    if eocd.offset >= ZIP64Locator.size {
      let reader = try source.reader(
        at: eocd.offset - ZIP64Locator.size, length: ZIP64Locator.size, structure: "zip64 locator")
      if try reader.u32(0) == ZIP64Locator.signature { locator = try ZIP64Locator(parsing: reader) }
    }
    zip64Locator = locator
    var record: ZIP64EndOfCentralDirectory?
    if let locator {
      // The record must lie wholly before its locator.
      let limit = UInt64(locator.offset)
      let (end, overflow) = locator.recordOffset.addingReportingOverflow(UInt64(ZIP64EndOfCentralDirectory.fixedSize))
      guard !overflow, end <= limit else {
        throw ParseError(
          .valueOutOfRange(field: "zip64 end of central directory offset", value: locator.recordOffset),
          in: "zip64 locator", at: locator.offset)
      }
      let parsed = try ZIP64EndOfCentralDirectory(
        parsing: source.reader(
          at: Int(locator.recordOffset), length: ZIP64EndOfCentralDirectory.fixedSize,
          structure: "zip64 end of central directory"))
      guard parsed.recordSize >= 44, parsed.recordSize <= limit - locator.recordOffset - 12 else {
        throw ParseError(
          .valueOutOfRange(field: "size of zip64 end of central directory record", value: parsed.recordSize),
          in: "zip64 end of central directory", at: parsed.offset)
      }
      record = parsed
    } else if eocd.needsZIP64 {
      throw ParseError(
        .invalid("end record has saturated fields but there is no ZIP64 locator before it"),
        in: "end of central directory", at: eocd.offset)
    }
    zip64Record = record

    let count: UInt64 = record?.entryCount ?? UInt64(eocd.entryCount)
    let cdSize: UInt64 = record?.centralDirectorySize ?? UInt64(eocd.centralDirectorySize)
    let cdOffset: UInt64 = record?.centralDirectoryOffset ?? UInt64(eocd.centralDirectoryOffset)
    let structure = "central directory"
    // The directory ends where the first end record begins.
    let cdLimit = UInt64(record?.offset ?? eocd.offset)
    let (cdEnd, cdOverflow) = cdOffset.addingReportingOverflow(cdSize)
    guard !cdOverflow else {
      throw ParseError(.arithmeticOverflow(field: "central directory offset + size"), in: structure, at: eocd.offset)
    }
    let holder = record?.offset ?? eocd.offset  // the record that stated the bad values
    guard cdOffset <= cdLimit else {
      throw ParseError(
        .valueOutOfRange(field: "central directory offset (past its end record)", value: cdOffset),
        in: record != nil ? "zip64 end of central directory" : "end of central directory", at: holder)
    }
    guard cdEnd <= cdLimit else {
      throw ParseError(
        .truncated(needed: Int(clamping: cdSize), available: Int(clamping: cdLimit >= cdOffset ? cdLimit - cdOffset : 0)),
        in: structure, at: Int(clamping: cdOffset))
    }
    guard cdSize <= UInt64(limits.maxCentralDirectoryBytes) else {
      throw ParseError(
        .limitExceeded(what: "central directory size \(cdSize)", limit: limits.maxCentralDirectoryBytes),
        in: structure, at: Int(cdOffset))
    }
    guard count <= UInt64(limits.maxEntries) else {
      throw ParseError(
        .limitExceeded(what: "central directory entry count \(count)", limit: limits.maxEntries), in: structure,
        at: Int(cdOffset))
    }
    // Every header is at least 46 bytes: check the count against the size before allocating anything.
    guard count * UInt64(CentralDirectoryEntry.fixedSize) <= cdSize else {
      throw ParseError(
        .valueOutOfRange(field: "entry count \(count) for a \(cdSize)-byte central directory", value: count),
        in: structure, at: Int(cdOffset))
    }
    centralDirectory = Int(cdOffset)..<Int(cdEnd)
    let reader = try source.reader(at: Int(cdOffset), length: Int(cdSize), structure: structure)
    var parsed: [CentralDirectoryEntry] = []
    parsed.reserveCapacity(Int(count))
    var cursor = 0
    for _ in 0..<Int(count) {
      let entry = try CentralDirectoryEntry(parsing: reader, at: cursor)
      parsed.append(entry)
      cursor += entry.headerLength
    }
    entries = parsed
    var index: [String: Int] = [:]
    index.reserveCapacity(parsed.count)
    for (i, entry) in parsed.enumerated() where index[entry.name] == nil { index[entry.name] = i }
    self.index = index
  }

  /// Opens `path` read-only and parses it.
  public convenience init(path: String, limits: ZIPLimits = ZIPLimits()) throws {
    try self.init(source: MappedImage(path: path), limits: limits)
  }

  /// The first entry named exactly `name`.
  public func entry(named name: String) -> CentralDirectoryEntry? {
    index[name].map { entries[$0] }
  }

  /// Reads the entry's local header and returns the absolute range of its (compressed) data.
  ///
  /// - Throws: ``ParseError`` when the local header or the data lies past the end of the file or runs into the
  ///   central directory.
  public func dataRange(of entry: CentralDirectoryEntry) throws -> Range<Int> {
    let structure = "local file header of \(entry.name)"
    let limit = UInt64(centralDirectory.lowerBound)
    guard entry.localHeaderOffset <= limit, limit - entry.localHeaderOffset >= UInt64(LocalFileHeader.fixedSize)
    else {
      throw ParseError(
        .valueOutOfRange(field: "local header offset (past the start of the central directory)",
          value: entry.localHeaderOffset),
        in: "central directory file header", at: entry.headerOffset)
    }
    var reader = try source.reader(
      at: Int(entry.localHeaderOffset), length: LocalFileHeader.fixedSize, structure: structure)
    reader.structure = structure
    let local = try LocalFileHeader(parsing: reader)
    let dataStart = UInt64(local.dataOffset)
    let (dataEnd, overflow) = dataStart.addingReportingOverflow(entry.compressedSize)
    guard !overflow else {
      throw ParseError(.arithmeticOverflow(field: "data offset + compressed size"), in: structure, at: local.offset)
    }
    guard dataStart <= UInt64(source.byteCount) else {
      throw ParseError(
        .valueOutOfRange(field: "data offset (past the end of the file)", value: dataStart), in: structure,
        at: local.offset)
    }
    guard dataEnd <= UInt64(source.byteCount) else {
      throw ParseError(
        .truncated(needed: Int(clamping: entry.compressedSize),
          available: Int(clamping: UInt64(source.byteCount) >= dataStart ? UInt64(source.byteCount) - dataStart : 0)),
        in: "data of \(entry.name) (past the end of the file)", at: Int(clamping: dataStart))
    }
    guard dataEnd <= limit else {
      throw ParseError(
        .valueOutOfRange(field: "compressed size (data overlaps the central directory)", value: entry.compressedSize),
        in: "data of \(entry.name)", at: Int(dataStart))
    }
    return Int(dataStart)..<Int(dataEnd)
  }

  /// A zero-copy view of a stored entry's bytes.
  ///
  /// - Throws: ``ParseError`` when the entry is not stored, is encrypted, or its range is bad.
  public func storedData(of entry: CentralDirectoryEntry) throws -> SliceSource {
    guard entry.method == .stored, !entry.isEncrypted else {
      throw ParseError(
        .invalid("entry \(entry.name) is \(entry.isEncrypted ? "encrypted" : entry.method.description), not stored"),
        in: "central directory file header", at: entry.headerOffset)
    }
    let range = try dataRange(of: entry)
    return try SliceSource(source, offset: range.lowerBound, length: range.count)
  }

  /// Streams the entry's decoded bytes to `body` in chunks, checking size limits and computing the CRC-32.
  ///
  /// Stored entries are passed straight from the mapping; deflated entries go through the raw-deflate decoder.
  /// An entry whose declared size is already past `limits.maxOutputBytes` or the ratio cap is refused before anything
  /// is decoded; otherwise decoding stops with `.limitExceeded` before handing on the chunk that would pass
  /// `limits.maxOutputBytes`, the entry's declared uncompressed size, or the ratio cap
  /// (``ReadLimits/ratioCap(compressedSize:)``; stored entries are not ratio-capped).
  ///
  /// - Returns: the byte count and CRC; the caller decides what a CRC mismatch means.
  @discardableResult
  public func read(
    _ entry: CentralDirectoryEntry, limits: ReadLimits = ReadLimits(), chunkSize: Int = 1 << 20,
    _ body: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> EntryReadResult {
    guard !entry.isEncrypted else {
      throw ParseError(.invalid("entry \(entry.name) is encrypted"), in: "central directory file header",
        at: entry.headerOffset)
    }
    let range = try dataRange(of: entry)
    var crc = CRC32()
    var produced: UInt64 = 0
    let ratioCap = entry.method == .stored ? UInt64.max : limits.ratioCap(compressedSize: UInt64(range.count))
    let cap = min(limits.maxOutputBytes, entry.uncompressedSize, ratioCap)
    // Refused before decoding anything when the declared size alone is past a cap.
    if let refusal = limits.refusal(
      uncompressedSize: entry.uncompressedSize, compressedSize: UInt64(range.count), stored: entry.method == .stored)
    {
      throw ParseError(
        .limitExceeded(what: "\(entry.name): \(refusal)", limit: Int(clamping: cap)), in: "data of \(entry.name)",
        at: range.lowerBound)
    }
    // Checked before `body` sees a chunk, so nothing past a cap is ever handed on (or written).
    func emit(_ bytes: UnsafeRawBufferPointer) throws {
      produced += UInt64(bytes.count)
      guard produced <= cap else {
        let which =
          produced > limits.maxOutputBytes ? "output size cap" :
          produced > entry.uncompressedSize ? "declared uncompressed size \(entry.uncompressedSize)" :
          "compression ratio cap \(limits.maxRatio):1"
        throw ParseError(
          .limitExceeded(what: "\(entry.name) decodes past the \(which)", limit: Int(clamping: cap)),
          in: "data of \(entry.name)", at: range.lowerBound)
      }
      crc.update(bytes)
      try body(bytes)
    }
    switch entry.method {
    case .stored:
      var offset = range.lowerBound
      while offset < range.upperBound {
        let end = min(range.upperBound, offset + chunkSize)
        try source.withBytes(offset..<end) { try emit($0) }
        offset = end
      }
    case .deflated:
      let inflater = try RawInflater()
      var offset = range.lowerBound
      var finished = false
      while offset < range.upperBound, !finished {
        let end = min(range.upperBound, offset + chunkSize)
        let base = offset
        finished = try source.withBytes(offset..<end) { input in
          try inflater.inflate(input, at: base) { try emit($0) }
        }
        offset = end
      }
      guard finished else {
        throw ParseError(
          .invalid("deflate stream of \(entry.name) ends before its final block"), in: "data of \(entry.name)",
          at: range.upperBound)
      }
    default:
      throw ParseError(
        .invalid("entry \(entry.name) uses unsupported compression \(entry.method)"),
        in: "central directory file header", at: entry.headerOffset)
    }
    guard produced == entry.uncompressedSize else {
      throw ParseError(
        .invalid("\(entry.name) decodes to \(produced) bytes; the central directory says \(entry.uncompressedSize)"),
        in: "data of \(entry.name)", at: range.lowerBound)
    }
    return EntryReadResult(byteCount: produced, crc32: crc.value, expectedCRC32: entry.crc32)
  }

  /// The whole decoded entry in memory, for small entries (manifests, IMG4 files).
  ///
  /// - Throws: `.limitExceeded` past `maxBytes`, and ``ParseError`` for a CRC mismatch.
  public func contents(of entry: CentralDirectoryEntry, maxBytes: Int = 64 << 20) throws -> [UInt8] {
    guard entry.uncompressedSize <= UInt64(maxBytes) else {
      throw ParseError(
        .limitExceeded(what: "\(entry.name) is \(entry.uncompressedSize) bytes", limit: maxBytes),
        in: "data of \(entry.name)", at: entry.headerOffset)
    }
    var out: [UInt8] = []
    out.reserveCapacity(Int(entry.uncompressedSize))
    let result = try read(entry, limits: ReadLimits(maxOutputBytes: UInt64(maxBytes))) { out.append(contentsOf: $0) }
    guard result.crcMatches else {
      throw ParseError(
        .checksumMismatch(stored: UInt64(entry.crc32), computed: UInt64(result.crc32)), in: "data of \(entry.name)",
        at: entry.headerOffset)
    }
    return out
  }
}
