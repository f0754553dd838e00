import Foundation
import ImageAccess
import TestSupport
import Testing

@testable import APFSFormat

/// `file_bytes` (the census's plaintext + encrypted bytes) against dissect.apfs 1.1, run live: the sum of every
/// regular file's logical size (`INode.size`: the decmpfs uncompressed size for compressed files), and the part of it
/// in compressed files.
@Suite struct FileBytesOracleTests {
  /// The unencrypted images (dissect needs the password for the others, and their trees are encrypted to us).
  static let images = [
    "case_insensitive.bin", "case_insensitive_beta.bin", "case_sensitive.bin", "case_sensitive_beta.bin",
    "corrupt.bin", "jhfs_converted.bin", "snapshot.bin",
  ]

  static let oracle = """
    import sys
    from dissect.apfs import APFS
    with open(sys.argv[1], 'rb') as fh:
        for volume in APFS(fh).volumes:
            total = compressed = 0
            for inode in volume.inodes():
                if inode.is_file():
                    total += inode.size
                    if inode.is_compressed():
                        compressed += inode.size
            print(f"{volume.name}\\t{total}\\t{compressed}")
    """

  /// Per volume name: (logical bytes, bytes of compressed files), as dissect.apfs reports them.
  static func dissectFigures(_ path: String) throws -> [String: (total: UInt64, compressed: UInt64)] {
    // The listed python3 with dissect.apfs (Tools/setup-test-deps.sh installs it).
    let result = try ExternalPrograms.run("python3", ["-c", oracle, path])
    guard result.status == 0 else {
      throw RealImages.Missing(path: "dissect.apfs (Tools/setup-test-deps.sh installs it): \(result.errors)")
    }
    var figures: [String: (UInt64, UInt64)] = [:]
    for line in result.output.split(separator: "\n") {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count == 3, let total = UInt64(fields[1]), let compressed = UInt64(fields[2]) else { continue }
      figures[String(fields[0])] = (total, compressed)
    }
    return figures
  }

  @Test(arguments: images)
  func fileBytesEqualDissectLogicalSizes(image: String) throws {
    let path = try RealImages.dissect(image)
    let expected = try Self.dissectFigures(path)
    let container = try APFSContainer.open(try MappedImage(path: path))
    #expect(!container.volumes.isEmpty)
    for entry in container.volumes {
      let volume = try #require(entry.superblock)
      let census = VolumeCensus.take(try FileSystemTree(container: container, volume: volume))
      #expect(census.isComplete, "\(image) \(volume.name): \(String(describing: census.error))")
      let want = try #require(expected[volume.name], "dissect did not report \(volume.name): \(expected)")
      #expect(census.plaintextBytes + census.encryptedBytes == want.total, "\(image) \(volume.name)")
      #expect(census.encryptedBytes == 0, "\(image) \(volume.name) is unencrypted")
      #expect(census.compressedBytes == want.compressed, "\(image) \(volume.name) compressed")
    }
  }

  /// The images hold compressed files, so the test above checks the decmpfs path, not just data streams.
  @Test func theImagesHoldCompressedFiles() throws {
    let figures = try Self.dissectFigures(try RealImages.dissect("case_insensitive.bin"))
    #expect(figures.values.contains { $0.compressed > 0 })
  }
}
