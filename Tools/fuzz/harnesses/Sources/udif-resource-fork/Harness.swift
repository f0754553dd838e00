import FuzzSupport
import DiskImage
import ImageAccess

/// libFuzzer harness `udif-resource-fork` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  if let fork = try? ResourceFork(parsingXML: input, at: 0) {
    for entry in fork.blkx { _ = try? BlockTable(parsing: ByteReader(entry.data, structure: "mish")) }
  }
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("udif_resource_fork_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
