import CEWF
import ImageAccess
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An Expert Witness (EnCase E01) segment set read through libewf as the media it holds: a ``ByteSource`` over the
/// acquired disk, decoded chunk by chunk into the shared ``ImageAccess/ChunkCache``.
///
/// Opened from its first segment (`x.E01` finds `x.E02`, … the way libewf globs them). The set is opened read-only
/// (`LIBEWF_OPEN_READ`); nothing is written beside it. A chunk whose stored checksum fails is not a thrown error —
/// libewf still hands out its bytes, and the read goes on so the hash can say whether the media matches — but it is
/// recorded with its media offset (``checksumErrors()``) and the triage reports it and calls the evidence damaged.
///
/// All calls into libewf on this image's handle go through one lock: a libewf handle is not safe to use from two
/// threads at once. Whole-media passes open one more handle per decoding thread (``makeReader(_:)``).
public final class EWFImage: ByteSource, @unchecked Sendable {
  // @unchecked: `handle` is only touched with `lock` held; everything else is immutable after init.

  /// One file of the set.
  public struct SegmentFile: Sendable, Equatable {
    public var path: String
    public var sizeBytes: Int
    public var name: String { path.split(separator: "/").last.map(String.init) ?? path }
  }

  /// The acquisition metadata stored in the header sections.
  public struct Metadata: Sendable, Equatable {
    public var caseNumber: String?
    public var evidenceNumber: String?
    public var examiner: String?
    public var description: String?
    public var notes: String?
    /// As libewf prints it (`Mon Dec  7 02:58:33 2026`, local time of the acquiring machine).
    public var acquiredAt: String?
    public var acquirySoftware: String?
    /// Hex digests stored in the hash section, or `nil` when none was stored.
    public var storedMD5: String?
    public var storedSHA1: String?
  }

  /// A run of sectors whose chunk checksum failed, in media bytes.
  public struct ChecksumError: Sendable, Hashable {
    public var offset: Int
    public var length: Int
  }

  public let segmentFiles: [SegmentFile]
  public let byteCount: Int
  public let chunkSize: Int
  public let bytesPerSector: Int
  public let metadata: Metadata

  private let lock = Mutex(())
  private let handle: UnsafeMutablePointer<libewf_handle_t>
  /// Checksum failures met by the extra decoding handles of whole-media passes (``makeReader(_:)``).
  private let extraChecksumErrors = Mutex<Set<ChecksumError>>([])
  /// The reads libewf failed (see ``failedReadBudget``).
  private let failedReads: Mutex<FailedReads>
  private let cache: ChunkCache
  private let cacheOwner: ChunkCache.Owner

