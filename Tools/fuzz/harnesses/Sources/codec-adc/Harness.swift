import Codecs
import FuzzSupport

/// libFuzzer harness `codec-adc` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  // An ADC chunk ends where its expected size is reached; the bytes after it are padding (real UDIF chunks have
  // some), so a shorter expected size is, by design, a shorter chunk.
  fuzzCodec(.adc, input, shorterMayPass: true)
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("codec_adc_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
