import Dispatch
import Foundation
import ImageAccess
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The batch's running children, so that a batch stopped by a signal stops them too (Foundation starts each child in
/// its own process group, so a Ctrl-C at the terminal reaches only the batch).
enum ChildProcesses {
  private static let running = Mutex<Set<pid_t>>([])
  /// Held while a child starts: corelibs Foundation closes the descriptors it listed in /proc/self/fd, so a pipe
  /// another worker opens meanwhile could leak into this child and hold that worker's read open.
  private static let starting = NSLock()

  static func start(_ process: Process) throws {
    try starting.withLock {
      try process.run()
      running.withLock { _ = $0.insert(process.processIdentifier) }
    }
  }

  static func finished(_ pid: pid_t) {
    running.withLock { _ = $0.remove(pid) }
  }

  /// On SIGINT, SIGTERM or SIGHUP: sends SIGTERM to every running child and exits with 128 + the signal. Returns the
  /// sources, to be cancelled when the batch is done.
  static func forwardTerminationSignals() -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM, SIGHUP].map { signalNumber in
      signal(signalNumber, SIG_IGN)  // the dispatch source gets it instead of the default handler
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        for pid in running.withLock({ $0 }) { kill(pid, SIGTERM) }
        OutputFiles.removeRegistered()
        FileHandle.standardError.write(
          Data("ringo: batch stopped by signal \(signalNumber); the output folder is incomplete\n".utf8))
        exit(128 + signalNumber)
      }
      source.resume()
      return source
    }
  }
}

/// Keeps the last `limit` bytes of a child's standard error, so a chatty child cannot grow the batch's memory.
final class BoundedText: Sendable {
  private let storage: Mutex<Data>
  private let limit: Int

  init(limit: Int) {
    self.limit = limit
    storage = Mutex(Data())
  }

  func append(_ data: Data) {
    storage.withLock {
      $0.append(data)
      if $0.count > limit { $0 = Data($0.suffix(limit)) }
    }
  }

  var text: String { storage.withLock { String(decoding: $0, as: UTF8.self) } }
}
