import FuzzSupport
import APFSFormat
import ImageAccess

/// libFuzzer harness `apfs-container` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  // A whole container (4 KiB blocks): checkpoint search, object map, space manager, volumes, file-system trees.
  var image = paddedToBlocks(input)
  fixAPFSChecksums(&image)
  guard let container = try? APFSContainer.open(MemorySource(image)) else { return }
  for entry in container.volumes {
    guard let volume = entry.superblock, let tree = try? FileSystemTree(container: container, volume: volume) else {
      continue
    }
    _ = VolumeCensus.take(tree)
  }
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("apfs_container_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
