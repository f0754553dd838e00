import Codecs
import FuzzSupport

/// libFuzzer harness `codec-lzfse` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  fuzzCodec(.lzfse, input)
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("codec_lzfse_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
