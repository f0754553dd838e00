import FuzzSupport
import IPSWFormat
import ImageAccess

/// libFuzzer harness `img4` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  let source = MemorySource(input)
  _ = IMG4.kind(of: source)
  if let img4 = try? IMG4(parsing: source) {
    _ = img4.manifest?.verifySignature()
    _ = img4.manifest?.certificateFacts()
  }
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("img4_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
