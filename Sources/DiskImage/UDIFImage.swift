import Codecs
import ImageAccess

/// A UDIF (DMG) image read as the virtual disk it describes: a ``ByteSource`` over the expanded bytes, so the GPT
/// and APFS layers can read a DMG like a raw image.
///
/// Opening parses the `koly` trailer, the XML resource fork and every `mish` table, then checks the whole chunk map
/// before any read: unknown chunk types, chunks out of order or overlapping (inside a table or across tables),
/// chunk data past the end of the file, sector arithmetic that overflows and absurd sizes all give a located
/// ``ParseError``. Reads expand compressed chunks on demand through a small thread-safe cache (at most
/// ``Limits/cacheBytes`` of decoded chunks), so memory stays bounded whatever the image size. Sectors that no chunk
/// covers read as zeros and are counted in ``uncoveredByteCount``.
///
/// On disk: `koly` trailer, `blkx` XML resource fork, `mish` tables, ipsw-notes §3.2.
public final class UDIFImage: ByteSource {
  /// Safety limits for hostile images.
  public struct Limits: Sendable {
    /// Largest decoded size of one compressed chunk (hdiutil uses at most 2048 sectors = 1 MiB).
    public var maximumChunkBytes = 64 << 20
    /// Most chunk entries over all tables.
    public var maximumChunkCount = 8 << 20
    /// Largest virtual disk accepted (1 PiB).
    public var maximumVirtualBytes = 1 << 50
    /// Decoded chunks kept in the cache, in bytes.
    public var cacheBytes = 32 << 20
    public init() {}
  }

  /// One `blkx` entry with its parsed table.
  public struct Partition: Sendable {
    public var entry: BlkxEntry
    public var table: BlockTable
    public var name: String { entry.name }
    /// Chunks per type in this table (terminators included).
    public var chunkCounts: [ChunkType: Int] {
      table.chunks.reduce(into: [:]) { $0[$1.type, default: 0] += 1 }
    }
  }

  /// Where a run of virtual bytes comes from.
  struct Run: Sendable {
    var start: Int  // virtual byte offset
    var length: Int
    var type: ChunkType
    var sourceOffset: Int  // file offset of the stored bytes
    var sourceLength: Int
    var partition: Int  // -1 for gap fill
    var chunk: Int
    var end: Int { start &+ length }
  }

  public let source: any ByteSource
  public let koly: KolyTrailer
  public let resourceFork: ResourceFork
  public let partitions: [Partition]
  public let byteCount: Int
  public let limits: Limits
  /// Virtual bytes that no chunk covers (read as zeros). Zero for images hdiutil wrote.
  public let uncoveredByteCount: Int
  let runs: [Run]
  private let cache: ChunkCache
  private let cacheOwner: ChunkCache.Owner

