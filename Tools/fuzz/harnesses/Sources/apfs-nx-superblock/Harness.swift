import FuzzSupport
import APFSFormat
import ImageAccess

/// libFuzzer harness `apfs-nx-superblock` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  var block = paddedToBlocks(input)
  fixAPFSChecksums(&block)
  let reader = ByteReader(Array(block.prefix(4096)), structure: "nx_superblock_t")
  _ = try? reader.verifyObjectChecksum(structure: "nx_superblock_t")
  _ = try? NXSuperblock(parsing: reader)
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("apfs_nx_superblock_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
