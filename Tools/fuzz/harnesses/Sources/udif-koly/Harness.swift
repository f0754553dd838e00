import FuzzSupport
import DiskImage
import ImageAccess

/// libFuzzer harness `udif-koly` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  let source = MemorySource(input)
  _ = try? KolyTrailer(parsing: ByteReader(input, structure: "koly"))
  _ = try? KolyTrailer(from: source)
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("udif_koly_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
