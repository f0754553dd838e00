import FuzzSupport
import IPSWFormat
import ImageAccess

/// libFuzzer harness `zip` (FUZZING.md lists every harness).
func fuzz(_ input: [UInt8]) {
  // End records, ZIP64, central directory, local headers, then every entry decoded in memory under the default limits.
  guard let archive = try? ZIPArchive(source: MemorySource(input)) else { return }
  for entry in archive.entries.prefix(64) {
    _ = SafeExtractor.components(of: entry.rawName)
    _ = try? archive.read(entry, limits: ReadLimits(maxOutputBytes: 8 << 20), chunkSize: 4096) { _ in }
    _ = try? archive.contents(of: entry, maxBytes: 1 << 20)
    _ = try? archive.storedData(of: entry)
  }
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("zip_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