  /// Opens the set whose first segment is `path`.
  ///
  /// - Throws: ``ParseError`` naming the file: a missing segment (a gap in the numbering), an EWF2 (Ex01) or logical
  ///   (L01) file this libewf cannot read as media, or libewf's own message when the set does not open.
  /// - Parameter failedReadBytes: the most chunk-buffer bytes libewf may leak on failed reads (``failedReadBudget``).
  public init(firstSegment path: String, cache: ChunkCache = .shared, failedReadBytes: Int = 16 << 20)
    throws(ParseError)
  {
    if let signature = Self.signature(path), signature != .ewf1 {
      throw ParseError(.invalid("\(signature.rawValue) files are not supported: libewf 20140813 reads EWF1 (E01) "
                                + "media only"), in: "ewf_segment \(Self.baseName(path))", at: 0)
    }
    var error: UnsafeMutablePointer<libewf_error_t>? = nil
    var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
    var count: Int32 = 0
    guard libewf_glob(path, path.utf8.count, UInt8(LIBEWF_FORMAT_UNKNOWN.rawValue), &names, &count, &error) == 1,
      let names
    else {
      throw ParseError(.invalid("cannot find the segment files: \(Self.take(&error))"),
                       in: "ewf_segment \(Self.baseName(path))", at: nil)
    }
    defer { libewf_glob_free(names, count, nil) }
    var files: [SegmentFile] = []
    for i in 0..<Int(count) {
      guard let name = names[i] else { continue }
      let segmentPath = String(cString: name)
      var info = stat()
      let size = stat(segmentPath, &info) == 0 ? Int(info.st_size) : 0
      files.append(SegmentFile(path: segmentPath, sizeBytes: size))
    }
    // libewf's glob stops at the first missing number; a later segment still present means a gap.
    if let last = files.last, let next = Self.nextSegmentName(last.path), let after = Self.nextSegmentName(next),
      access(after, F_OK) == 0
    {
      throw ParseError(.invalid("segment file \(Self.baseName(next)) is missing (\(Self.baseName(after)) is present)"),
                       in: "ewf_segment \(Self.baseName(next))", at: nil)
    }
    let opened = try Self.openHandle(files.map(\.path), firstSegment: path)
    var format: UInt8 = 0
    var mediaSize: UInt64 = 0
    var sectorsPerChunk: UInt32 = 0
    var bytesPerSector: UInt32 = 0
    guard libewf_handle_get_format(opened, &format, &error) == 1,
      libewf_handle_get_media_size(opened, &mediaSize, &error) == 1,
      libewf_handle_get_sectors_per_chunk(opened, &sectorsPerChunk, &error) == 1,
      libewf_handle_get_bytes_per_sector(opened, &bytesPerSector, &error) == 1
    else {
      let message = Self.take(&error)
      Self.close(opened)
      throw ParseError(.invalid("libewf: \(message)"), in: "ewf_segment \(Self.baseName(path))", at: nil)
    }
    let logical: Set<UInt32> = [
      LIBEWF_FORMAT_LOGICAL_ENCASE5.rawValue, LIBEWF_FORMAT_LOGICAL_ENCASE6.rawValue,
      LIBEWF_FORMAT_LOGICAL_ENCASE7.rawValue,
    ]
    let (chunk, chunkOverflow) = Int(sectorsPerChunk).multipliedReportingOverflow(by: Int(bytesPerSector))
    guard !logical.contains(UInt32(format)), mediaSize <= UInt64(Int.max), !chunkOverflow, chunk > 0,
      chunk <= 64 << 20
    else {
      Self.close(opened)
      throw ParseError(
        logical.contains(UInt32(format))
          ? .invalid("a logical evidence file (L01) holds files, not a disk: unsupported")
          : .valueOutOfRange(field: "media size or chunk size", value: mediaSize),
        in: "ewf_segment \(Self.baseName(path))", at: nil)
    }
    self.handle = opened
    self.segmentFiles = files
    self.byteCount = Int(mediaSize)
    self.chunkSize = chunk
    self.bytesPerSector = Int(bytesPerSector)
    self.metadata = Self.readMetadata(opened)
    self.cache = cache
    self.cacheOwner = cache.makeOwner()
    self.failedReads = Mutex(FailedReads(budget: Self.failedReadBudget(chunkSize: chunk, bytes: failedReadBytes)))
  }

  deinit { Self.close(handle) }

  /// A libewf handle on the set's files, opened read-only (`LIBEWF_ACCESS_FLAG_READ`).
  static func openHandle(_ paths: [String], firstSegment path: String) throws(ParseError)
    -> UnsafeMutablePointer<libewf_handle_t>
  {
    var error: UnsafeMutablePointer<libewf_error_t>? = nil
    var opened: UnsafeMutablePointer<libewf_handle_t>? = nil
    guard libewf_handle_initialize(&opened, &error) == 1, let opened else {
      throw ParseError(.invalid("libewf: \(Self.take(&error))"), in: "ewf_segment \(Self.baseName(path))", at: nil)
    }
    var names = paths.map { strdup($0) }
    defer { names.forEach { free($0) } }
    guard libewf_handle_open(opened, &names, Int32(names.count), Int32(LIBEWF_ACCESS_FLAG_READ.rawValue), &error) == 1
    else {
      let message = Self.take(&error)
      var doomed: UnsafeMutablePointer<libewf_handle_t>? = opened
      libewf_handle_free(&doomed, nil)
      throw ParseError(.invalid("libewf cannot open the set: \(message)"), in: "ewf_segment \(Self.baseName(path))",
                       at: nil)
    }
    return opened
  }

  // MARK: Reading

