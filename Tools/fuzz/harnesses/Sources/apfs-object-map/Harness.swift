import FuzzSupport
import APFSFormat
import ImageAccess

/// libFuzzer harness `apfs-object-map` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  // Block 0 is the omap_phys_t; the B-tree's nodes are the following blocks of the input.
  var image = paddedToBlocks(input)
  fixAPFSChecksums(&image)
  let blocks = image.count / 4096
  _ = try? ObjectMap(at: PhysicalBlock(rawValue: 0), maxTransactionID: TransactionID(rawValue: .max), nodeLimit: 256, keepingVersions: true) { address in
    guard address < UInt64(blocks) else {
      throw ParseError(.valueOutOfRange(field: "block", value: address), in: "fuzz image", at: nil)
    }
    let start = Int(address) * 4096
    return ByteReader(Array(image[start..<start + 4096]), base: start, structure: "block")
  }
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("apfs_object_map_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
