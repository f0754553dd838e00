import FuzzSupport
import IPSWFormat

/// libFuzzer harness `plist` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  _ = try? BuildManifest(parsing: input)
  _ = try? RestorePlist(parsing: input)
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("plist_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
