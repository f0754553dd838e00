import FuzzSupport
import APFSFormat
import ImageAccess

/// libFuzzer harness `apfs-btree-node` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  var block = paddedToBlocks(input)
  fixAPFSChecksums(&block)
  let reader = ByteReader(Array(block.prefix(4096)), structure: "btree_node_phys_t")
  if let node = try? BTreeNode(parsing: reader) {
    for entry in node.entries {
      _ = try? reader.bytes(entry.key.lowerBound, entry.key.count)
      if let v = entry.value { _ = try? reader.bytes(v.lowerBound, v.count) }
    }
  }
  if let node = try? BTreeNode(parsing: reader, fixedSizes: (key: 16, value: 16)) {
    for entry in node.entries {
      _ = try? reader.bytes(entry.key.lowerBound, entry.key.count)
      if let v = entry.value { _ = try? reader.bytes(v.lowerBound, v.count) }
    }
  }
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("apfs_btree_node_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