  /// Opens the UDIF image stored in `source` (normally a ``MappedImage``). Decoded chunks go to `cache` (the
  /// evidence layer passes ``ImageAccess/ChunkCache/shared``); without one, the image gets its own cache of
  /// ``Limits/cacheBytes``.
  ///
  /// - Throws: ``ParseError`` naming the structure and file offset of the first problem.
  public init(source: any ByteSource, limits: Limits = Limits(), cache: ChunkCache? = nil) throws {
    self.source = source
    self.limits = limits
    let koly = try KolyTrailer(from: source)
    self.koly = koly
    let trailerOffset = source.byteCount - KolyTrailer.size

    // XML resource fork.
    guard koly.xmlLength > 0 else {
      throw ParseError(.invalid("image has no XML resource fork (xmlLength 0)"), in: "koly", at: trailerOffset + 224)
    }
    guard koly.xmlLength <= UInt64(ResourceFork.maximumXMLLength) else {
      throw ParseError(.limitExceeded(what: "XML length \(koly.xmlLength)", limit: ResourceFork.maximumXMLLength), in: "koly", at: trailerOffset + 224)
    }
    guard koly.xmlOffset <= UInt64(trailerOffset), koly.xmlLength <= UInt64(trailerOffset) - koly.xmlOffset else {
      throw ParseError(.valueOutOfRange(field: "xmlOffset", value: koly.xmlOffset), in: "koly", at: trailerOffset + 216)
    }
    let xmlOffset = Int(koly.xmlOffset)
    let fork = try ResourceFork(parsingXML: source.read(xmlOffset..<(xmlOffset + Int(koly.xmlLength))), at: xmlOffset)
    resourceFork = fork

    // Data fork bounds.
    guard koly.dataForkOffset <= UInt64(source.byteCount),
      koly.dataForkLength <= UInt64(source.byteCount) - koly.dataForkOffset
    else {
      throw ParseError(.valueOutOfRange(field: "dataForkOffset", value: koly.dataForkOffset), in: "koly", at: trailerOffset + 24)
    }

    // Tables.
    var partitions: [Partition] = []
    var totalChunks = 0
    for (index, entry) in fork.blkx.enumerated() {
      let table = try BlockTable(parsing: ByteReader(entry.data, base: 0, structure: "mish of blkx \(index) '\(entry.name)'"))
      totalChunks += table.chunks.count
      guard totalChunks <= limits.maximumChunkCount else {
        throw ParseError(.limitExceeded(what: "chunk entries", limit: limits.maximumChunkCount), in: "blkx \(index)", at: xmlOffset)
      }
      partitions.append(Partition(entry: entry, table: table))
    }
    self.partitions = partitions

    // Virtual size from the trailer.
    let (kolyBytes, kolyOverflow) = koly.sectorCount.multipliedReportingOverflow(by: 512)
    guard !kolyOverflow, kolyBytes <= UInt64(limits.maximumVirtualBytes) else {
      throw ParseError(.valueOutOfRange(field: "sectorCount", value: koly.sectorCount), in: "koly", at: trailerOffset + 492)
    }

    // Chunk map.
    var runs: [Run] = []
    runs.reserveCapacity(totalChunks)
    for (p, partition) in partitions.enumerated() {
      let table = partition.table
      var previousEnd: UInt64 = 0  // relative sectors
      for (c, chunk) in table.chunks.enumerated() {
        let place = "blkx \(p) '\(partition.name)' chunk \(c) (\(chunk.type))"
        guard chunk.type.isKnown else {
          throw ParseError(.valueOutOfRange(field: "chunk type", value: UInt64(chunk.type.rawValue)), in: place, at: nil)
        }
        guard chunk.type.coversSectors else { continue }
        guard chunk.startSector >= previousEnd else {
          throw ParseError(
            .invalid("chunk starts at sector \(chunk.startSector), before the previous chunk's end \(previousEnd) (overlapping or out of order)"),
            in: place, at: nil)
        }
        let (relativeEnd, o1) = chunk.startSector.addingReportingOverflow(chunk.sectorCount)
        let (absoluteStart, o2) = table.firstSector.addingReportingOverflow(chunk.startSector)
        let (absoluteEnd, o3) = table.firstSector.addingReportingOverflow(relativeEnd)
        let (startBytes, o4) = absoluteStart.multipliedReportingOverflow(by: 512)
        let (endBytes, o5) = absoluteEnd.multipliedReportingOverflow(by: 512)
        guard !(o1 || o2 || o3 || o4 || o5), endBytes <= UInt64(limits.maximumVirtualBytes) else {
          throw ParseError(.arithmeticOverflow(field: "chunk sector range"), in: place, at: nil)
        }
        previousEnd = relativeEnd
        guard chunk.sectorCount > 0 else { continue }
        let length = Int(endBytes - startBytes)
        var run = Run(
          start: Int(startBytes), length: length, type: chunk.type, sourceOffset: 0, sourceLength: 0, partition: p,
          chunk: c)
        if chunk.type == .raw || chunk.type.codec != nil {
          let (o6a, x1) = koly.dataForkOffset.addingReportingOverflow(table.dataOffset)
          let (fileOffset, x2) = o6a.addingReportingOverflow(chunk.compressedOffset)
          let (fileEnd, x3) = fileOffset.addingReportingOverflow(chunk.compressedLength)
          guard !(x1 || x2 || x3), fileEnd <= UInt64(source.byteCount) else {
            throw ParseError(
              .truncated(needed: Int(clamping: chunk.compressedLength), available: max(0, source.byteCount - Int(clamping: fileOffset))),
              in: place + " data past the end of the file", at: Int(clamping: fileOffset))
          }
          run.sourceOffset = Int(fileOffset)
          run.sourceLength = Int(chunk.compressedLength)
          if chunk.type == .raw {
            guard run.sourceLength >= length else {
              throw ParseError(.truncated(needed: length, available: run.sourceLength), in: place, at: run.sourceOffset)
            }
          } else if length > limits.maximumChunkBytes {
            throw ParseError(.limitExceeded(what: "decoded chunk of \(length) bytes", limit: limits.maximumChunkBytes), in: place, at: run.sourceOffset)
          }
        }
        runs.append(run)
      }
    }
    runs.sort { $0.start < $1.start }
    // Across tables: no overlaps; gaps become zero runs.
    var filled: [Run] = []
    filled.reserveCapacity(runs.count)
    var cursor = 0
    var uncovered = 0
    for run in runs {
      if run.start < cursor, let last = filled.last {
        throw ParseError(
          .invalid("overlaps blkx \(last.partition) chunk \(last.chunk) (virtual bytes \(run.start)..<\(cursor))"),
          in: "blkx \(run.partition) '\(partitions[run.partition].name)' chunk \(run.chunk)", at: nil)
      }
      if run.start > cursor {
        filled.append(Run(start: cursor, length: run.start - cursor, type: .zeroFill, sourceOffset: 0, sourceLength: 0, partition: -1, chunk: -1))
        uncovered += run.start - cursor
      }
      filled.append(run)
      cursor = run.end
    }
    var size = cursor
    if kolyBytes > 0 {
      guard UInt64(cursor) <= kolyBytes else {
        throw ParseError(
          .invalid("chunks reach virtual byte \(cursor), past the trailer's \(koly.sectorCount) sectors"), in: "koly",
          at: trailerOffset + 492)
      }
      size = Int(kolyBytes)
      if size > cursor {
        filled.append(Run(start: cursor, length: size - cursor, type: .zeroFill, sourceOffset: 0, sourceLength: 0, partition: -1, chunk: -1))
        uncovered += size - cursor
      }
    }
    self.runs = filled
    self.byteCount = size
    self.uncoveredByteCount = uncovered
    let cache = cache ?? ChunkCache(capacityBytes: limits.cacheBytes)
    self.cache = cache
    self.cacheOwner = cache.makeOwner()
  }

