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
/// - Output is capped in total and per entry by ``ReadLimits`` (size and compression ratio); a capped or failed file
///   is removed. CRC-32 mismatches are reported (the file is kept, marked).
public struct SafeExtractor {
  public struct Options: Sendable {
    public var overwrite: Bool
    public var limits: ReadLimits
    /// Most bytes written over the whole extraction.
    public var maxTotalBytes: UInt64
    public init(overwrite: Bool = false, limits: ReadLimits = ReadLimits(), maxTotalBytes: UInt64 = 64 << 30) {
      self.overwrite = overwrite
      self.limits = limits
      self.maxTotalBytes = maxTotalBytes
    }
  }

  /// What happened to one entry.
  public struct Outcome: Sendable, Equatable {
    /// `written`, `directory`, `crc-mismatch`, `exists`, `refused-name`, `refused-symlink`, `limit-exceeded`, `error`.
    public var status: String
    public var name: String
    public var bytes: UInt64
    public var detail: String?
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

  /// Extracts `entries` (default: all) into `directory`, which must exist and must not itself be a symlink.
  ///
  /// - Throws: ``ImageError`` only when the output folder cannot be opened; per-entry problems are outcomes.
  public func extract(
    _ entries: [CentralDirectoryEntry]? = nil, into directory: String
  ) throws -> [Outcome] {
    let root = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard root >= 0 else { throw ImageError(.open, path: directory, errno: errno) }
    defer { close(root) }
    var total: UInt64 = 0
    var outcomes: [Outcome] = []
    for entry in entries ?? archive.entries {
      var outcome = Outcome(status: "", name: entry.name, bytes: 0, detail: nil)
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
      let leaf = parts.last!
      let flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (options.overwrite ? O_TRUNC : O_EXCL)
      let out = openat(fd, leaf, flags, 0o644)
      guard out >= 0 else {
        let e = errno
        outcome.status = e == EEXIST ? "exists" : e == ELOOP ? "refused-symlink" : "error"
        outcome.detail = e == EEXIST ? "file exists (use --overwrite)" : String(cString: strerror(e))
        outcomes.append(outcome)
        continue
      }
      var limits = options.limits
      limits.maxOutputBytes = min(limits.maxOutputBytes, options.maxTotalBytes - total)
      do {
        let result = try archive.read(entry, limits: limits) { bytes in
          var done = 0
          while done < bytes.count {
            let n = write(out, bytes.baseAddress! + done, bytes.count - done)
            guard n > 0 else { throw ImageError(.read, path: leaf, errno: errno) }
            done += n
          }
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
      } catch {
        close(out)
        unlinkat(fd, leaf, 0)
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
