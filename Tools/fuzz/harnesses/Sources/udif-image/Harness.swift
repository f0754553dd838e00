import FuzzSupport
import DiskImage
import ImageAccess

/// libFuzzer harness `udif-image` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  // A whole DMG: trailer, resource fork or plist, block tables, then the expanded disk read through every chunk.
  var limits = UDIFImage.Limits()
  limits.maximumChunkBytes = 4 << 20
  limits.cacheBytes = 8 << 20
  guard let kind = try? DiskImageDetector.open(MemorySource(input), limits: limits), case .udif(let image) = kind else { return }
  drain(image)
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("udif_image_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
