import FuzzSupport
import IPSWFormat

/// libFuzzer harness `im4r` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  _ = try? IM4R(parsing: input)
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("im4r_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
