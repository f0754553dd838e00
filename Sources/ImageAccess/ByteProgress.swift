import Synchronization

/// Bytes done out of bytes to do, for a long pass (hash, scan, E01 decode), shared between the threads doing the
/// work and the one printing progress. Lock-free: workers only add.
public final class ByteProgress: Sendable {
  private let doneBytes = Atomic<Int>(0)
  private let totalBytes = Atomic<Int>(0)
  private let label = Mutex<String>("")

  public init() {}

  /// Adds `bytes` to the work to do.
  public func expect(_ bytes: Int) { totalBytes.add(max(0, bytes), ordering: .relaxed) }
  /// Records `bytes` done.
  public func advance(_ bytes: Int) { doneBytes.add(max(0, bytes), ordering: .relaxed) }
  /// What is being done now (a file name, a phase), for the progress line.
  public var current: String {
    get { label.withLock { $0 } }
    set { label.withLock { $0 = newValue } }
  }
  public var done: Int { doneBytes.load(ordering: .relaxed) }
  public var total: Int { totalBytes.load(ordering: .relaxed) }
}
