#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Dispatch
import Synchronization

/// One sequential read of a source that serves several consumers: each window is read once (mapped file, decoded
/// E01, expanded DMG…) into a slot of a fixed ring and lent, read-only, to every consumer that wants it, each running
/// on its own thread (an ordered digest, the content scanner's workers). A slot is reused once every consumer has
/// released its window, so memory is `slots × slot size` whatever the source size.
///
/// Windows are filled by `producers` threads (window `n` by producer `n % producers`, each with its own reader, e.g.
/// one libewf handle per thread), in any order between producers but lent by window index: ``withWindow(_:_:)``
/// blocks until that window is in its slot. A window that cannot be read is lent as its error.
///
/// Deadlock-free as long as every consumer asks for its windows in increasing order (several threads of one
/// consumer may each take the next window, as the scanner's workers do) and asks for every window it declared.
public final class WindowFeed: @unchecked Sendable {
  // @unchecked: the slot table is only touched with `mutex` held; a slot's bytes are written by one producer before
  // it is published and only read while lent (the slot is not refilled before every consumer released it).

  /// Fills the buffer with the source's bytes at the offset.
  public typealias Reader = @Sendable (UnsafeMutableRawBufferPointer, Int) throws -> Void

  /// The windows in read order.
  public let windows: [Range<Int>]
  /// How many consumers take each window.
  private let takers: [Int]
  private var buffers: [UnsafeMutableRawBufferPointer] = []  // copy mode: one per slot
  private var lent: [LentBytes?]  // lend mode: the bytes each slot holds, released with the window
  private let slotBytes: Int
  private var held: [Int]  // window index in each slot, -1 for none
  private var remaining: [Int]  // consumers that have not released the slot's window yet
  private var failures: [(any Error)?]
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private let changed: UnsafeMutablePointer<pthread_cond_t>

  /// - Parameters:
  ///   - windows: the ranges to read, in order (each at most `slotBytes` long; at most 1 GiB).
  ///   - consumers: for each consumer, the indices of `windows` it takes.
  ///   - slots: windows in memory at once (at least 2).
  public init(windows: [Range<Int>], consumers: [Range<Int>], slots: Int) {
    self.windows = windows
    var takers = [Int](repeating: 0, count: windows.count)
    for wanted in consumers {
      for index in wanted.clamped(to: 0..<windows.count) { takers[index] += 1 }
    }
    self.takers = takers
    slotBytes = min(1 << 30, max(1, windows.map(\.count).max() ?? 1))
    let count = max(2, min(slots, max(1, windows.count)))
    lent = [LentBytes?](repeating: nil, count: count)
    held = [Int](repeating: -1, count: count)
    remaining = [Int](repeating: 0, count: count)
    failures = [(any Error)?](repeating: nil, count: count)
    mutex = .allocate(capacity: 1)
    mutex.initialize(to: pthread_mutex_t())
    pthread_mutex_init(mutex, nil)
    changed = .allocate(capacity: 1)
    changed.initialize(to: pthread_cond_t())
    pthread_cond_init(changed, nil)
  }

  deinit {
    buffers.forEach { $0.deallocate() }
    pthread_cond_destroy(changed)
    pthread_mutex_destroy(mutex)
    changed.deallocate()
    mutex.deallocate()
  }

  /// Windows in memory at once.
  public var slotCount: Int { held.count }

