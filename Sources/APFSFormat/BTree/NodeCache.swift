import Synchronization

/// A bounded cache of parsed, checksum-verified B-tree nodes by block address, for trees read by many seeks (`ls`,
/// `stat`, path resolution). Entries are evicted oldest first once ``limit`` is reached.
public final class NodeCache: Sendable {
  public let limit: Int
  private let state = Mutex<(nodes: [UInt64: BTreeNode], order: [UInt64], head: Int)>(([:], [], 0))

  public init(limit: Int = 4096) { self.limit = max(1, limit) }

  public func node(_ address: UInt64) -> BTreeNode? {
    state.withLock { $0.nodes[address] }
  }

  public func store(_ node: BTreeNode, at address: UInt64) {
    state.withLock { s in
      guard s.nodes[address] == nil else { return }
      if s.nodes.count >= limit, s.head < s.order.count {
        s.nodes[s.order[s.head]] = nil
        s.head += 1
        if s.head > limit {  // compact the eviction queue now and then
          s.order.removeFirst(s.head)
          s.head = 0
        }
      }
      s.nodes[address] = node
      s.order.append(address)
    }
  }
}
