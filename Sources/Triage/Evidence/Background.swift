import Dispatch
import Synchronization

/// One piece of work run on another core while the caller goes on (the evidence hash and the EWF media digests run
/// beside the container walk and the content scan); ``wait()`` returns its result.
final class Background<T: Sendable>: Sendable {
  private let result = Mutex<T?>(nil)
  private let done = DispatchSemaphore(value: 0)

  init(_ work: @escaping @Sendable () -> T) {
    DispatchQueue.global(qos: .userInitiated).async { [self] in
      let value = work()
      result.withLock { $0 = value }
      done.signal()
    }
  }

  /// Blocks until the work is done and returns its result.
  func wait() -> T {
    done.wait()
    done.signal()  // a second wait() returns at once
    return result.withLock { $0! }  // set before the signal
  }
}
