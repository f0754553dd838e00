import FuzzSupport
import APFSFormat
import ImageAccess

/// libFuzzer harness `apfs-volume-superblock` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  var block = paddedToBlocks(input)
  fixAPFSChecksums(&block)
  _ = try? APFSSuperblock(parsing: ByteReader(Array(block.prefix(4096)), structure: "apfs_superblock_t"))
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("apfs_volume_superblock_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
