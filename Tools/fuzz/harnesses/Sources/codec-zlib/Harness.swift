import FuzzSupport
import Codecs

/// libFuzzer harness `codec-zlib` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  // Bounded output: at most 4 MiB whatever the input claims. A stream that decodes must decode the same way into a
  // buffer of its exact size, and must be refused by one byte less.
  guard let out = try? Codec.zlib.decompress(input, limit: 4 << 20) else { return }
  guard let again = try? Codec.zlib.decompress(input, expectedSize: out.count, limit: 4 << 20), again == out else {
    fatalError("zlib: the stream decodes to \(out.count) bytes unbounded but not into a buffer of that size")
  }
  if !out.isEmpty, (try? Codec.zlib.decompress(input, expectedSize: out.count - 1, limit: 4 << 20)) != nil {
    fatalError("zlib: a stream of \(out.count) bytes was accepted as \(out.count - 1)")
  }
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("codec_zlib_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
