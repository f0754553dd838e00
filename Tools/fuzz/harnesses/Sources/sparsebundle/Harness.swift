import Evidence
import FuzzSupport
import ImageAccess

#if canImport(Glibc)
  import Glibc
#endif

/// libFuzzer harness `sparsebundle` (FUZZING.md lists every harness): a `.sparsebundle` folder written from the input
/// and opened the way `ringo triage x.sparsebundle` opens it (`OpenedEvidence.open`: `SparseBundle` reads
/// `Info.plist` through Foundation and lists `bands/`, then GPT and container location), then the disk read through
/// `BandedSource` across band edges (band files, holes, short bands).
///
/// Input: u16 little-endian length of `Info.plist`, its bytes, then band files while bytes remain: u8 band index
/// (the file's hex name), u16 little-endian length, the bytes.
func fuzz(_ input: [UInt8]) {
  guard input.count >= 2 else { return }
  let plistLength = Int(input[0]) | Int(input[1]) << 8
  guard 2 + plistLength <= input.count else { return }
  let bundle = scratchFolder + "/disk.sparsebundle"
  removeTree(bundle)
  mkdir(bundle, 0o700)
  mkdir(bundle + "/bands", 0o700)
  writeScratchFile(bundle + "/Info.plist", input[2..<(2 + plistLength)])
  var at = 2 + plistLength
  while at + 3 <= input.count {
    let index = Int(input[at])
    let end = min(input.count, at + 3 + (Int(input[at + 1]) | Int(input[at + 2]) << 8))
    writeScratchFile(bundle + "/bands/" + String(index, radix: 16), input[(at + 3)..<end])
    at = end
  }
  guard let opened = try? OpenedEvidence.open(path: bundle), let media = opened.media else { return }
  let band = (try? SparseBundle(path: bundle))?.bandSize ?? 4096
  drainAcross(media, boundaries: [band, 2 * band, 3 * band])
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("sparsebundle_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
