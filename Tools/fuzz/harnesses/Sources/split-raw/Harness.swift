import Evidence
import FuzzSupport
import ImageAccess

#if canImport(Glibc)
  import Glibc
#endif

/// libFuzzer harness `split-raw` (FUZZING.md lists every harness): a split raw set cut from the input and opened the
/// way `ringo triage x.001` opens it (`OpenedEvidence.open`: `SplitRawSet` finds the pieces, `SegmentedSource` stitches
/// them, then GPT and container location on the stitched disk), then the disk read across every piece boundary.
///
/// Input: byte 0 picks the number of pieces (2-5) and byte 1 the naming (`.001`, `.000`, `.aa`); the next bytes give
/// each piece but the last a length (u16 little-endian, so pieces may be empty); the rest, in order, is the disk.
func fuzz(_ input: [UInt8]) {
  guard input.count >= 2 else { return }
  let pieces = 2 + Int(input[0] % 4)
  let names: [String]
  switch input[1] % 3 {
  case 0: names = (1...pieces).map { "disk.00\($0)" }
  case 1: names = (0..<pieces).map { "disk.00" + String($0) }
  default: names = (0..<pieces).map { "disk.a" + String(UnicodeScalar(UInt8(ascii: "a") + UInt8($0))) }
  }
  var at = 2
  var lengths: [Int] = []
  for _ in 0..<(pieces - 1) {
    guard at + 2 <= input.count else { return }
    lengths.append(Int(input[at]) | Int(input[at + 1]) << 8)
    at += 2
  }
  removeTree(scratchFolder + "/set")
  mkdir(scratchFolder + "/set", 0o700)
  var boundaries: [Int] = []
  var position = 0
  for (index, name) in names.enumerated() {
    let end = index < lengths.count ? min(input.count, at + lengths[index]) : input.count
    writeScratchFile(scratchFolder + "/set/" + name, input[at..<end])
    position += end - at
    boundaries.append(position)
    at = end
  }
  guard let opened = try? OpenedEvidence.open(path: scratchFolder + "/set/" + names[0]) else { return }
  if let media = opened.media { drainAcross(media, boundaries: boundaries) }
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("split_raw_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
