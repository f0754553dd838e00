import ImageAccess

/// What one pass over a volume's file-system tree measured: object counts, plaintext and encrypted file bytes,
/// files per Data Protection class, compression methods, and where file data and tree nodes sit on disk.
///
/// The pass keeps going as far as it can: an unreadable node ends the walk with ``error`` set and the counts so far
/// kept (``isComplete`` false).
public struct VolumeCensus: Sendable {
  public var files = 0
  public var directories = 0
  public var symlinks = 0
  public var otherObjects = 0
  public var snapshots = 0
  /// Logical bytes of regular files stored in extents with a crypto id of zero or in attributes (and not on a ONEKEY
  /// volume). A decmpfs-compressed file counts its uncompressed size, where its compressed bytes live (inline in
  /// the `com.apple.decmpfs` attribute, or in the resource fork's extents).
  public var plaintextBytes: UInt64 = 0
  /// Logical bytes of regular files stored in extents with a non-zero crypto id, or on a ONEKEY volume.
  public var encryptedBytes: UInt64 = 0
  /// The part of `plaintextBytes + encryptedBytes` that is stored compressed (decmpfs, other than the
  /// uncompressed methods).
  public var compressedBytes: UInt64 = 0
  /// Regular files per protection class (`A`…`F`, `none`, `other`).
  public var protectionClasses: [String: Int] = [:]
  /// Compressed files (decmpfs) per method name.
  public var compressionMethods: [String: Int] = [:]
  public var compressedFiles: Int { compressionMethods.values.reduce(0, +) }
  /// Physical runs of file data: start block, block count, encrypted.
  public var dataRuns: [(start: UInt64, count: UInt64, encrypted: Bool)] = []
  /// Physical blocks of the volume's metadata: tree nodes, object map nodes, snapshot tree nodes.
  public var metadataBlocks: [UInt64] = []
  public var recordsRead = 0
  /// Records of types this walk does not know (counted, first location kept), reported but not fatal.
  public var unknownRecords = 0
  public var firstUnknownRecord: ParseError?
  public var error: ParseError?
  public var metadataEncrypted = false
  public var isComplete: Bool { error == nil }

  public init() {}

  /// The census of a tree that could not be opened: no counts, `error` set (and `metadataEncrypted` when the error
  /// says the tree is encrypted).
  public init(failure: ParseError) {
    record(failure)
  }

  mutating func record(_ failure: ParseError) {
    error = failure
    metadataEncrypted = failure.reason == FileSystemTree.encryptedMetadata(at: nil).reason
  }

