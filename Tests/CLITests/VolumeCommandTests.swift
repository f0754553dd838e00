import Crypto
import Foundation
import TestSupport
import Testing

/// `ringo ls`, `stat`, `cat` and `map` as a technician runs them.
@Suite struct VolumeCommandTests {
  static var sample: String { RealImages.packageRoot.appendingPathComponent("Samples/ios-full.img").path }

  @Test func lsRecursiveListsTypesInodesSizesAndPaths() throws {
    let (status, output) = try CLITests.run(["ls", "-R", try RealImages.dissect("case_insensitive.bin")])
    #expect(status == 0)
    let lines = output.split(separator: "\n")
    #expect(lines.contains { $0.hasPrefix("r ") && $0.hasSuffix("\t/dir/file") })
    #expect(lines.contains { $0.hasPrefix("d ") && $0.hasSuffix("\t/.fseventsd") })
    #expect(lines.contains { $0.hasPrefix("l ") && $0.hasSuffix("\t/symlink-dir") })
    #expect(lines.contains { $0.hasSuffix("\t7873\t/dir/compressed-lzfse-fork") })  // the uncompressed size
  }

  @Test func catStreamsDecompressedContents() throws {
    let image = try RealImages.dissect("case_insensitive.bin")
    let result = try Subprocess.run(CLITests.ringo, ["cat", image, "/dir/compressed-lzvn-fork"])
    let data = result.standardOutput
    #expect(result.status == 0)
    #expect(SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            == "5f46d97f947137dcf974fc19914c547acd18fcdb25124c846c1100f8b3fbca5f")
  }

  @Test func catRefusesPerFileEncryptedDataWithExitOne() throws {
    let (_, listing) = try CLITests.run(["ls", "-R", "--volume", "Data", Self.sample])
    let file = try #require(listing.split(separator: "\n").first { $0.hasPrefix("r ") && !$0.contains("\t0\t") })
    let path = String(file.split(separator: "\t").last!)
    let (status, output) = try CLITests.run(["cat", "--volume", "Data", Self.sample, path])
    #expect(status == 1)
    #expect(output.contains("encrypted"))
    let (statStatus, stat) = try CLITests.run(["stat", "--volume", "Data", Self.sample, path])
    #expect(statStatus == 0)
    #expect(stat.contains("crypto:      id"))
    #expect(stat.contains("class "))
  }

  @Test func missingPathIsExitOne() throws {
    let (status, output) = try CLITests.run(["stat", Self.sample, "/no/such/file"])
    #expect(status == 1)
    #expect(output.contains("no such path"))
  }

  @Test func mapSummaryAddsUpToTheContainer() throws {
    let (status, output) = try CLITests.run(["map", "--summary", Self.sample])
    #expect(status == 0)
    var total = 0
    for line in output.split(separator: "\n") {
      let fields = line.split(separator: "\t")
      if fields.count == 3, let bytes = Int(fields[1]) { total += bytes }
    }
    #expect(total == 8 << 20)
    #expect(output.contains("file-encrypted\t"))
  }
}