  /// Chunks per type over all tables (terminators and comments included).
  public var chunkCounts: [ChunkType: Int] {
    partitions.reduce(into: [:]) { totals, partition in
      for (type, count) in partition.chunkCounts { totals[type, default: 0] += count }
    }
  }

  /// Stored (compressed) bytes per chunk type.
  public var storedBytes: [ChunkType: Int] {
    runs.reduce(into: [:]) { totals, run in
      if run.partition >= 0 { totals[run.type, default: 0] += run.sourceLength }
    }
  }

  /// Where each run of the virtual disk is stored, in virtual-offset order (gap fills have `partition == -1`).
  ///
  /// The scanner and benchmarks use it to visit chunks directly; ``withBytes(_:_:)`` is the normal way to read.
  public var chunkLocations: [ChunkLocation] {
    runs.map {
      ChunkLocation(
        virtualRange: $0.start..<$0.end, type: $0.type, storedRange: $0.sourceOffset..<($0.sourceOffset + $0.sourceLength),
        partition: $0.partition, chunk: $0.chunk)
    }
  }

  // MARK: Reading

  public func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    try checkRange(range.lowerBound, range.count, structure: "UDIF virtual disk")
    if range.isEmpty { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    let index = runIndex(containing: range.lowerBound)
    let run = runs[index]
    if range.upperBound <= run.end {
      let offset = range.lowerBound - run.start
      switch run.type {
      case .raw:
        return try source.withBytes((run.sourceOffset + offset)..<(run.sourceOffset + offset + range.count), body)
      case .zeroFill, .ignore:
        if range.count <= zeroBlock.count {
          return try zeroBlock.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<range.count])) }
        }
        return try [UInt8](repeating: 0, count: range.count).withUnsafeBytes(body)
      default:
        let decoded = try decodedChunk(index)
        return try decoded.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + range.count)])) }
      }
    }
    // The range crosses chunks: assemble a copy.
    var out = [UInt8](repeating: 0, count: range.count)
    var i = index
    while i < runs.count, runs[i].start < range.upperBound {
      let run = runs[i]
      let lower = max(run.start, range.lowerBound)
      let upper = min(run.end, range.upperBound)
      if run.type != .zeroFill, run.type != .ignore {
        try withBytes(lower..<upper) { piece in
          out.withUnsafeMutableBytes { target in
            target.baseAddress!.advanced(by: lower - range.lowerBound).copyMemory(from: piece.baseAddress!, byteCount: piece.count)
          }
        }
      }
      i += 1
    }
    return try out.withUnsafeBytes(body)
  }

  /// The index of the run holding virtual byte `offset` (binary search; runs are sorted and contiguous).
  func runIndex(containing offset: Int) -> Int {
    var low = 0
    var high = runs.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if runs[mid].start <= offset { low = mid } else { high = mid - 1 }
    }
    return low
  }

  /// The decoded bytes of compressed run `index`, from the cache or freshly expanded.
  func decodedChunk(_ index: Int) throws -> [UInt8] {
    try cache.chunk(cacheOwner, index) { try expand(runs[index]) }
  }

  /// Expands one compressed run; codec failures become a ParseError at the chunk's file offset.
  func expand(_ run: Run) throws -> [UInt8] {
    guard var codec = run.type.codec else {
      throw ParseError(.valueOutOfRange(field: "chunk type", value: UInt64(run.type.rawValue)), in: "chunk", at: run.sourceOffset)
    }
    let place = "blkx \(run.partition) '\(partitions[run.partition].name)' chunk \(run.chunk) (\(run.type))"
    let limit = limits.maximumChunkBytes
    let result = try source.withBytes(run.sourceOffset..<(run.sourceOffset + run.sourceLength)) { bytes -> Result<[UInt8], CodecError> in
      if codec == .xz, !(bytes.count >= 6 && bytes.prefix(6).elementsEqual([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])) {
        codec = .lzma  // raw LZMA1 ("alone") as some non-Apple writers store it
      }
      do throws(CodecError) {
        return .success(try codec.decompress(bytes, expectedSize: run.length, limit: limit))
      } catch {
        return .failure(error)
      }
    }
    switch result {
    case .success(let bytes): return bytes
    case .failure(let error):
      throw ParseError(
        .invalid("\(error.codec) chunk does not decode: \(error.reasonText)"), in: place,
        at: run.sourceOffset + (error.inputOffset ?? 0))
    }
  }
}

/// One run of the virtual disk and where its bytes are stored in the image file.
public struct ChunkLocation: Sendable, Equatable {
  /// Bytes of the virtual disk this run covers.
  public var virtualRange: Range<Int>
  public var type: ChunkType
  /// Bytes of the image file holding the run (empty for zero-fill and ignore runs).
  public var storedRange: Range<Int>
  /// Index into ``UDIFImage/partitions``; -1 for a gap no chunk covers.
  public var partition: Int
  /// Index of the chunk inside its table; -1 for a gap.
  public var chunk: Int
}

/// 1 MiB of zeros, shared by zero-fill reads.
private let zeroBlock = [UInt8](repeating: 0, count: 1 << 20)
