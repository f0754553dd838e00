import FuzzSupport
import IPSWFormat
import ImageAccess

/// libFuzzer harness `der` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  // DER headers, walked as a tree (depth and count bounded here, as the IMG4 parsers bound them).
  let source = MemorySource(input)
  var pending = [(0, input.count, 0)]
  var visited = 0
  while let (offset, limit, depth) = pending.popLast(), visited < 4096 {
    visited += 1
    guard let header = try? DERHeader(in: source, at: offset, limit: limit, structure: "der") else { continue }
    if header.isConstructed, depth < 32 { pending.append((header.contents.lowerBound, header.contents.upperBound, depth + 1)) }
    if header.contents.upperBound < limit { pending.append((header.contents.upperBound, limit, depth)) }
  }
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("der_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
