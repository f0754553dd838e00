import FuzzSupport
import IPSWFormat
import ImageAccess

/// libFuzzer harness `im4p` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  // IM4P, then the kernelcache analysis (payload decompression, bounded) of the same bytes.
  let source = MemorySource(input)
  _ = try? IM4P(parsing: source)
  _ = try? Kernelcache.analyse(source, path: "fuzz", decompress: true, limit: 8 << 20)
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("im4p_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
