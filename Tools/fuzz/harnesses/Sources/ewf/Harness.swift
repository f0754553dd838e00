import Evidence
import FuzzSupport
import ImageAccess

/// The input as the single segment `image.E01` of an EWF set, in the process's scratch folder (libewf opens file
/// names, not memory).
let segmentPath = scratchFolder + "/image.E01"

/// libFuzzer harness `ewf` (FUZZING.md lists every harness): an E01 segment through libewf (`EWFImage`: glob, open,
/// media size, chunk size, header and hash sections), then every byte of the media read back chunk by chunk (libewf's
/// decompression and chunk checksums) and the checksum errors it recorded.
func fuzz(_ input: [UInt8]) {
  writeScratchFile(segmentPath, input)
  guard let image = try? EWFImage(firstSegment: segmentPath) else { return }
  _ = image.metadata
  drainAcross(image, boundaries: [image.chunkSize, 2 * image.chunkSize])
  _ = image.checksumErrors()
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("ewf_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
