import FuzzSupport
import Glibc
import ImageAccess
import Triage

/// One scratch file per process (libFuzzer's -jobs/-fork run several), in $TMPDIR.
let scratchPath: String = {
  let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
  return "\(dir)/ringo-fuzz-triage-\(getpid()).img"
}()

/// libFuzzer harness `triage` (FUZZING.md lists every harness): the whole pipeline on the input as an image file, from
/// format detection (raw, GPT, UDIF, AEA, encrcdsa) through container, volumes, trees and content scan to the verdict.
func fuzz(_ input: [UInt8]) {
  let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
  guard fd >= 0 else { fatalError("cannot write \(scratchPath)") }
  var written = 0
  input.withUnsafeBytes { buffer in
    while written < buffer.count {
      let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
      if n <= 0 { break }
      written += n
    }
  }
  close(fd)
  var options = TriageOptions()
  options.hash = false
  _ = try? Triage.run(path: scratchPath, options: options, toolVersion: "fuzz")
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("triage_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
