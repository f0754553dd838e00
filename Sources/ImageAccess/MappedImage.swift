#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Synchronization

/// A read-only, memory-mapped evidence file, mapped in windows so that resident memory stays bounded whatever the
/// image size.
///
/// The file is opened `O_RDONLY` and every window is mapped `PROT_READ`/`MAP_PRIVATE`: nothing here can write to the
/// evidence, and nothing is created beside it. Random reads go through a small cache of windows
/// (``cachedWindowLimit`` × ``windowSize`` bytes at most); sequential whole-image passes use
/// ``forEachWindow(in:windowSize:_:)``, which maps, hands out and unmaps one window at a time.
///
/// All `unsafe` pointer work of the evidence layer lives in this file.
///
/// - Note: a read error of the underlying device while a window is mapped raises `SIGBUS` (the kernel's way of
///   reporting I/O errors on mappings). Ringo cannot turn that into an error value; the file size is fixed when the
///   image is opened, so truncating the evidence underneath Ringo is the only other way to cause it.
public final class MappedImage: ByteSource, @unchecked Sendable {
  // @unchecked: the descriptor and size never change after init; the window cache is guarded by `cache`.

  public let path: String
  public let byteCount: Int
  /// Bytes per cached window (a multiple of the page size).
  public let windowSize: Int
  /// How many windows the random-access cache keeps mapped at most.
  public let cachedWindowLimit: Int

  private let descriptor: Int32
  private let cache = Mutex<[Window]>([])

  /// Opens `path` read-only and records its size. Block devices are accepted (their size comes from `lseek`).
  ///
  /// - Throws: ``ImageError`` when the file cannot be opened or sized.
  public init(path: String, windowSize: Int = 16 << 20, cachedWindows: Int = 4) throws(ImageError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw ImageError(.open, path: path, errno: errno) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      let e = errno
      close(fd)
      throw ImageError(.stat, path: path, errno: e)
    }
    let type = info.st_mode & S_IFMT
    var size = Int(info.st_size)
    if type == S_IFBLK {
      let end = lseek(fd, 0, SEEK_END)
      guard end >= 0 else {
        let e = errno
        close(fd)
        throw ImageError(.stat, path: path, errno: e)
      }
      size = Int(end)
    } else if type != S_IFREG {
      close(fd)
      throw ImageError(.notRegularFile, path: path, errno: 0)
    }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    self.path = path
    self.descriptor = fd
    self.byteCount = size
    self.windowSize = max(page, (windowSize / page) * page)
    self.cachedWindowLimit = max(1, cachedWindows)
  }

  deinit {
    cache.withLock { $0.removeAll() }
    close(descriptor)
  }

  /// The file's modification time and size, to prove afterwards that triage left the evidence untouched.
  public func fingerprint() -> (size: Int, modified: timespec) {
    var info = stat()
    fstat(descriptor, &info)
    #if canImport(Darwin)
      return (Int(info.st_size), info.st_mtimespec)
    #else
      return (Int(info.st_size), info.st_mtim)
    #endif
  }

  public func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    try checkRange(range.lowerBound, range.count, structure: "image")
    if range.isEmpty { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    let window = try window(covering: range)
    return try body(window.slice(range))
  }

  /// Maps `range` window by window and calls `body(offset, bytes)` for each, unmapping each window before the next,
  /// so a whole-image pass keeps at most one window resident.
  ///
  /// - Complexity: O(range.count); no copies.
  public func forEachWindow(
    in range: Range<Int>? = nil, windowSize: Int? = nil,
    _ body: (Int, UnsafeRawBufferPointer) throws -> Void
  ) throws {
    let whole = range ?? 0..<byteCount
    try checkRange(whole.lowerBound, whole.count, structure: "image")
    let step = max(1, windowSize ?? self.windowSize)
    var offset = whole.lowerBound
    while offset < whole.upperBound {
      let end = min(whole.upperBound, offset + step)
      let window = try Window(descriptor: descriptor, path: path, range: offset..<end, sequential: true)
      try body(offset, window.slice(offset..<end))
      offset = end
    }
  }

  /// `range` mapped for one sequential read (its pages filled at once, so a read error is an error here, on Linux
  /// 5.14 or later): the bytes, valid while the returned window is kept (unmapped when it goes).
  ///
  /// - Throws: ``ParseError`` when the range is outside the file, ``ImageError`` when it cannot be mapped or read.
  public func lend(_ range: Range<Int>) throws -> LentBytes {
    try checkRange(range.lowerBound, range.count, structure: "image")
    let window = try Window(descriptor: descriptor, path: path, range: range, sequential: true)
    return LentBytes(bytes: window.slice(range), owner: window)
  }

  /// Copies `buffer.count` bytes at `offset` into `buffer` with `pread` (nothing is mapped: a sequential pass that
  /// copies into its own buffers keeps no file pages in its resident memory).
  ///
  /// - Throws: ``ParseError`` when the range is outside the file, ``ImageError`` when the read fails.
  public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
    try checkRange(offset, buffer.count, structure: "image")
    guard let base = buffer.baseAddress else { return }
    var done = 0
    while done < buffer.count {
      let got = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
      if got < 0, errno == EINTR { continue }
      guard got > 0 else {
        throw ImageError(.read, path: path, errno: got < 0 ? errno : EIO, offset: offset + done)
      }
      done += got
    }
  }

  private func window(covering range: Range<Int>) throws -> Window {
    if let hit = cache.withLock({ windows -> Window? in
      guard let index = windows.firstIndex(where: { $0.contains(range) }) else { return nil }
      let found = windows.remove(at: index)
      windows.append(found)  // most recently used last
      return found
    }) {
      return hit
    }
    // Map the aligned window that holds the range's start; a range that crosses a window edge gets its own mapping.
    let start = (range.lowerBound / windowSize) * windowSize
    let end = min(byteCount, start + windowSize)
    let mapped: Range<Int> = range.upperBound <= end ? start..<end : range
    let window = try Window(descriptor: descriptor, path: path, range: mapped, sequential: false)
    if mapped.count <= windowSize {
      cache.withLock { windows in
        windows.append(window)
        if windows.count > cachedWindowLimit { windows.removeFirst(windows.count - cachedWindowLimit) }
      }
    }
    return window
  }
}

