import FuzzSupport
import IPSWFormat
import ImageAccess

/// libFuzzer harness `ipsw` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  // An IPSW as `ringo ipsw` reads it: manifests, kernelcache, digests, space estimate, root file system.
  guard let archive = try? ZIPArchive(source: MemorySource(input)) else { return }
  let ipsw = IPSW(archive: archive)
  _ = try? ipsw.kernelcacheFacts()
  _ = ipsw.verifyDigests(limits: ReadLimits(maxOutputBytes: 8 << 20))
  _ = ipsw.spaceEstimate(deviceCapacityGB: 64)
  _ = try? ipsw.openRootFilesystem()
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("ipsw_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
