import FuzzSupport
import IPSWFormat

/// libFuzzer harness `im4m` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  guard let manifest = try? IM4M(parsing: input) else { return }
  _ = manifest.verifySignature()
  _ = manifest.certificateFacts()
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("im4m_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
