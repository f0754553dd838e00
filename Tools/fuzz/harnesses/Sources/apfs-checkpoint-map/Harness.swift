import FuzzSupport
import APFSFormat
import ImageAccess

/// libFuzzer harness `apfs-checkpoint-map` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  var block = paddedToBlocks(input)
  fixAPFSChecksums(&block)
  _ = try? CheckpointMap(parsing: ByteReader(Array(block.prefix(4096)), structure: "checkpoint_map_phys_t"))
  _ = try? SpaceManager(parsing: ByteReader(Array(block.prefix(4096)), structure: "spaceman_phys_t"))
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("apfs_checkpoint_map_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
