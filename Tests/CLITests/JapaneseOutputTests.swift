import Foundation
import IPSWTestSupport
import TestSupport
import Testing

/// `--lang ja` output of every command that prints labels: no English words except names from the evidence, codes
/// and units (``StrayEnglish``). `ls` and `cat` print only evidence names and figures.
@Suite struct JapaneseOutputTests {
  static func sample(_ name: String) -> String {
    RealImages.packageRoot.appendingPathComponent("Samples/\(name)").path
  }

  /// Volume names of the samples and the onekey sample's stored passphrase hint (evidence names).
  static let volumeNames = ["Macintosh HD - Data", "Macintosh HD", "Preboot", "Recovery", "VM", "System", "Data",
                            "Update", "xART", "Hardware", "Baseband Data", "Encrypted HD", "ringo-forge test password"]

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

  /// An E01 set made by the real ewfacquire: its segment files, acquisition metadata and digests, in both languages.
  @Test func triageOfAnE01ShowsTheEWFFactsInBothLanguages() throws {
    let raw = try RealImages.dissect("snapshot.bin")
    let target = URL(fileURLWithPath: try Scratch.file([], name: "placeholder")).deletingLastPathComponent()
      .appendingPathComponent("acquired").path
    let (status, output) = try RealImages.run(
      "ewfacquire", ["-u", "-q", "-t", target, "-C", "CASE-7", "-e", "Examiner", "-E", "EV-1", "-D", "disk-one", "-N", "note-one",
                     "-d", "sha1", "-c", "deflate:fast", "-S", "1MiB", raw])
    #expect(status == 0, "\(output)")
    let e01 = target + ".E01"
    for format in ["text", "markdown"] {
      let (_, english) = try CLITests.run(["triage", "--format", format, e01])
      for expected in ["segment files: acquired.E01", "case number", "CASE-7", "examiner", "acquired with",
                       "stored digests", "MD5 ", "SHA-1 ", "yes: the media read now matches"] {
        #expect(english.contains(expected) || english.contains(expected.replacingOccurrences(of: ": ", with: " | ")),
                "\(format): \(expected) missing in:\n\(english)")
      }
      let japanese = try expectJapanese(
        ["triage", "--lang", "ja", "--format", format, e01],
        names: ["acquired", "CASE-7", "Examiner", "EV-1", "disk-one", "note-one", "ewfacquire", "MD5", "SHA-1", "Snapshots"])
      #expect(japanese.contains("事件番号") && japanese.contains("一致: "), "\(japanese)")
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

  @Test func ipswInventory() throws {
    let dir = try makeTemporaryDirectory("ja-ipsw")
    defer { removeTemporaryDirectory(dir) }
    var builder = IPSWBuilder()
    builder.components = [
      ("KernelCache", .init(path: "kernelcache.release.iphone13", bytes: DERBuilder.im4p(
        type: "krnl", description: "KC",
        payload: [0xCF, 0xFA, 0xED, 0xFE] + Array("Darwin Kernel Version 23.4.0: test\u{0}".utf8)))),
      ("iBoot", .init(path: "Firmware/all_flash/iBoot.im4p",
                      bytes: DERBuilder.im4p(type: "ibot", description: "iBoot", payload: [1, 2, 3, 4, 5, 6, 7, 8]))),
    ]
    builder.wrongDigests = ["iBoot"]
    let path = dir + "/sample.ipsw"
    try builder.write(to: path)
    let (_, english) = try CLITests.run(["ipsw", path, "--capacity", "64"])
    // Names from the manifest: identity variants and behaviours, component names and paths.
    var names = ["Darwin Kernel Version 23.4.0: test", "KernelCache", "iBoot", "kernelcache.release.iphone13",
                 "Firmware/all_flash/iBoot.im4p", "MinimumSystemPartition", "SystemPartitionPadding"]
    for line in english.split(separator: "\n") where line.hasPrefix("  [") {
      // "  [0] Customer Erase Install (IPSW) / Erase  d53gap  board 0x... chip 0x..."
      let fields = line.dropFirst(6).components(separatedBy: "  ")
      if let identity = fields.first { names += identity.components(separatedBy: " / ") }
      if fields.count > 1 { names.append(fields[1]) }
    }
    // Manifest key paths the estimate comes from, and the IM4P types (four-character codes of the evidence).
    for line in english.split(separator: "\n") where line.hasPrefix("  from ") {
      names += line.dropFirst(7).components(separatedBy: "; ")
    }
    names += ["krnl", "ibot"]
    _ = try expectJapanese(["ipsw", "--lang", "ja", path, "--capacity", "64"], names: names)
  }

  @Test func batchSummary() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-ja-batch-\(UUID().uuidString)")
    let evidence = root.appendingPathComponent("evidence")
    try FileManager.default.createDirectory(at: evidence, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    for name in ["ios-full.img", "macos.img"] {
      try FileManager.default.copyItem(atPath: Self.sample(name), toPath: evidence.appendingPathComponent(name).path)
    }
    try Data("not an image\n".utf8).write(to: evidence.appendingPathComponent("notes.txt"))
    let output = root.appendingPathComponent("reports").path
    let text = try expectJapanese(["batch", "--no-hash", "--lang", "ja", evidence.path, "-o", output],
                                  names: ["ios-full.img", "macos.img", "notes.txt"])
    #expect(text.contains("判定: "))
  }

  @Test func ipswImg4() throws {
    let image = RealImages.sharedFixtures.appendingPathComponent("img4/IMG4").path
    let (_, english) = try CLITests.run(["ipsw", "img4", image])
    // From the evidence: the payload type and description, manifest properties, certificate subjects and issuers.
    var names = ["test", "Test Image4 payload."]
    for line in english.split(separator: "\n").map(String.init) {
      if line.hasPrefix("  "), line.contains(" = ") { names += line.dropFirst(2).components(separatedBy: " = ") }
      for prefix in ["  certificate ", "    issuer "] where line.hasPrefix(prefix) {
        names.append(String(line.dropFirst(prefix.count)).components(separatedBy: ": ")[0])
      }
    }
    _ = try expectJapanese(["ipsw", "img4", "--lang", "ja", image], names: names)
  }
}