  /// Walks `tree` once and measures it.
  public static func take(_ tree: FileSystemTree) -> VolumeCensus {
    var census = VolumeCensus()
    let onekey = tree.volume.encryption == .onekey
    let blockSize = UInt64(tree.container.blockSize)
    struct FileFacts {
      var size: UInt64
      var cryptoID: UInt64
      var defaultClass: UInt32
      /// Set once the file's decmpfs attribute was seen: its bytes are counted by its compressed form instead.
      var compressed = false
    }
    /// A decmpfs-compressed file being read: its inode, header and resource-fork stream, as its records arrive.
    struct CompressedFile {
      var inode: UInt64
      var privateID: UInt64
      var method: UInt32? = nil
      var size: UInt64 = 0
      var resourceFork: UInt64? = nil
      var inResourceFork: Bool { [4, 8, 10, 12, 14].contains(method ?? 0) }
      var storedCompressed: Bool { ![1, 9, 10].contains(method ?? 0) }
    }
    var regularFiles: [UInt64: FileFacts] = [:]  // by data-stream id (private_id)
    var compressing: CompressedFile? = nil  // the compressed inode whose records are being read
    var waitingForFork: [UInt64: CompressedFile] = [:]  // by resource-fork stream id, not reached yet
    var streamExtents: [UInt64: [FileExtentRecord]] = [:]
    var cryptoClasses: [UInt64: UInt32] = [:]
    var lastRegularInode: UInt64? = nil  // records are sorted by oid, and an inode (3) precedes its xattrs (4)

    func countClass(_ facts: FileFacts, classID: UInt64) {
      var key = "none"
      if let persistent = cryptoClasses[classID] {
        let effective = persistent == 0 ? facts.defaultClass & 0x1F : persistent
        key = ProtectionClass(rawValue: effective).reportKey
      }
      census.protectionClasses[key, default: 0] += 1
    }

    /// Counts a compressed file's logical size where its bytes are: inline in the attribute (plaintext unless the
    /// volume is ONEKEY), or in the resource fork's extents (encrypted when any has a crypto id).
    func countCompressed(_ file: CompressedFile) {
      var encrypted = onekey
      if file.inResourceFork, let fork = file.resourceFork {
        encrypted = encrypted || (streamExtents[fork] ?? []).contains { $0.cryptoID != 0 }
      }
      if encrypted { census.encryptedBytes += file.size } else { census.plaintextBytes += file.size }
      if file.storedCompressed { census.compressedBytes += file.size }
    }

    /// The walk has passed every record of `file`'s inode: count it now, or wait for its resource fork's extents
    /// when that stream comes later in key order.
    func finishCompressed(_ file: CompressedFile, passed objectID: UInt64) {
      guard file.method != nil else {
        regularFiles[file.privateID]?.compressed = false
        return
      }
      if file.inResourceFork, let fork = file.resourceFork, fork > objectID {
        waitingForFork[fork] = file
      } else {
        countCompressed(file)
      }
    }

    /// Counts one regular file's class, bytes and data runs and forgets it. Without `force` it waits (returns false)
    /// while the file's crypto state has not been seen yet.
    func settle(_ streamID: UInt64, force: Bool) -> Bool {
      guard let facts = regularFiles[streamID] else { return true }
      let extents = streamExtents[streamID] ?? []
      var classID = facts.cryptoID
      if classID == 0 { classID = extents.first { $0.cryptoID != 0 }?.cryptoID ?? 0 }
      if !force, classID != 0, cryptoClasses[classID] == nil { return false }
      if facts.compressed {
        // The bytes were counted with the decmpfs form; the extents still hold data.
        for extent in extents where !extent.isSparse {
          census.dataRuns.append((extent.physicalBlock.rawValue, (extent.length + blockSize - 1) / blockSize,
                                  onekey || extent.cryptoID != 0))
        }
        regularFiles[streamID] = nil
        streamExtents[streamID] = nil
        countClass(facts, classID: classID)
        return true
      }
      countClass(facts, classID: classID)
      for extent in extents where !extent.isSparse {
        let logical = extent.logicalAddress < facts.size ? min(extent.length, facts.size - extent.logicalAddress) : 0
        let encrypted = onekey || extent.cryptoID != 0
        if encrypted { census.encryptedBytes += logical } else { census.plaintextBytes += logical }
        census.dataRuns.append((extent.physicalBlock.rawValue, (extent.length + blockSize - 1) / blockSize, encrypted))
      }
      regularFiles[streamID] = nil
      streamExtents[streamID] = nil
      return true
    }

    census.metadataBlocks.append(contentsOf: tree.objectMap.nodeAddresses)
    census.metadataBlocks.append(tree.volume.objectMapOID.rawValue)
    do {
      var walker = tree.uncachedWalker()  // one pass: caching would only cost memory
      let map = tree.objectMap
      let load = walker.loadNode
      let recorder = AddressRecorder()
      walker.loadNode = { oid in
        if let mapping = map.lookup(ObjectID(oid)) { recorder.append(mapping.physicalAddress.rawValue) }
        return try load(oid)
      }
      defer { census.metadataBlocks.append(contentsOf: recorder.addresses) }
      var previous: FSKey? = nil
      try walker.walk(root: tree.volume.rootTreeOID.rawValue) { node, index in
        census.recordsRead += 1
        let entry = node.entries[index]
        let r = node.bytes
        let key = try FSKey(parsing: r, at: entry.key.lowerBound)
        try key.checkFollows(previous, in: "fs tree", at: r.absolute(entry.key.lowerBound))
        if let last = previous, last.objectID != key.objectID {
          // Every record of the previous object has been seen: a file whose data stream is its own id can be
          // counted now and forgotten, so memory follows the files still waiting, not all files.
          if let file = compressing, file.inode == last.objectID {
            finishCompressed(file, passed: last.objectID)
            compressing = nil
          }
          if let file = waitingForFork.removeValue(forKey: last.objectID) { countCompressed(file) }
          _ = settle(last.objectID, force: false)
        }
        previous = key
        if key.type.rawValue == 0 || key.type.rawValue > 13 {
          census.unknownRecords += 1
          if census.firstUnknownRecord == nil {
            census.firstUnknownRecord = ParseError(
              .valueOutOfRange(field: "j_key_t record type", value: UInt64(key.type.rawValue)), in: "fs tree",
              at: r.absolute(entry.key.lowerBound))
          }
          return
        }
        guard let value = entry.value else { return }
        switch key.type {
        case .inode:
          let inode = try InodeRecord(objectID: key.objectID, parsing: r, value: value)
          switch inode.kind {
          case .regular:
            census.files += 1
            let stream = inode.dataStream
            regularFiles[inode.privateID] = FileFacts(
              size: stream?.size ?? 0, cryptoID: stream?.defaultCryptoID ?? 0,
              defaultClass: inode.defaultProtectionClass, compressed: inode.isCompressed)
            lastRegularInode = inode.objectID
            if inode.isCompressed { compressing = CompressedFile(inode: inode.objectID, privateID: inode.privateID) }
          case .directory:
            // The root (2) and the private directory (3) are not counted, as in apfs_num_directories.
            if inode.objectID > 3 { census.directories += 1 }
          case .symlink:
            census.symlinks += 1
          default:
            census.otherObjects += 1
          }
        case .fileExtent:
          let extent = try FileExtentRecord(streamID: key.objectID, parsing: r, key: entry.key, value: value)
          guard extent.length <= UInt64(Int.max) / 2 else {
            throw ParseError(.valueOutOfRange(field: "j_file_extent_val_t.len", value: extent.length),
                             in: "j_file_extent_val_t", at: r.absolute(value.lowerBound))
          }
          if !extent.isSparse {
            let blocks = (extent.length + blockSize - 1) / blockSize
            guard extent.physicalBlock.rawValue < tree.container.superblock.blockCount,
              blocks <= tree.container.superblock.blockCount - extent.physicalBlock.rawValue
            else {
              throw ParseError(
                .valueOutOfRange(field: "phys_block_num + len", value: extent.physicalBlock.rawValue),
                in: "j_file_extent_val_t", at: r.absolute(value.lowerBound + 8))
            }
          }
          streamExtents[key.objectID, default: []].append(extent)
        case .cryptoState:
          let state = try CryptoStateRecord(cryptoID: key.objectID, parsing: r, value: value)
          cryptoClasses[key.objectID] = state.persistentClass & 0x1F
        case .xattr:
          let xattr = try XAttrRecord(ownerID: key.objectID, parsing: r, key: entry.key, value: value)
          if let method = xattr.decmpfsMethod, lastRegularInode == key.objectID {
            census.compressionMethods[CompressionMethod.name(method), default: 0] += 1
            if compressing?.inode == key.objectID, let size = xattr.decmpfsUncompressedSize {
              compressing?.method = method
              compressing?.size = size
            }
          }
          if xattr.name == "com.apple.ResourceFork", compressing?.inode == key.objectID {
            compressing?.resourceFork = xattr.streamID
          }
        default:
          break
        }
      }
    } catch let error as ParseError {
      census.record(error)
    } catch {
      census.error = ParseError(.invalid("\(error)"), in: "fs tree", at: nil)
    }

    // Join what is left (clones whose stream id differs from the inode id, and files whose crypto state came later
    // in key order) with their extents and crypto states.
    if let file = compressing { finishCompressed(file, passed: file.inode) }
    for file in waitingForFork.values { countCompressed(file) }
    for streamID in Array(regularFiles.keys) { _ = settle(streamID, force: true) }
    // Extents of streams that are not regular files (xattr streams, resource forks) still hold data.
    for (_, extents) in streamExtents {
      for extent in extents where !extent.isSparse {
        census.dataRuns.append((extent.physicalBlock.rawValue, (extent.length + blockSize - 1) / blockSize,
                                onekey || extent.cryptoID != 0))
      }
    }

    census.snapshots = countSnapshots(tree, metadata: &census.metadataBlocks)
    return census
  }

  /// Counts snapshot metadata records (`APFS_TYPE_SNAP_METADATA`) in the volume's snapshot tree (physical nodes).
  static func countSnapshots(_ tree: FileSystemTree, metadata: inout [UInt64]) -> Int {
    let root = tree.volume.snapshotMetaTreeOID
    guard root != 0 else { return 0 }
    var count = 0
    let recorder = AddressRecorder()
    let walker = BTreeWalker(
      structure: "snapshot metadata tree", nodeLimit: tree.container.nodeLimit
    ) { address in
      recorder.append(address)
      return try tree.container.block(address)
    }
    _ = try? walker.walk(root: root) { node, index in
      let key = try FSKey(parsing: node.bytes, at: node.entries[index].key.lowerBound)
      if key.type == .snapshotMetadata { count += 1 }
    }
    metadata.append(contentsOf: recorder.addresses)
    return count
  }
}

/// Collects addresses from inside escaping loader closures.
final class AddressRecorder: @unchecked Sendable {
  // @unchecked: used from one thread at a time (the walk is sequential).
  var addresses: [UInt64] = []
  func append(_ address: UInt64) { addresses.append(address) }
}