  /// Reads every window with `producers` threads (`makeReader(p)` gives producer `p` its reader) while each of
  /// `consumers` runs on its own thread; returns when all have finished.
  ///
  /// - Returns: `false` when those threads could not all be created (``Threads/runAll(_:)``): then nothing was read
  ///   and no consumer ran, and the caller reads the source another way (``StreamDigest/digest(_:windows:read:progress:)``).
  public func run(producers: Int, makeReader: @escaping @Sendable (Int) -> Reader, consumers: [@Sendable () -> Void])
    -> Bool
  {
    if buffers.isEmpty {
      buffers = (0..<held.count).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: slotBytes, alignment: 64) }
    }
    let count = max(1, min(producers, windows.count, held.count - 1))
    var bodies: [@Sendable () -> Void] = (0..<count).map { p in
      { [self] in
        let read = makeReader(p)
        self.produce(p, of: count) { slot, range in
          try read(UnsafeMutableRawBufferPointer(rebasing: self.buffers[slot][0..<range.count]), range.lowerBound)
          return nil
        }
      }
    }
    bodies += consumers
    return Threads.runAll(bodies)
  }

  /// Like ``run(producers:makeReader:consumers:)``, but one producer lends each window's bytes where they already
  /// are (a mapped window of a file) instead of copying them: `lend` is called once per window, and what it returns
  /// is released as soon as every consumer has released the window. Returns `false` as that does.
  public func run(lending lend: @escaping @Sendable (Range<Int>) throws -> LentBytes, consumers: [@Sendable () -> Void])
    -> Bool
  {
    Threads.runAll([{ [self] in self.produce(0, of: 1) { _, range in try lend(range) } }] + consumers)
  }

  private func produce(_ producer: Int, of producers: Int, _ fill: (Int, Range<Int>) throws -> LentBytes?) {
    for index in stride(from: producer, to: windows.count, by: producers) {
      let slot = index % held.count
      let expected = max(-1, index - held.count)
      lock()
      // The slot is free once its previous window (index − slots) was filled and released by everyone.
      while held[slot] != expected || remaining[slot] > 0 { pthread_cond_wait(changed, mutex) }
      unlock()
      let range = windows[index]
      var failure: (any Error)? = nil
      var bytes: LentBytes? = nil
      if takers[index] > 0 {
        do {
          bytes = try fill(slot, range)
        } catch {
          failure = error
        }
      }
      lock()
      held[slot] = index
      lent[slot] = bytes
      remaining[slot] = takers[index]
      failures[slot] = failure
      pthread_cond_broadcast(changed)
      unlock()
    }
  }

  /// Waits for window `index`, lends its bytes to `body`, then releases it.
  ///
  /// - Throws: the read error of that window (the window is released all the same), or what `body` throws.
  public func withWindow<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    let slot = index % held.count
    lock()
    while held[slot] != index { pthread_cond_wait(changed, mutex) }
    let failure = failures[slot]
    let bytes = lent[slot]
    unlock()
    defer {
      lock()
      remaining[slot] -= 1
      if remaining[slot] == 0 {
        lent[slot] = nil  // a lent mapping goes now, not when the slot is next filled
        pthread_cond_broadcast(changed)
      }
      unlock()
    }
    if let failure { throw failure }
    if let bytes { return try body(bytes.bytes) }
    return try body(UnsafeRawBufferPointer(rebasing: buffers[slot][0..<windows[index].count]))
  }

  /// Splits `range` into windows of at most `size` bytes.
  public static func split(_ range: Range<Int>, size: Int) -> [Range<Int>] {
    let step = max(1, size)
    return stride(from: range.lowerBound, to: range.upperBound, by: step).map { $0..<min(range.upperBound, $0 + step) }
  }

  /// A reader that copies from `source`: a mapped file is read with `pread` (nothing stays mapped, so resident
  /// memory is the ring alone), any other source through ``ByteSource/withBytes(_:_:)``.
  public static func copier(_ source: any ByteSource) -> Reader {
    if let image = source as? MappedImage {
      return { buffer, offset in try image.read(into: buffer, at: offset) }
    }
    return { buffer, offset in
      try source.withBytes(offset..<(offset + buffer.count)) { bytes in
        if let from = bytes.baseAddress, let to = buffer.baseAddress { memcpy(to, from, bytes.count) }
      }
    }
  }

  private func lock() { pthread_mutex_lock(mutex) }
  private func unlock() { pthread_mutex_unlock(mutex) }
}

/// Bytes lent to a ``WindowFeed`` where they already are, kept valid by `owner` (e.g. a mapped window, unmapped when
/// the last reference goes).
public final class LentBytes: @unchecked Sendable {
  // @unchecked: immutable; the bytes are read-only and live as long as `owner`.
  public let bytes: UnsafeRawBufferPointer
  let owner: AnyObject

  public init(bytes: UnsafeRawBufferPointer, owner: AnyObject) {
    self.bytes = bytes
    self.owner = owner
  }
}

/// Plain threads for work that blocks on other threads (a dispatch pool may run fewer at once than asked).
public enum Threads {
  /// Test seam: at most this many threads are created per ``runAll(_:)`` call made in the current task (`nil`: no
  /// limit), so that a test can make thread creation fail as `pthread_create` does when the system has none left.
  @TaskLocal static var startLimit: Int? = nil

  /// Runs every body on its own thread, all at once, and returns when all have returned.
  ///
  /// Every thread is created first and waits at a start gate; the bodies run only when all threads exist. When one
  /// cannot be created (`pthread_create` fails), no body runs at all: the threads already made are let go without
  /// running theirs and joined. Bodies that block on each other (the producers and consumers of a ``WindowFeed``)
  /// therefore never end up waiting for a body that has no thread.
  ///
  /// - Returns: `true` when every body ran; `false` when the threads could not be created and none ran (the caller
  ///   does the work another way).
  public static func runAll(_ bodies: [@Sendable () -> Void]) -> Bool {
    let gate = Gate()
    let limit = startLimit ?? Int.max
    var threads: [pthread_t] = []
    var allStarted = true
    for body in bodies {
      guard threads.count < limit else {
        allStarted = false
        break
      }
      let box = Unmanaged.passRetained(Box(body, gate)).toOpaque()
      var thread = pthread_t()
      let started = pthread_create(&thread, nil, { raw in
        guard let raw else { return nil }
        let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
        if box.gate.pass() { box.body() }
        return nil
      }, box)
      guard started == 0 else {
        Unmanaged<Box>.fromOpaque(box).release()
        allStarted = false
        break
      }
      threads.append(thread)
    }
    gate.open(run: allStarted, waiting: threads.count)
    for thread in threads { pthread_join(thread, nil) }
    return allStarted
  }

  private final class Box: Sendable {
    let body: @Sendable () -> Void
    let gate: Gate
    init(_ body: @escaping @Sendable () -> Void, _ gate: Gate) {
      self.body = body
      self.gate = gate
    }
  }

  /// Where created threads wait until every thread of the call exists (or one could not be created).
  private final class Gate: Sendable {
    private let opened = DispatchSemaphore(value: 0)
    private let run = Mutex(false)

    /// Lets the `waiting` threads through; each runs its body only when `run`.
    func open(run: Bool, waiting: Int) {
      self.run.withLock { $0 = run }
      for _ in 0..<waiting { opened.signal() }
    }

    /// Waits at the gate; true when the body is to run.
    func pass() -> Bool {
      opened.wait()
      return run.withLock { $0 }
    }
  }
}
