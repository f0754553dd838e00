import FuzzSupport
import DiskImage
import ImageAccess

/// libFuzzer harness `udif-block-table` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  _ = try? BlockTable(parsing: ByteReader(input, structure: "mish"))
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("udif_block_table_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
