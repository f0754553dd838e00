import FuzzSupport
import DiskImage
import ImageAccess

/// libFuzzer harness `aea` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  _ = try? AEAHeader(parsing: MemorySource(input))
  _ = try? EncryptedImageHeader(parsing: ByteReader(input, structure: "encrcdsa"))
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("aea_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
