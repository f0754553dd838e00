import Synchronization

/// A bounded least-recently-used cache of decoded chunks, shared by every source that has to decode or decompress
/// before it can hand out bytes (UDIF now; EWF, sparse images and AEA use the same one).
///
/// Each decoding source takes an ``Owner`` token once and keys its chunks by (owner, chunk index), so several open
/// images share one memory bound instead of each keeping its own. Thread-safe: readers on several cores may race for
/// the same chunk; both decode it and the second `put` is ignored.
public final class ChunkCache: Sendable {
  /// Identifies one decoding source inside the cache.
  public struct Owner: Hashable, Sendable {
    let rawValue: UInt64
  }

  struct Key: Hashable, Sendable {
    var owner: Owner
    var index: Int
  }

  struct State: Sendable {
    var entries: [Key: [UInt8]] = [:]
    var order: [Key] = []  // least recently used first
    var bytes = 0
  }

  /// The cache the evidence locator hands to every decoded source it opens: 64 MiB of decoded chunks at most.
  public static let shared = ChunkCache(capacityBytes: 64 << 20)

  /// Keeps the LRU bookkeeping cheap when chunks are tiny.
  public static let maximumEntries = 512

  public let capacityBytes: Int
  private let state = Mutex(State())
  private static let nextOwner = Atomic<UInt64>(0)

  public init(capacityBytes: Int) { self.capacityBytes = max(0, capacityBytes) }

  /// A fresh token for one decoding source.
  public func makeOwner() -> Owner {
    Owner(rawValue: Self.nextOwner.add(1, ordering: .relaxed).newValue)
  }

  /// The cached bytes of chunk `index` of `owner`, marking them most recently used.
  public func get(_ owner: Owner, _ index: Int) -> [UInt8]? {
    let key = Key(owner: owner, index: index)
    return state.withLock { s in
      guard let value = s.entries[key] else { return nil }
      if let position = s.order.lastIndex(of: key) { s.order.remove(at: position) }
      s.order.append(key)
      return value
    }
  }

  /// Keeps `value` as chunk `index` of `owner`, evicting the least recently used chunks beyond the bound. A chunk
  /// larger than the whole cache is not kept.
  public func put(_ owner: Owner, _ index: Int, _ value: [UInt8]) {
    let key = Key(owner: owner, index: index)
    state.withLock { s in
      guard value.count <= capacityBytes, s.entries[key] == nil else { return }
      s.entries[key] = value
      s.order.append(key)
      s.bytes += value.count
      while s.bytes > capacityBytes || s.order.count > Self.maximumEntries, let oldest = s.order.first {
        s.order.removeFirst()
        s.bytes -= s.entries.removeValue(forKey: oldest)?.count ?? 0
      }
    }
  }

  /// The chunk from the cache, or `decode()`'s result, kept for the next reader.
  public func chunk(_ owner: Owner, _ index: Int, decode: () throws -> [UInt8]) throws -> [UInt8] {
    if let hit = get(owner, index) { return hit }
    let decoded = try decode()
    put(owner, index, decoded)
    return decoded
  }

  /// Bytes held now (for tests and benchmarks).
  public var heldBytes: Int { state.withLock { $0.bytes } }
}
