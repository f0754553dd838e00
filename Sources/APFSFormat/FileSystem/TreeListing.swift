import ImageAccess

/// What a listing shows of one inode: the logical size (as ``FileSystemTree/logicalSize(_:)``), mode, owner and the
/// four times (nanoseconds since 1970, UTC).
public struct ListedInode: Sendable, Equatable {
  public var size: UInt64
  public var mode: UInt16  // mode
  public var owner: UInt32  // owner
  public var group: UInt32  // group
  public var links: Int32  // nchildren / nlink
  public var accessTime: UInt64  // access_time
  public var modifyTime: UInt64  // mod_time
  public var changeTime: UInt64  // change_time
  public var createTime: UInt64  // create_time

  public init(_ inode: InodeRecord, size: UInt64) {
    self.size = size
    mode = inode.mode
    owner = inode.owner
    group = inode.group
    links = inode.childrenOrLinks
    accessTime = inode.accessTime
    modifyTime = inode.modifyTime
    changeTime = inode.changeTime
    createTime = inode.createTime
  }

  /// The listing's facts of the inode in `value` (the name field is skipped).
  init(parsing r: ByteReader, value: Range<Int>) throws(ParseError) {
    let inode = try InodeRecord(objectID: 0, parsing: r, value: value, readName: false)
    self.init(inode, size: inode.dataStream?.size ?? 0)
  }
}

/// One line of a listing, handed to ``TreeListing/list(from:base:recursive:escape:visit:)``.
public struct ListedEntry {
  /// The path as display bytes: the base, then each name escaped by the caller's `escape`, joined by "/". Valid only
  /// during the visit.
  public var path: UnsafeBufferPointer<UInt8>
  public var fileID: UInt64
  /// The type from the directory record (`DREC_TYPE_MASK`).
  public var kind: FileKind
  /// `nil` when the directory record points at an inode that is not in the tree.
  public var inode: ListedInode?
  /// A symbolic link's target as stored (`com.apple.fs.symlink`, without its NUL), read only with details.
  public var linkTarget: [UInt8]?

  public init(
    path: UnsafeBufferPointer<UInt8>, fileID: UInt64, kind: FileKind, inode: ListedInode?, linkTarget: [UInt8]? = nil
  ) {
    self.path = path
    self.fileID = fileID
    self.kind = kind
    self.inode = inode
    self.linkTarget = linkTarget
  }
}

/// Recursive listings (`ls -R`) in one ordered pass over the file-system tree.
///
/// File-system records are ordered by object id, then type: a directory's entries (`APFS_TYPE_DIR_REC`, keyed by
/// the parent's id) sit together, but the entries' own inodes can be anywhere in the tree. So one ordered walk
/// collects every directory record (name bytes in one arena, no per-entry allocation) and every inode's listed
/// facts (sorted by id as they come, found again by binary search); the listing is then a depth-first walk over
/// these tables with the path kept as a stack of prefix lengths in one byte buffer. No record is looked up twice and
/// no path is rebuilt. Memory is about 13 bytes per directory entry plus its name and 20 (68 with `details`) bytes
/// per inode.
///
/// Once its tables would pass ``memoryBudget`` bytes (a hostile or very large tree) the pass gives up and the listing falls back to one
/// ordered scan per directory (``FileSystemTree/children(of:)`` and ``FileSystemTree/inodes(_:)``), whose memory
/// is bounded by the depth and the widest directory; it does the same when the ordered pass meets a damaged node, so
/// what can be read by seeks is still listed.
public struct TreeListing {
  public let tree: FileSystemTree
  /// Keep mode, owner and times (for JSON lines and bodyfiles), not only sizes.
  public var details: Bool
  /// Bytes the ordered pass's tables may have allocated before it falls back to per-directory scans. The default,
  /// 160 MiB, keeps the process under 256 MiB; it holds about 1,700,000 to 3,500,000 files with names of 12 bytes as
  /// text and 800,000 to 1,600,000 with details (the range: how full the growing arrays happen to be).
  public var memoryBudget: Int
  /// The deepest directory listed (a deeper branch, or a directory cycle, ends there).
  public static let maxDepth = 256

