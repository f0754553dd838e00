import FuzzSupport
import APFSFormat
import ImageAccess

/// libFuzzer harness `apfs-fs-records` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  // A file-system tree leaf: every record goes through the parser its key type selects, as the tree walk does.
  var block = paddedToBlocks(input)
  fixAPFSChecksums(&block)
  let r = ByteReader(Array(block.prefix(4096)), structure: "btree_node_phys_t")
  guard let node = try? BTreeNode(parsing: r) else { return }
  for entry in node.entries {
    guard let key = try? FSKey(parsing: r, at: entry.key.lowerBound), let value = entry.value else { continue }
    switch key.type {
    case .inode:
      _ = try? InodeRecord(objectID: key.objectID, parsing: r, value: value)
      _ = try? ExtendedFields.parse(r, range: value)
    case .directoryRecord:
      _ = try? DirectoryRecord(parentID: key.objectID, parsing: r, key: entry.key, value: value, hashed: true)
      _ = try? DirectoryRecord(parentID: key.objectID, parsing: r, key: entry.key, value: value, hashed: false)
    case .fileExtent: _ = try? FileExtentRecord(streamID: key.objectID, parsing: r, key: entry.key, value: value)
    case .cryptoState: _ = try? CryptoStateRecord(cryptoID: key.objectID, parsing: r, value: value)
    case .xattr: _ = try? XAttrRecord(ownerID: key.objectID, parsing: r, key: entry.key, value: value)
    case .snapshotMetadata: _ = try? SnapshotMetadata(key: key, parsing: r, value: value)
    case .snapshotName: _ = try? SnapshotNameRecord(parsing: r, key: entry.key, value: value)
    case .dataStreamID: _ = try? DataStream(parsing: r, at: value.lowerBound, length: value.count)
    default: break
    }
  }
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("apfs_fs_records_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
