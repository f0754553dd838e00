#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Dispatch
import Synchronization

/// Output files (reports, extracted files, SVG graphs) are written whole or not at all: to a temporary name in the
/// output's own folder (never beside the evidence), renamed into place once complete. The temporary files being
/// written are registered here, so that SIGINT or SIGTERM (``stopOnInterrupt()``) removes them before Ringo exits
/// with status 130: an interrupted run leaves neither a partial output nor a temporary file.
public enum OutputFiles {
  private static let pending = Mutex<Set<String>>([])
  private static let handlers = Mutex<[any DispatchSourceSignal]>([])

  /// The exit status of a run stopped by SIGINT or SIGTERM.
  public static let interruptedStatus: Int32 = 130

  /// The temporary name for `path`: a hidden file in the same folder, unique to this process.
  public static func temporaryPath(for path: String) -> String {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    return "\(folder).\(name).ringo-partial-\(getpid())"
  }

  /// Records `path` as a temporary file to remove if the run is interrupted.
  public static func register(_ path: String) { _ = pending.withLock { $0.insert(path) } }

  /// Forgets `path` (renamed into place, or removed).
  public static func unregister(_ path: String) { _ = pending.withLock { $0.remove(path) } }

  /// Removes the registered temporary files (for a signal handler of its own, such as batch's).
  public static func removeRegistered() {
    for path in pending.withLock({ $0 }) { unlink(path) }
  }

  /// Writes `bytes` to `path` through a temporary file in the same folder, renamed into place when complete.
  ///
  /// - Throws: ``ImageError`` naming the file when it cannot be created, written or renamed (the temporary file is
  ///   removed).
  public static func write(_ bytes: [UInt8], to path: String) throws(ImageError) {
    let temporary = temporaryPath(for: path)
    register(temporary)
    defer { unregister(temporary) }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw ImageError(.open, path: temporary, errno: errno) }
    var done = 0
    var failure: Int32 = 0
    bytes.withUnsafeBytes { raw in
      while done < raw.count {
        let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
        if n < 0, errno == EINTR { continue }
        guard n > 0 else {
          failure = n < 0 ? errno : EIO
          return
        }
        done += n
      }
    }
    if failure == 0, fsync(fd) != 0 { failure = errno }
    close(fd)
    if failure == 0, rename(temporary, path) != 0 { failure = errno }
    if failure != 0 {
      unlink(temporary)
      throw ImageError(.write, path: path, errno: failure)
    }
  }

  /// From now on SIGINT and SIGTERM remove the registered temporary files and end the process with status 130
  /// (handled on a dispatch queue, not in signal context). `message` is printed on standard error first.
  public static func stopOnInterrupt(message: String) {
    handlers.withLock { sources in
      guard sources.isEmpty else { return }
      for number in [SIGINT, SIGTERM] {
        signal(number, SIG_IGN)  // the dispatch source gets it instead of the default action
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
          removeRegistered()
          let text = Array(message.utf8) + [0x0A]
          text.withUnsafeBytes { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
          _exit(interruptedStatus)
        }
        source.resume()
        sources.append(source)
      }
    }
  }
}
