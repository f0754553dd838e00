import ImageAccess

/// Visits every leaf record of a B-tree in key order, with bounded depth and node count and loop detection.
///
/// The walker does not know how child pointers resolve: object-map trees use physical addresses, file-system trees
/// use virtual object ids resolved through the volume's object map. `loadNode` does that resolution and returns the
/// node's block.
public struct BTreeWalker {
  /// The deepest tree accepted (real APFS trees are far shallower).
  public static let maxDepth = 24

  public var loadNode: (UInt64) throws -> ByteReader
  public var structure: String
  /// Stop after visiting this many nodes (a corrupt tree must not run forever).
  public var nodeLimit: Int
  /// Verify every node's Fletcher-64 checksum.
  public var verifyChecksums = true
  /// Parsed nodes kept between walks (variable-size trees only: fixed-size nodes depend on the root's sizes).
  public var cache: NodeCache? = nil

  /// Loads, verifies and parses the node at `address`, through the cache when there is one.
  func node(at address: UInt64, fixedSizes: (key: Int, value: Int)?) throws -> BTreeNode {
    if let cache, let cached = cache.node(address) { return cached }
    let block = try loadNode(address)
    if verifyChecksums { try block.verifyObjectChecksum(structure: structure) }
    let parsed = try BTreeNode(parsing: block, fixedSizes: fixedSizes)
    if let cache, !parsed.flags.contains(.fixedKeyValueSize) { cache.store(parsed, at: address) }
    return parsed
  }

  public init(structure: String, nodeLimit: Int, loadNode: @escaping (UInt64) throws -> ByteReader) {
    self.structure = structure
    self.nodeLimit = nodeLimit
    self.loadNode = loadNode
  }

  /// Walks the tree whose root is `root`, calling `visit(node, entryIndex)` for every leaf record in order.
  ///
  /// - Returns: the number of nodes read.
  /// - Throws: ``ParseError`` for a bad node, a loop, a level mismatch or an exceeded limit; records visited before
  ///   the error have been delivered.
  @discardableResult
  public func walk(root: UInt64, visit: (BTreeNode, Int) throws -> Void) throws -> Int {
    try traverse(root: root, isBelowStart: { _, _ in false }) { node, index in
      try visit(node, index)
      return true
    }
  }

  /// Visits leaf records in key order starting at the first record whose key may be ≥ `lower`, until `visit`
  /// returns `false`. `keyOf` extracts a comparable key from any entry (index or leaf).
  ///
  /// At each index node the walk starts at the last child whose first key is strictly below `lower` (records equal
  /// to `lower` may continue from it), so every matching record is reached. Loop and depth limits as in ``walk``.
  public func scan<Key: Comparable>(
    root: UInt64, from lower: Key, keyOf: (BTreeNode, Int) throws -> Key,
    visit: (BTreeNode, Int) throws -> Bool
  ) throws {
    try traverse(root: root, isBelowStart: { node, index in try keyOf(node, index) < lower }, visit: visit)
  }

  /// The one traversal behind ``walk`` and ``scan``: depth-first, bounded in depth and node count, every node
  /// visited at most once, levels checked; entries for which `isBelowStart` holds are skipped (leaves) or used to
  /// pick the first child (index nodes) on the path to the start; `visit` returning `false` ends the traversal.
  @discardableResult
  func traverse(
    root: UInt64, isBelowStart: (BTreeNode, Int) throws -> Bool, visit: (BTreeNode, Int) throws -> Bool
  ) throws -> Int {
    var visited = Set<UInt64>()
    var nodesRead = 0
    var fixedSizes: (key: Int, value: Int)? = nil
    var stopped = false

    /// `pointer`: the absolute offset of the index entry that leads to `address` (where a loop is located).
    func descend(_ address: UInt64, expectedLevel: Int?, depth: Int, seek: Bool, pointer: Int?) throws {
      guard depth <= Self.maxDepth else {
        throw ParseError(.limitExceeded(what: "\(structure) depth", limit: Self.maxDepth), in: structure, at: nil)
      }
      guard visited.insert(address).inserted else {
        throw ParseError(.loop(detail: "node \(address) is reached twice"), in: structure, at: pointer)
      }
      nodesRead += 1
      guard nodesRead <= nodeLimit else {
        throw ParseError(.limitExceeded(what: "\(structure) nodes", limit: nodeLimit), in: structure, at: nil)
      }
      let node = try self.node(at: address, fixedSizes: fixedSizes)
      let block = node.bytes
      if depth == 0 {
        guard node.isRoot else {
          throw ParseError(.invalid("root node lacks BTNODE_ROOT"), in: structure, at: block.base)
        }
        if let info = node.info, node.flags.contains(.fixedKeyValueSize) {
          fixedSizes = (Int(info.keySize), Int(info.valueSize))
        }
      }
      if let expectedLevel, Int(node.level) != expectedLevel {
        throw ParseError(
          .invalid("node level \(node.level), expected \(expectedLevel)"), in: structure, at: block.base + 34)
      }
      if node.isLeaf {
        for index in node.entries.indices {
          if seek, try isBelowStart(node, index) { continue }
          if try !visit(node, index) {
            stopped = true
            return
          }
        }
      } else {
        var start = 0
        if seek {
          for index in node.entries.indices {
            if try isBelowStart(node, index) { start = index } else { break }
          }
        }
        for index in start..<node.entries.count {
          try descend(
            try node.childID(at: index), expectedLevel: Int(node.level) - 1, depth: depth + 1,
            seek: seek && index == start, pointer: node.entries[index].value.map { block.absolute($0.lowerBound) })
          if stopped { return }
        }
      }
    }
    try descend(root, expectedLevel: nil, depth: 0, seek: true, pointer: nil)
    return nodesRead
  }
}
