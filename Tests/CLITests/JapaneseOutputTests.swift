import Foundation
import TestSupport
import Testing

/// `--lang ja` output of every command that prints labels: no English words except names from the evidence, codes
/// and units (``StrayEnglish``). `ls` and `cat` print only evidence names and figures; `ipsw` is not checked yet.
@Suite struct JapaneseOutputTests {
  static func sample(_ name: String) -> String {
    RealImages.packageRoot.appendingPathComponent("Samples/\(name)").path
  }

  /// Volume names of the samples (evidence names).
  static let volumeNames = ["Macintosh HD - Data", "Macintosh HD", "Preboot", "Recovery", "VM", "System", "Data",
                            "Update", "xART", "Hardware", "Baseband Data", "Encrypted HD"]

  func expectJapanese(_ arguments: [String], names: [String] = [], file: String = #filePath, line: Int = #line)
    throws -> String
  {
    let (status, output) = try CLITests.run(arguments)
    #expect(status == 0, "\(arguments): \(output)")
    #expect(output.unicodeScalars.contains { $0.value >= 0x3000 }, "\(arguments): no Japanese at all")
    let stray = StrayEnglish.words(in: output, names: names + Self.volumeNames + arguments)
    #expect(stray.isEmpty, "\(arguments): English words \(Set(stray).sorted()) in:\n\(output)")
    return output
  }

  @Test(arguments: ["ios-full.img", "ios-healthy.img", "onekey.img", "macos.img"])
  func triageTextAndMarkdown(sample: String) throws {
    let path = Self.sample(sample)
    for format in ["text", "markdown"] {
      _ = try expectJapanese(["triage", "--no-hash", "--lang", "ja", "--format", format, path])
    }
  }

  @Test func triageOfABrokenTreeAndOfANonAPFSFile() throws {
    let text = try Scratch.file(Array(repeating: 0x41, count: 8192))
    _ = try expectJapanese(["triage", "--no-hash", "--lang", "ja", text])
  }

  @Test func mapAndScan() throws {
    let path = Self.sample("macos.img")
    _ = try expectJapanese(["map", "--lang", "ja", path])
    _ = try expectJapanese(["scan", "--lang", "ja", path])
  }

  @Test func stat() throws {
    let image = try RealImages.dissect("case_insensitive.bin")
    let (_, listing) = try CLITests.run(["ls", "-R", image, "/"])
    let files = listing.split(separator: "\n").filter { $0.hasPrefix("r ") }
      .compactMap { $0.split(separator: "\t").last.map(String.init) }
    #expect(!files.isEmpty, "\(listing)")
    for file in files.prefix(8) {
      _ = try expectJapanese(["stat", "--lang", "ja", image, file], names: [file, "Case Insensitive"])
    }
  }

  @Test func dmg() throws {
    let image = RealImages.sharedFixtures.appendingPathComponent("dmg/hdimac_test-disk-image-apfs.dmg").path
    let (_, english) = try CLITests.run(["dmg", image])
    // Partition names come from the image: "  0: id -1, sectors 0+1, 1 chunks, Protective Master Boot Record (MBR : 0)".
    let names = english.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains(" chunks, ") }
      .compactMap { $0.components(separatedBy: " chunks, ").last }
    #expect(!names.isEmpty, "\(english)")
    _ = try expectJapanese(["dmg", "--lang", "ja", image], names: names)
  }
}
