#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import ImageAccess

/// Extracts archive entries into one output folder, refusing anything that could write outside it.
///
/// - Names are checked before any file is touched: absolute names, `..` components, backslashes, NUL bytes and empty
///   names are refused.
/// - Directories are walked with `openat(O_NOFOLLOW | O_DIRECTORY)` from a descriptor of the output folder, so a
///   symlink anywhere in the output path (planted before or during extraction) stops the write; files are created
///   with `O_NOFOLLOW` and, unless `overwrite`, `O_EXCL` (existing files are never replaced).
/// - Symlink entries are not created (reported as refused).
/// - Output is capped in total (``Options/maxTotalBytes``, by default the free space of the output folder's file
///   system less a reserve, under a ceiling), per entry and by compression ratio (``ReadLimits``). An entry whose
///   declared size is past a cap is refused before its file is created; one that decodes past a cap stops before the
///   chunk that would cross it is written, and its partial file is removed. CRC-32 mismatches are reported (the file
///   is kept, marked).
public struct SafeExtractor {
  public struct Options: Sendable {
    public var overwrite: Bool
    public var limits: ReadLimits
    /// Most bytes written over the whole extraction; nil: ``SafeExtractor/defaultTotalBytes(freeBytes:)`` of the
    /// output folder's free space.
    public var maxTotalBytes: UInt64?
    /// Advanced by every byte written; told the entry being written (for a progress line).
    public var progress: ByteProgress? = nil
    public init(overwrite: Bool = false, limits: ReadLimits = ReadLimits(), maxTotalBytes: UInt64? = nil) {
      self.overwrite = overwrite
      self.limits = limits
      self.maxTotalBytes = maxTotalBytes
    }
  }

  /// The default total cap never passes this, whatever the free space.
  public static let totalBytesCeiling: UInt64 = 64 << 30
  /// Free space the default total cap leaves on the output file system.
  public static let freeSpaceReserve: UInt64 = 1 << 30

  /// The default total cap for a file system with `freeBytes` available: the free space less
  /// ``freeSpaceReserve``, at most ``totalBytesCeiling``.
  public static func defaultTotalBytes(freeBytes: UInt64) -> UInt64 {
    min(totalBytesCeiling, freeBytes > freeSpaceReserve ? freeBytes - freeSpaceReserve : 0)
  }

  /// What happened to one entry.
  public struct Outcome: Sendable, Equatable {
    /// `written`, `directory`, `crc-mismatch`, `exists`, `refused-name`, `refused-symlink`, `limit-exceeded`, `error`.
    public var status: String
    public var name: String
    public var bytes: UInt64
    public var detail: String?
    /// Offset of the entry's local header in the archive.
    public var offset: UInt64 = 0
    public var isFailure: Bool { !["written", "directory"].contains(status) }
  }

  public let archive: ZIPArchive
  public let options: Options

  public init(archive: ZIPArchive, options: Options = Options()) {
    self.archive = archive
    self.options = options
  }

  /// Why `rawName` cannot be used as a relative path, or its components.
  public static func components(of rawName: [UInt8]) -> Result<[String], ExtractionRefusal> {
    guard !rawName.isEmpty else { return .failure(.init("empty name")) }
    guard !rawName.contains(0) else { return .failure(.init("name contains a NUL byte")) }
    guard !rawName.contains(UInt8(ascii: "\\")) else { return .failure(.init("name contains a backslash")) }
    guard rawName[0] != UInt8(ascii: "/") else { return .failure(.init("absolute name")) }
    let name = String(decoding: rawName, as: UTF8.self)
    var parts: [String] = []
    for part in name.split(separator: "/", omittingEmptySubsequences: true) {
      if part == ".." { return .failure(.init("name has a '..' component")) }
      if part == "." { continue }
      parts.append(String(part))
    }
    guard !parts.isEmpty else { return .failure(.init("name has no file component")) }
    return .success(parts)
  }

  public struct ExtractionRefusal: Error, Sendable, Equatable {
    public var reason: String
    init(_ reason: String) { self.reason = reason }
  }

  /// The file appeared under its name while its entry was being written (it is not replaced without --overwrite).
  struct ExistsNow: Error {}