/// One `mmap` of part of the evidence file; unmapped when the last reference goes.
private final class Window: @unchecked Sendable {
  // @unchecked: immutable after init; the mapping is read-only.
  let range: Range<Int>
  private let mapping: UnsafeMutableRawPointer
  private let mappedLength: Int
  private let lead: Int

  init(descriptor: Int32, path: String, range: Range<Int>, sequential: Bool) throws(ImageError) {
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let alignedStart = (range.lowerBound / page) * page
    lead = range.lowerBound - alignedStart
    mappedLength = lead + range.count
    guard let pointer = mmap(nil, mappedLength, PROT_READ, MAP_PRIVATE, descriptor, off_t(alignedStart)),
      pointer != MAP_FAILED
    else {
      throw ImageError(.map, path: path, errno: errno, offset: range.lowerBound)
    }
    if sequential {
      _ = madvise(pointer, mappedLength, Int32(MADV_SEQUENTIAL))
      #if os(Linux)
        // A window read from start to end (scan, hash) has its page tables filled in one call instead of one fault
        // per 64 KiB: measured 4 % faster for the content scanner, best of 10 (BENCHMARKS.md). A read error under
        // the window surfaces here as an error value instead of SIGBUS later. Kernels before 5.14 answer EINVAL and
        // the window is faulted in as it is read. (A class initializer that throws runs no deinit: munmap here.)
        let populateRead: Int32 = 22  // MADV_POPULATE_READ
        if madvise(pointer, mappedLength, populateRead) != 0, errno == EFAULT || errno == EIO || errno == EHWPOISON {
          let code = errno
          munmap(pointer, mappedLength)
          throw ImageError(.read, path: path, errno: code, offset: range.lowerBound)
        }
      #endif
    }
    mapping = pointer
    self.range = range
  }

  deinit { munmap(mapping, mappedLength) }

  func contains(_ other: Range<Int>) -> Bool {
    other.lowerBound >= range.lowerBound && other.upperBound <= range.upperBound
  }

  func slice(_ wanted: Range<Int>) -> UnsafeRawBufferPointer {
    precondition(contains(wanted), "window slice outside mapping")  // programmer error: callers check first
    return UnsafeRawBufferPointer(
      start: mapping + lead + (wanted.lowerBound - range.lowerBound), count: wanted.count)
  }
}