  /// How the last ``list(from:base:recursive:escape:visit:)`` ran.
  public private(set) var usedOrderedPass = false
  /// Why the ordered pass was not used, when it was not.
  public private(set) var fallbackReason: String? = nil

  public init(tree: FileSystemTree, details: Bool, memoryBudget: Int = 160 << 20) {
    self.tree = tree
    self.details = details
    self.memoryBudget = memoryBudget
  }

  /// Lists directory `id` (recursively when `recursive`), calling `visit` for each entry in on-disk order, parents
  /// before their children. `base` is the listed directory's path (display bytes, no trailing "/"; empty for the
  /// root); `escape` appends a name's display bytes to the path buffer.
  public mutating func list(
    from id: UInt64, base: [UInt8], recursive: Bool, escape: (_ name: ArraySlice<UInt8>, _ into: inout [UInt8]) -> Void,
    visit: (ListedEntry) throws -> Void
  ) throws {
    usedOrderedPass = false
    fallbackReason = nil
    if recursive {
      do {
        let index = try OrderedIndex(tree, details: details, budget: memoryBudget)
        usedOrderedPass = true
        try index.list(from: id, base: base, escape: escape, visit: visit)
        return
      } catch let stop as OrderedIndex.Stop {
        fallbackReason = stop.reason
      } catch let error as ParseError {
        fallbackReason = "\(error)"
      }
    }
    try listBySeeks(from: id, base: base, recursive: recursive, escape: escape, visit: visit)
  }

  /// One scan for each directory's entries and one batched scan for their inodes (memory bounded by depth and the
  /// widest directory).
  func listBySeeks(
    from id: UInt64, base: [UInt8], recursive: Bool, escape: (ArraySlice<UInt8>, inout [UInt8]) -> Void,
    visit: (ListedEntry) throws -> Void
  ) throws {
    var path = base
    var visited = Set<UInt64>()
    func list(_ id: UInt64, depth: Int) throws {
      guard depth < Self.maxDepth, visited.insert(id).inserted else { return }  // a cycle ends the branch
      let children = try tree.children(of: id)
      let inodes = try tree.inodes(children.map(\.fileID))
      for entry in children {
        let mark = path.count
        path.append(UInt8(ascii: "/"))
        escape(entry.nameBytes[...], &path)
        let listed = try inodes[entry.fileID].map { ListedInode($0, size: try tree.logicalSize($0)) }
        let target = details && entry.kind == .symlink ? try tree.linkTarget(of: entry.fileID) : nil
        try path.withUnsafeBufferPointer {
          try visit(ListedEntry(path: $0, fileID: entry.fileID, kind: entry.kind, inode: listed, linkTarget: target))
        }
        if recursive, entry.kind == .directory { try list(entry.fileID, depth: depth + 1) }
        path.removeSubrange(mark...)
      }
    }
    try list(id, depth: 0)
  }
}

/// The tables of one ordered pass: directory records grouped by parent and inode facts sorted by id.
struct OrderedIndex {
  struct Stop: Error { var reason: String }

  // Directory records in key order: file id, DREC type, end of the name in `names`.
  var fileIDs: [UInt64] = []
  var types: [UInt8] = []
  var nameEnds: [UInt32] = []
  var names: [UInt8] = []
  /// Each parent's run of records in the arrays above.
  var runs: [UInt64: Range<Int>] = [:]
  // Inodes by ascending id.
  var inodeIDs: [UInt64] = []
  var sizes: [UInt64] = []  // without details
  var facts: [ListedInode] = []  // with details
  /// ``inodeIDs`` cut into equal id ranges: bucket `b` (ids from `low + b·width`) starts at `bucketStarts[b]`. A lookup
  /// reads one bucket bound and searches a few neighbouring ids, instead of a binary search over the whole table
  /// (whose scattered reads took half the listing's time on 1,000,000 files). Built after the pass.
  var bucketStarts: [Int32] = []
  var bucketWidth: UInt64 = 1
  /// Symbolic-link targets by inode id (with details only).
  var linkTargets: [UInt64: [UInt8]] = [:]
  var linkTargetBytes = 0