  public func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    try checkRange(range.lowerBound, range.count, structure: "ewf_media")
    if range.isEmpty { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    let first = range.lowerBound / chunkSize
    let last = (range.upperBound - 1) / chunkSize
    if first == last {
      let chunk = try self.chunk(first)
      let start = range.lowerBound - first * chunkSize
      return try chunk.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + range.count)])) }
    }
    var out = [UInt8](repeating: 0, count: range.count)
    try out.withUnsafeMutableBytes { target in try read(into: target, at: range.lowerBound) }
    return try out.withUnsafeBytes(body)
  }

  /// Reads `buffer.count` media bytes at `offset` straight from libewf (no cache): the sequential path for hashing.
  ///
  /// - Throws: ``ParseError`` at the offset libewf could not read (a segment missing or truncated at the end).
  public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(ParseError) {
    try checkRange(offset, buffer.count, structure: "ewf_media")
    try lock.withLock { _ throws(ParseError) in try read(handle, into: buffer, at: offset) }
  }

  private func read(_ handle: UnsafeMutablePointer<libewf_handle_t>, into buffer: UnsafeMutableRawBufferPointer,
                    at offset: Int) throws(ParseError)
  {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    let last = segmentFiles.last.map { " after segment \($0.name)" } ?? ""
    if let known = failedReads.withLock({ $0.refusal(offset..<(offset + buffer.count), chunkSize: chunkSize) }) {
      throw ParseError(
        .invalid("media bytes cannot be read (a segment file missing or truncated\(last)?): \(known.reason)"),
        in: "ewf_media", at: known.offset)
    }
    var error: UnsafeMutablePointer<libewf_error_t>? = nil
    var done = 0
    while done < buffer.count {
      let got = libewf_handle_read_random(handle, base + done, buffer.count - done, off64_t(offset + done), &error)
      guard got > 0 else {
        let message = got < 0 ? Self.take(&error) : "no data"
        failedReads.withLock { $0.record(offset + done, chunkSize: chunkSize, message: message) }
        throw ParseError(.invalid("media bytes cannot be read (a segment file missing or truncated\(last)?): \(message)"),
                         in: "ewf_media", at: offset + done)
      }
      done += got
    }
  }

  /// How many failed reads may reach libewf. libewf 20140813 (Debian's libewf2) does not free the chunk buffer of a
  /// read that fails (FUZZING.md, finding 7), so an unbounded number of failing reads (a content scan or hash over the
  /// media of a truncated set) would leak without bound. A chunk that failed once is never asked for again, and after
  /// this many failures (`bytes` of chunk buffers, 16 MiB by default; at least one) no read at or past the first
  /// failed offset reaches libewf: it fails at once, located at that offset.
  static func failedReadBudget(chunkSize: Int, bytes: Int) -> Int { max(1, bytes / max(1, chunkSize)) }

  /// How many failed reads may still reach libewf, in all (``failedReadBudget``).
  public var failedReadLimit: Int { failedReads.withLock { $0.budget } }

  /// The number of reads libewf has failed for this image (for tests of the bound above).
  public var libewfReadFailures: Int { failedReads.withLock { $0.count } }

  /// The failed reads of one image: the chunks they failed in, and the lowest failed offset.
  struct FailedReads {
    let budget: Int
    var count = 0
    var chunks: Set<Int> = []
    var lowest: Int? = nil
    var message = ""
    var exhausted = false

    mutating func record(_ offset: Int, chunkSize: Int, message: String) {
      count += 1
      if chunks.count < budget { chunks.insert(offset / chunkSize) }
      if lowest.map({ offset < $0 }) ?? true {
        lowest = offset
        self.message = message
      }
      if count >= budget { exhausted = true }
    }

    /// The offset and reason to refuse `range` with, without asking libewf, or `nil` to ask it.
    func refusal(_ range: Range<Int>, chunkSize: Int) -> (offset: Int, reason: String)? {
      guard let lowest, !range.isEmpty else { return nil }
      if exhausted && range.upperBound > lowest {
        return (max(range.lowerBound, lowest), "\(message) (reads past the first unreadable offset are not retried)")
      }
      let first = range.lowerBound / chunkSize
      let last = (range.upperBound - 1) / chunkSize
      guard last - first < chunks.count else {
        for chunk in first...last where chunks.contains(chunk) { return (max(range.lowerBound, chunk * chunkSize), message) }
        return nil
      }
      for chunk in chunks.sorted() where chunk >= first && chunk <= last {
        return (max(range.lowerBound, chunk * chunkSize), message)
      }
      return nil
    }
  }

  /// Threads that decode the media in a whole-media pass, each with its own libewf handle (one per online core, at
  /// most 4).
  public static var decodeThreads: Int { max(1, min(4, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))) }

  /// A reader of the media for decoding thread `thread` of a whole-media pass (``ImageAccess/WindowFeed``): thread
  /// 0 reads through this image's handle, every other thread through a handle of its own, opened on the same files
  /// read-only, so chunks are decoded on several cores at once. Checksum failures met by those handles are kept
  /// for ``checksumErrors()``.
  public func makeReader(_ thread: Int) -> WindowFeed.Reader {
    guard thread > 0 else { return { buffer, offset in try self.read(into: buffer, at: offset) } }
    let own = Handle(image: self)
    return { buffer, offset in try own.read(into: buffer, at: offset) }
  }

  /// The decoding handle of one thread, opened at its first read and closed with the reader.
  private final class Handle: @unchecked Sendable {
    // @unchecked: used only by the one producer thread that owns the reader.
    let image: EWFImage
    var handle: UnsafeMutablePointer<libewf_handle_t>?
    var knownErrors: UInt32 = 0

    init(image: EWFImage) { self.image = image }
    deinit { handle.map(EWFImage.close) }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(ParseError) {
      try image.checkRange(offset, buffer.count, structure: "ewf_media")
      if handle == nil {
        handle = try EWFImage.openHandle(image.segmentFiles.map(\.path), firstSegment: image.segmentFiles[0].path)
      }
      guard let handle else { return }
      try image.read(handle, into: buffer, at: offset)
      var count: UInt32 = 0
      if libewf_handle_get_number_of_checksum_errors(handle, &count, nil) == 1, count > knownErrors {
        let found = image.checksumErrors(handle, from: knownErrors, to: count)
        knownErrors = count
        image.extraChecksumErrors.withLock { $0.formUnion(found) }
      }
    }
  }

  /// Chunk `index` of the media, decoded through the shared cache.
  func chunk(_ index: Int) throws -> [UInt8] {
    try cache.chunk(cacheOwner, index) {
      let start = index * chunkSize  // index <= byteCount / chunkSize: no overflow
      var bytes = [UInt8](repeating: 0, count: min(chunkSize, byteCount - start))
      try bytes.withUnsafeMutableBytes { target in try read(into: target, at: start) }
      return bytes
    }
  }

  /// The chunks whose checksum failed among those read so far (all of them after a full read, e.g. the hash), in
  /// media order.
  public func checksumErrors() -> [ChecksumError] {
    let own = lock.withLock { _ in
      var count: UInt32 = 0
      guard libewf_handle_get_number_of_checksum_errors(handle, &count, nil) == 1 else { return [ChecksumError]() }
      return checksumErrors(handle, from: 0, to: count)
    }
    // Runs of neighbouring chunks met by different handles are joined, as one handle reports them.
    var joined: [ChecksumError] = []
    for run in extraChecksumErrors.withLock({ $0 }).union(own).sorted(by: { $0.offset < $1.offset }) {
      if let last = joined.last, run.offset <= last.offset + last.length {
        joined[joined.count - 1].length = max(last.length, run.offset + run.length - last.offset)
      } else {
        joined.append(run)
      }
    }
    return joined
  }

  private func checksumErrors(_ handle: UnsafeMutablePointer<libewf_handle_t>, from: UInt32, to: UInt32)
    -> [ChecksumError]
  {
    (from..<min(to, from + 100_000)).compactMap { index -> ChecksumError? in
      var start: UInt64 = 0
      var sectors: UInt64 = 0
      guard libewf_handle_get_checksum_error(handle, index, &start, &sectors, nil) == 1 else { return nil }
      let (offset, o1) = start.multipliedReportingOverflow(by: UInt64(bytesPerSector))
      let (length, o2) = sectors.multipliedReportingOverflow(by: UInt64(bytesPerSector))
      guard !o1, !o2, offset <= UInt64(Int.max), length <= UInt64(Int.max) else { return nil }
      return ChecksumError(offset: Int(offset), length: Int(length))
    }
  }

  /// MD5 and SHA-1 of the whole media, read once in windows of `bufferSize` bytes straight from libewf (chunks are
  /// decoded once, and the shared cache is left to random readers).
  ///
  /// `threads` threads decode distinct windows, each through its own libewf handle (``makeReader(_:)``), while MD5
  /// and SHA-1 digest them in order on two more; memory is a ring of `max(6, threads + 3)` windows. When those
  /// threads cannot be created, the media is read and digested on the calling thread instead (same digests).
  ///
  /// - Throws: ``ParseError`` at the first offset that cannot be read.
  public func mediaDigests(bufferSize: Int = 4 << 20, threads: Int = EWFImage.decodeThreads,
                           progress: ByteProgress? = nil) throws(ParseError) -> (md5: String, sha1: String)
  {
    let size = max(chunkSize, bufferSize / chunkSize * chunkSize)
    let feed = WindowFeed(windows: WindowFeed.split(0..<byteCount, size: size), consumers: [0..<Int.max, 0..<Int.max],
                          slots: max(6, threads + 3))
    let md5 = StreamDigest(.md5)
    let sha1 = StreamDigest(.sha1)
    if !feed.run(producers: threads, makeReader: makeReader,
                 consumers: [{ md5.consume(feed, progress: progress) }, { sha1.consume(feed) }])
    {
      // No threads to be had: both digests from one read on this thread (same results, one core).
      StreamDigest.digest([md5, sha1], windows: feed.windows, read: makeReader(0), progress: progress)
    }
    return (try md5.result().get(), try sha1.result().get())
  }

  /// `Mon Dec  7 02:58:33 2026` (how libewf prints header dates) as ISO 8601 `2026-12-07T02:58:33` (no zone: EWF
  /// stores the acquiring machine's local time), or `nil` when it does not read that way.
  public static func isoDate(_ text: String) -> String? {
    let parts = text.split(separator: " ")
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    guard parts.count == 5, let month = months.firstIndex(of: String(parts[1])), let day = Int(parts[2]),
      let year = Int(parts[4]), (1...31).contains(day), (1970...9999).contains(year)
    else { return nil }
    let time = parts[3].split(separator: ":")
    guard time.count == 3, time.allSatisfy({ $0.count == 2 && Int($0) != nil }) else { return nil }
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(year)-\(two(month + 1))-\(two(day))T\(parts[3])"
  }

  // MARK: Metadata

  static func readMetadata(_ handle: UnsafeMutablePointer<libewf_handle_t>) -> Metadata {
    func header(_ identifier: String) -> String? { value(handle, identifier, hash: false) }
    let software = [header("acquiry_software"), header("acquiry_software_version")].compactMap { $0 }
    return Metadata(
      caseNumber: header("case_number"), evidenceNumber: header("evidence_number"), examiner: header("examiner_name"),
      description: header("description"), notes: header("notes"), acquiredAt: header("acquiry_date"),
      acquirySoftware: software.isEmpty ? nil : software.joined(separator: " "),
      storedMD5: value(handle, "MD5", hash: true)?.lowercased(), storedSHA1: value(handle, "SHA1", hash: true)?.lowercased())
  }

  /// A UTF-8 header or hash value, or `nil` when it is absent or empty.
  static func value(_ handle: UnsafeMutablePointer<libewf_handle_t>, _ identifier: String, hash: Bool) -> String? {
    // libewf compares the identifier with its terminating NUL (length + 1 bytes), so the NUL must be there.
    let id = Array(identifier.utf8) + [0]
    let length = id.count - 1
    var size = 0
    let sized = hash
      ? libewf_handle_get_utf8_hash_value_size(handle, id, length, &size, nil)
      : libewf_handle_get_utf8_header_value_size(handle, id, length, &size, nil)
    guard sized == 1, size > 0, size <= 1 << 16 else { return nil }
    var buffer = [UInt8](repeating: 0, count: size)
    let got = hash
      ? libewf_handle_get_utf8_hash_value(handle, id, length, &buffer, size, nil)
      : libewf_handle_get_utf8_header_value(handle, id, length, &buffer, size, nil)
    guard got == 1 else { return nil }
    let text = String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    return text.isEmpty ? nil : text
  }

  // MARK: Files

  enum Signature: String {
    case ewf1 = "EWF1 (E01)", ewf2 = "EWF2 (Ex01)", logical1 = "logical EWF (L01)", logical2 = "logical EWF2 (Lx01)"
  }

  /// The EWF signature of the file at `path`, or `nil` when it has none.
  static func signature(_ path: String) -> Signature? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var head = [UInt8](repeating: 0, count: 8)
    guard fread(&head, 1, 8, file) == 8 else { return nil }
    switch head {
    case [0x45, 0x56, 0x46, 0x09, 0x0D, 0x0A, 0xFF, 0x00]: return .ewf1  // "EVF\t\r\n\xff\0"
    case [0x45, 0x56, 0x46, 0x32, 0x0D, 0x0A, 0x81, 0x00]: return .ewf2  // "EVF2\r\n\x81\0"
    case [0x4C, 0x56, 0x46, 0x09, 0x0D, 0x0A, 0xFF, 0x00]: return .logical1  // "LVF\t\r\n\xff\0"
    case [0x4C, 0x56, 0x46, 0x32, 0x0D, 0x0A, 0x81, 0x00]: return .logical2  // "LVF2\r\n\x81\0"
    default: return nil
    }
  }

  /// True when the file at `path` starts with an EWF signature (E01, Ex01, L01, Lx01).
  public static func isEWF(path: String) -> Bool { signature(path) != nil }

  /// The name of the segment after `path` in the EnCase scheme: `.E01` … `.E99`, then `.EAA` … `.EZZ`, `.FAA` …
  /// (lower case kept), or `nil` when `path` does not end that way.
  public static func nextSegmentName(_ path: String) -> String? {
    let chars = Array(path.utf8)
    guard chars.count >= 4, chars[chars.count - 4] == UInt8(ascii: ".") else { return nil }
    var ext = Array(chars.suffix(3))
    let lower = ext[0] >= UInt8(ascii: "a")
    let a = lower ? UInt8(ascii: "a") : UInt8(ascii: "A")
    let z = lower ? UInt8(ascii: "z") : UInt8(ascii: "Z")
    func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    if isDigit(ext[1]), isDigit(ext[2]) {
      let number = Int(ext[1] - UInt8(ascii: "0")) * 10 + Int(ext[2] - UInt8(ascii: "0"))
      if number < 99 {
        ext[1] = UInt8(ascii: "0") + UInt8((number + 1) / 10)
        ext[2] = UInt8(ascii: "0") + UInt8((number + 1) % 10)
      } else {
        ext[1] = a
        ext[2] = a
      }
    } else if ext[1] >= a, ext[1] <= z, ext[2] >= a, ext[2] <= z {
      if ext[2] < z {
        ext[2] += 1
      } else if ext[1] < z {
        ext[1] += 1
        ext[2] = a
      } else {
        guard ext[0] < z else { return nil }
        ext[0] += 1
        ext[1] = a
        ext[2] = a
      }
    } else {
      return nil
    }
    return String(decoding: chars.dropLast(3) + ext, as: UTF8.self)
  }

  public static func baseName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

  /// libewf's message for `error` (then freed).
  static func take(_ error: inout UnsafeMutablePointer<libewf_error_t>?) -> String {
    guard let current = error else { return "unknown error" }
    var buffer = [CChar](repeating: 0, count: 2048)
    _ = libewf_error_sprint(current, &buffer, buffer.count)
    libewf_error_free(&error)
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // libewf prints its call stack, one frame a line, the innermost cause first.
    return text.split(separator: "\n").map { $0.trimmingPrefix(" ") }.joined(separator: "; ")
  }

  static func close(_ handle: UnsafeMutablePointer<libewf_handle_t>) {
    _ = libewf_handle_close(handle, nil)
    var doomed: UnsafeMutablePointer<libewf_handle_t>? = handle
    _ = libewf_handle_free(&doomed, nil)
  }
}
