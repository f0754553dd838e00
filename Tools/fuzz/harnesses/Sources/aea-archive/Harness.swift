import DiskImage
import FuzzSupport
import ImageAccess

/// The key the harness opens profile-1 archives with; make-corpus.py encrypts the seeds with the same one
/// (bytes 0x00...0x1f).
let fixedKey = (0..<32).map { UInt8($0) }

/// libFuzzer harness `aea-archive` (FUZZING.md lists every harness): the AEA decoder, `AEAArchive.open` without a key
/// (profile 0: the key is in the file) and with a fixed key (profile 1): header, auth data, root header MAC and
/// decryption, every cluster header's MAC; then the payload read through `AEASource` (segment MACs, decryption,
/// decompression through the codecs, checksums), at most 8 MiB.
func fuzz(_ input: [UInt8]) {
  for key in [nil, fixedKey] {
    guard let archive = try? AEAArchive.open(MemorySource(input), symmetricKey: key) else { continue }
    drain(AEASource(archive, cache: ChunkCache(capacityBytes: 4 << 20)))
  }
}

/// SwiftPM links an executable's `main` to `<module>_main`: libFuzzer's driver takes over from here.
@_cdecl("aea_archive_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