  let details: Bool

  init(_ tree: FileSystemTree, details: Bool, budget: Int) throws {
    self.details = details
    var records = 0
    let hashed = tree.hashedNames
    var runParent: UInt64? = nil
    var runStart = 0
    let walker = tree.uncachedWalker()  // one pass: a cache would only cost memory
    try walker.walkRecords(root: tree.volume.rootTreeOID.rawValue, structure: "fs tree") { key, r, entry, value in
      switch key.type {
      case .inode:
        if inodeIDs.last == key.objectID { return }  // a duplicate key (checkFollows allows equal keys)
        let inode = try ListedInode(parsing: r, value: value)
        inodeIDs.append(key.objectID)
        if details { facts.append(inode) } else { sizes.append(inode.size) }
      case .xattr:
        // A compressed file's size is in its decmpfs header, which follows its inode (type 4 after 3).
        guard inodeIDs.last == key.objectID else { return }
        let xattr = try XAttrRecord(ownerID: key.objectID, parsing: r, key: entry.key, value: value)
        if details, xattr.name == FileSystemTree.symlinkAttribute, let data = xattr.embeddedData {
          linkTargets[key.objectID] = FileSystemTree.trimmedLinkTarget(data)
          linkTargetBytes &+= data.count &+ 64
          return
        }
        guard xattr.name == "com.apple.decmpfs", let data = xattr.embeddedData, data.count >= 16 else { return }
        let size = (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[8 + $1]) << (8 * $1) }
        if details { facts[facts.count - 1].size = size } else { sizes[sizes.count - 1] = size }
      case .directoryRecord:
        let name = try DirectoryRecord.nameRange(r, key: entry.key, hashed: hashed)
        guard value.count >= 18 else {
          throw ParseError(.truncated(needed: 18, available: value.count), in: "j_drec_val_t",
                           at: r.absolute(value.lowerBound))
        }
        if runParent != key.objectID {
          if let parent = runParent { runs[parent] = runStart..<fileIDs.count }
          runParent = key.objectID
          runStart = fileIDs.count
        }
        var end = name.upperBound
        while end > name.lowerBound, r.bytes[end - 1] == 0 { end -= 1 }  // the trailing NUL
        names.append(contentsOf: r.bytes[name.lowerBound..<end])
        guard names.count <= Int(UInt32.max) else { throw Stop(reason: "names exceed 4 GiB") }
        nameEnds.append(UInt32(names.count))
        fileIDs.append(try r.u64(value.lowerBound))
        types.append(UInt8(truncatingIfNeeded: try r.u16(value.lowerBound + 16) & 0xF))
      default:
        return
      }
      records &+= 1
      if records & 1023 == 1 || budget < 1 << 20 {
        // What the arrays hold allocated (capacity, not count: a growing array can be up to twice its contents),
        // plus the bucket index built afterwards (4 bytes per inode).
        let used = fileIDs.capacity &* 8 &+ types.capacity &+ nameEnds.capacity &* 4 &+ names.capacity
          &+ inodeIDs.capacity &* 12 &+ sizes.capacity &* 8 &+ facts.capacity &* MemoryLayout<ListedInode>.stride
          &+ runs.capacity &* 40 &+ linkTargetBytes
        if used > budget { throw Stop(reason: "the listing's tables would pass \(budget >> 20) MiB") }
      }
    }
    if let parent = runParent { runs[parent] = runStart..<fileIDs.count }
    buildBuckets()
  }

  mutating func buildBuckets() {
    let n = inodeIDs.count
    guard n > 0, n < Int(Int32.max) else { return }
    let low = inodeIDs[0]
    bucketWidth = (inodeIDs[n - 1] - low) / UInt64(n) + 1
    bucketStarts = [Int32](repeating: 0, count: n + 1)
    var i = 0
    for b in 0...n {
      let (offset, overflow) = UInt64(b).multipliedReportingOverflow(by: bucketWidth)
      let (bound, carry) = low.addingReportingOverflow(offset)
      while i < n, overflow || carry || inodeIDs[i] < bound { i += 1 }
      bucketStarts[b] = Int32(i)
    }
  }

  /// The index of inode `id` in ``inodeIDs``, or `nil`.
  func inodeIndex(_ id: UInt64) -> Int? {
    guard let first = inodeIDs.first, id >= first, !bucketStarts.isEmpty else { return nil }
    let b = (id - first) / bucketWidth
    guard b < UInt64(bucketStarts.count - 1) else { return nil }
    var low = Int(bucketStarts[Int(b)])
    var high = Int(bucketStarts[Int(b) + 1])
    while low < high {
      let mid = (low &+ high) / 2
      if inodeIDs[mid] < id { low = mid &+ 1 } else { high = mid }
    }
    return low < inodeIDs.count && inodeIDs[low] == id ? low : nil
  }

  func list(
    from root: UInt64, base: [UInt8], escape: (ArraySlice<UInt8>, inout [UInt8]) -> Void,
    visit: (ListedEntry) throws -> Void
  ) throws {
    var path = base
    path.reserveCapacity(4096)
    var visited: Set<UInt64> = [root]
    // The stack of open directories: next record to list, end of the run, path length before its names.
    var stack: [(next: Int, end: Int, mark: Int)] = []
    if let run = runs[root] { stack.append((run.lowerBound, run.upperBound, path.count)) }
    while let top = stack.last {
      guard top.next < top.end else {
        stack.removeLast()
        if let mark = stack.last?.mark { path.removeSubrange(mark...) }
        continue
      }
      let i = top.next
      stack[stack.count - 1].next += 1
      path.removeSubrange(top.mark...)
      path.append(UInt8(ascii: "/"))
      let nameStart = i == 0 ? 0 : Int(nameEnds[i - 1])
      escape(names[nameStart..<Int(nameEnds[i])], &path)
      let id = fileIDs[i]
      let kind = FileKind(directoryEntryType: UInt16(types[i]))
      var listed: ListedInode? = nil
      if let index = inodeIndex(id) {
        listed = details ? facts[index] : ListedInode(size: sizes[index])
      }
      let target = kind == .symlink ? linkTargets[id] : nil
      try path.withUnsafeBufferPointer {
        try visit(ListedEntry(path: $0, fileID: id, kind: kind, inode: listed, linkTarget: target))
      }
      if kind == .directory, stack.count < TreeListing.maxDepth, let run = runs[id], visited.insert(id).inserted {
        stack.append((run.lowerBound, run.upperBound, path.count))
      }
    }
  }
}

extension ListedInode {
  /// Only the size known (a listing without details).
  init(size: UInt64) {
    self.size = size
    mode = 0
    owner = 0
    group = 0
    links = 0
    accessTime = 0
    modifyTime = 0
    changeTime = 0
    createTime = 0
  }
}

extension FileSystemTree {
  /// The extended attribute holding a symbolic link's target.
  public static let symlinkAttribute = "com.apple.fs.symlink"

  static func trimmedLinkTarget(_ data: [UInt8]) -> [UInt8] {
    var target = data
    while target.last == 0 { target.removeLast() }
    return target
  }

  /// The target of symbolic link `id` as stored (embedded `com.apple.fs.symlink`), or `nil`.
  public func linkTarget(of id: UInt64) throws -> [UInt8]? {
    try xattrs(of: id).first { $0.name == Self.symlinkAttribute }?.embeddedData.map(Self.trimmedLinkTarget)
  }
}
