import Codecs
import FuzzSupport

/// libFuzzer harness `codec-lzma` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  fuzzCodec(.lzma, input)
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("codec_lzma_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