  /// Extracts `entries` (default: all) into `directory`, which must exist and must not itself be a symlink.
  ///
  /// - Throws: ``ImageError`` only when the output folder cannot be opened; per-entry problems are outcomes.
  public func extract(
    _ entries: [CentralDirectoryEntry]? = nil, into directory: String
  ) throws -> [Outcome] {
    let root = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard root >= 0 else { throw ImageError(.open, path: directory, errno: errno) }
    defer { close(root) }
    let maxTotal: UInt64
    if let explicit = options.maxTotalBytes {
      maxTotal = explicit
    } else {
      var fs = statvfs()
      guard fstatvfs(root, &fs) == 0 else { throw ImageError(.open, path: directory, errno: errno) }
      maxTotal = Self.defaultTotalBytes(freeBytes: UInt64(fs.f_bavail).multipliedReportingOverflow(by: UInt64(fs.f_frsize)).partialValue)
    }
    var total: UInt64 = 0
    var outcomes: [Outcome] = []
    options.progress?.expect((entries ?? archive.entries).reduce(0) { $0 + Int(clamping: $1.uncompressedSize) })
    for entry in entries ?? archive.entries {
      options.progress?.current = entry.name
      var outcome = Outcome(status: "", name: entry.name, bytes: 0, detail: nil, offset: entry.localHeaderOffset)
      let parts: [String]
      switch Self.components(of: entry.rawName) {
      case .failure(let refusal):
        outcome.status = "refused-name"
        outcome.detail = refusal.reason
        outcomes.append(outcome)
        continue
      case .success(let p): parts = p
      }
      if entry.isSymbolicLink {
        outcome.status = "refused-symlink"
        outcome.detail = "symbolic link entries are not created"
        outcomes.append(outcome)
        continue
      }
      // Walk/create parent directories without following symlinks.
      let directoryParts = entry.isDirectory ? parts : Array(parts.dropLast())
      var fd = dup(root)
      var failure: String?
      for part in directoryParts {
        var next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if next < 0 && errno == ENOENT {
          if mkdirat(fd, part, 0o755) != 0 && errno != EEXIST {
            failure = "cannot create directory \(part): \(String(cString: strerror(errno)))"
            break
          }
          next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        }
        if next < 0 {
          let e = errno
          failure =
            e == ELOOP || e == ENOTDIR
            ? "output path component '\(part)' is a symlink or not a directory" : "cannot open \(part): \(String(cString: strerror(e)))"
          break
        }
        close(fd)
        fd = next
      }
      defer { close(fd) }
      if let failure {
        outcome.status = failure.contains("symlink") ? "refused-symlink" : "error"
        outcome.detail = failure
        outcomes.append(outcome)
        continue
      }
      if entry.isDirectory {
        outcome.status = "directory"
        outcomes.append(outcome)
        continue
      }
      var limits = options.limits
      limits.maxOutputBytes = min(limits.maxOutputBytes, maxTotal - total)
      // A declared size past a cap is refused before the file is created.
      if let refusal = limits.refusal(
        uncompressedSize: entry.uncompressedSize, compressedSize: entry.compressedSize, stored: entry.method == .stored)
      {
        outcome.status = "limit-exceeded"
        outcome.detail =
          "\(refusal)\(limits.maxOutputBytes < options.limits.maxOutputBytes ? " (total cap \(maxTotal), \(total) written)" : ""); nothing written"
        outcomes.append(outcome)
        continue
      }
      let leaf = parts.last!
      // Written to a hidden temporary name in the same folder and renamed into place when complete, so an
      // interrupted run (OutputFiles removes the registered temporary files) leaves no partial file.
      var existing = stat()
      if !options.overwrite, fstatat(fd, leaf, &existing, AT_SYMLINK_NOFOLLOW) == 0 {
        outcome.status = "exists"
        outcome.detail = "file exists (use --overwrite)"
        outcomes.append(outcome)
        continue
      }
      let temporaryLeaf = ".\(leaf).ringo-partial-\(getpid())"
      let temporaryPath = ([directory] + directoryParts + [temporaryLeaf]).joined(separator: "/")
      OutputFiles.register(temporaryPath)
      defer { OutputFiles.unregister(temporaryPath) }
      let out = openat(fd, temporaryLeaf, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_EXCL, 0o644)
      guard out >= 0 else {
        let e = errno
        outcome.status = e == ELOOP ? "refused-symlink" : "error"
        outcome.detail = String(cString: strerror(e))
        outcomes.append(outcome)
        continue
      }
      do {
        let result = try archive.read(entry, limits: limits) { bytes in
          var done = 0
          while done < bytes.count {
            let n = write(out, bytes.baseAddress! + done, bytes.count - done)
            guard n > 0 else { throw ImageError(.read, path: leaf, errno: errno) }
            done += n
          }
          options.progress?.advance(bytes.count)
        }
        // Into place: replacing only with --overwrite (rename), else linked under the name only if it is still free.
        if options.overwrite {
          guard renameat(fd, temporaryLeaf, fd, leaf) == 0 else { throw ImageError(.write, path: leaf, errno: errno) }
        } else {
          guard linkat(fd, temporaryLeaf, fd, leaf, 0) == 0 else {
            let e = errno
            if e == EEXIST { throw ExistsNow() }
            throw ImageError(.write, path: leaf, errno: e)
          }
          unlinkat(fd, temporaryLeaf, 0)
        }
        total += result.byteCount
        outcome.bytes = result.byteCount
        if result.crcMatches {
          outcome.status = "written"
        } else {
          outcome.status = "crc-mismatch"
          outcome.detail =
            "CRC-32 \(hex(result.crc32)) does not match the stored \(hex(result.expectedCRC32)); file kept"
        }
        close(out)
      } catch is ExistsNow {
        close(out)
        unlinkat(fd, temporaryLeaf, 0)
        outcome.status = "exists"
        outcome.detail = "file exists (use --overwrite)"
      } catch {
        close(out)
        unlinkat(fd, temporaryLeaf, 0)
        if let parse = error as? ParseError, case .limitExceeded = parse.reason {
          outcome.status = "limit-exceeded"
        } else {
          outcome.status = "error"
        }
        outcome.detail = "\(error) (partial file removed)"
      }
      outcomes.append(outcome)
    }
    return outcomes
  }
}
