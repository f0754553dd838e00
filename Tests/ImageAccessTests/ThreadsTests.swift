#if canImport(Glibc)
  import Glibc
#endif
import Synchronization
import Testing

@testable import ImageAccess

/// Threads whose bodies block on each other (a ``WindowFeed``'s producers and consumers) either all run or none does:
/// a thread that cannot be created never leaves a body waiting for another that has no thread.
@Suite struct ThreadsTests {
  final class Counts: Sendable {
    let ran = Atomic<Int>(0)
    let arrived = Atomic<Int>(0)
    let reads = Atomic<Int>(0)
  }

  /// Bodies that each wait for all the others: they finish only when every one of them runs at the same time.
  static func rendezvous(_ count: Int, _ counts: Counts) -> [@Sendable () -> Void] {
    (0..<count).map { _ in
      {
        counts.arrived.add(1, ordering: .sequentiallyConsistent)
        while counts.arrived.load(ordering: .sequentiallyConsistent) < count { sched_yield() }
        counts.ran.add(1, ordering: .sequentiallyConsistent)
      }
    }
  }

  @Test func everyBodyRunsAtOnceWhenTheThreadsCanBeHad() {
    let counts = Counts()
    #expect(Threads.runAll(Self.rendezvous(5, counts)))
    #expect(counts.ran.load(ordering: .sequentiallyConsistent) == 5)
  }

  /// `pthread_create` failing after `limit` threads (the test seam): no body runs, the call returns (no hang), false.
  @Test(arguments: [0, 1, 2, 4])
  func noBodyRunsWhenAThreadCannotBeCreated(limit: Int) {
    let counts = Counts()
    let all = Threads.$startLimit.withValue(limit) { Threads.runAll(Self.rendezvous(5, counts)) }
    #expect(!all)
    #expect(counts.ran.load(ordering: .sequentiallyConsistent) == 0)
    #expect(counts.arrived.load(ordering: .sequentiallyConsistent) == 0)
  }

  /// A feed whose threads cannot all be created reads nothing; the sequential digest of the same windows gives what
  /// the threaded feed gives.
  @Test(arguments: [0, 1, 3])
  func aFeedWithoutItsThreadsReadsNothingAndTheSequentialDigestAgrees(limit: Int) throws {
    let bytes = (0..<(3 << 20) + 777).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
    let windows = WindowFeed.split(0..<bytes.count, size: 256 << 10)
    let counts = Counts()
    let read: WindowFeed.Reader = { buffer, offset in
      counts.reads.add(1, ordering: .sequentiallyConsistent)
      bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + buffer.count)])) }
    }
    func threaded(limit: Int?) -> (Bool, [StreamDigest]) {
      let feed = WindowFeed(windows: windows, consumers: [0..<Int.max, 0..<Int.max], slots: 3)
      let sinks = [StreamDigest(.sha256), StreamDigest(.md5)]
      let ran = Threads.$startLimit.withValue(limit) {
        feed.run(producers: 2, makeReader: { _ in read }, consumers: sinks.map { sink in { sink.consume(feed) } })
      }
      return (ran, sinks)
    }
    let (ran, expected) = threaded(limit: nil)
    #expect(ran)
    counts.reads.store(0, ordering: .sequentiallyConsistent)
    let (failed, _) = threaded(limit: limit)
    #expect(!failed)
    #expect(counts.reads.load(ordering: .sequentiallyConsistent) == 0)
    let progress = ByteProgress()
    let sequential = [StreamDigest(.sha256), StreamDigest(.md5)]
    StreamDigest.digest(sequential, windows: windows, read: read, progress: progress)
    #expect(counts.reads.load(ordering: .sequentiallyConsistent) == windows.count)  // each window read once for both digests
    #expect(progress.done == bytes.count)
    for (one, other) in zip(sequential, expected) { #expect(try one.result().get() == other.result().get()) }
  }
}
