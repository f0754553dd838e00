import FuzzSupport
import Codecs

/// libFuzzer harness `codec-adc` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  // Bounded output: at most 4 MiB whatever the input claims. A stream that decodes must decode the same way into a
  // buffer of its exact size, and must be refused by one byte less.
  guard let out = try? Codec.adc.decompress(input, limit: 4 << 20) else { return }
  guard let again = try? Codec.adc.decompress(input, expectedSize: out.count, limit: 4 << 20), again == out else {
    fatalError("adc: the stream decodes to \(out.count) bytes unbounded but not into a buffer of that size")
  }
  // No "one byte less" check here: an ADC chunk ends where its expected size is reached and the bytes after it are
  // padding (real UDIF chunks have some), so a shorter expected size is, by design, a shorter chunk.
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("codec_adc_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
