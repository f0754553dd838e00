import FuzzSupport
import Evidence
import ImageAccess

/// libFuzzer harness `gpt` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  var disk = input
  fixGPTChecksums(&disk)
  _ = try? GPT.read(from: MemorySource(disk))
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("gpt_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
