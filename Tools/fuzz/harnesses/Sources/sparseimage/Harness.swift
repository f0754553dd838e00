import Evidence
import FuzzSupport
import ImageAccess

/// libFuzzer harness `sparseimage` (FUZZING.md lists every harness): `SparseImage.open` on the input (the `sprs`
/// header, band size, media size, band map), then the media read through `BandedSource` across band edges (stored
/// bands, holes, bands past the end of the file).
func fuzz(_ input: [UInt8]) {
  guard let media = try? SparseImage.open(MemorySource(input)) else { return }
  drainAcross(media, boundaries: [media.bandSize, 2 * media.bandSize, 3 * media.bandSize])
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("sparseimage_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
