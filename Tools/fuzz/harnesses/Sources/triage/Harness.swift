import FuzzSupport
import ImageAccess
import Triage

/// The input as an image file in the process's scratch folder.
let scratchPath = scratchFolder + "/image.img"

/// libFuzzer harness `triage` (FUZZING.md lists every harness): the whole pipeline on the input as an image file, from
/// format detection (raw, GPT, UDIF, AEA, encrcdsa) through container, volumes, trees and content scan to the verdict.
func fuzz(_ input: [UInt8]) {
  writeScratchFile(scratchPath, input)
  var options = TriageOptions()
  options.hash = false
  _ = try? Triage.run(path: scratchPath, options: options, toolVersion: "fuzz")
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("triage_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
