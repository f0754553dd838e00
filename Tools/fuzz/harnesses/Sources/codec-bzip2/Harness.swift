import Codecs
import FuzzSupport

/// libFuzzer harness `codec-bzip2` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  fuzzCodec(.bzip2, input)
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("codec_bzip2_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
