import Foundation
import TestSupport
import Testing

/// `ringo batch`: one report per file of an evidence folder, a summary, and an evidence folder left as it was.
@Suite struct BatchTests {
  /// An evidence folder with the committed samples, a text file, an empty file, a link and a subfolder.
  static func evidenceFolder() throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-batch-\(UUID().uuidString)")
    let folder = root.appendingPathComponent("evidence")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("case 7"), withIntermediateDirectories: true)
    let samples = RealImages.packageRoot.appendingPathComponent("Samples")
    try FileManager.default.copyItem(
      at: samples.appendingPathComponent("ios-full.img"), to: folder.appendingPathComponent("ios-full.img"))
    try FileManager.default.copyItem(
      at: samples.appendingPathComponent("macos.img"), to: folder.appendingPathComponent("case 7/macos.img"))
    try Data("not an image\n".utf8).write(to: folder.appendingPathComponent("notes.txt"))
    try Data().write(to: folder.appendingPathComponent("empty.img"))
    try FileManager.default.createSymbolicLink(
      atPath: folder.appendingPathComponent("link.img").path, withDestinationPath: "/etc/hostname")
    return folder.path
  }

  /// Names, sizes and modification times of everything under `folder`.
  static func listing(_ folder: String) throws -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: folder)
    var lines: [String] = []
    while let name = enumerator?.nextObject() as? String {
      let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)
      let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
      lines.append("\(name) \(attributes[.size] ?? 0) \(modified)")
    }
    return lines.sorted()
  }

  static func json(_ path: String) throws -> [String: Any] {
    let data = try #require(FileManager.default.contents(atPath: path))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test func reportsEveryFileAndLeavesTheEvidenceAlone() throws {
    let evidence = try Self.evidenceFolder()
    let before = try Self.listing(evidence)
    let output = URL(fileURLWithPath: evidence).deletingLastPathComponent().appendingPathComponent("reports").path
    let (status, text) = try CLITests.run(["batch", "--no-hash", "--jobs", "2", evidence, "-o", output])
    #expect(status == 0, "\(text)")
    #expect(try Self.listing(evidence) == before)

    let summary = try Self.json(output + "/summary.json")
    #expect(summary["schema"] as? String == "ringo.batch/1")
    let files = try #require(summary["files"] as? [[String: Any]])
    #expect(files.map { $0["path"] as? String } == ["case 7/macos.img", "empty.img", "ios-full.img", "link.img", "notes.txt"])
    let byPath = Dictionary(uniqueKeysWithValues: files.map { ($0["path"] as! String, $0) })
    #expect(byPath["ios-full.img"]?["verdict"] as? String == "unrecoverable-without-vendor")
    #expect((byPath["ios-full.img"]?["findings"] as? [String])?.contains("low-free-space") == true)
    #expect(byPath["case 7/macos.img"]?["verdict"] as? String == "recoverable")
    #expect(byPath["notes.txt"]?["verdict"] as? String == "not-apfs")
    #expect(byPath["empty.img"]?["verdict"] as? String == "not-apfs")
    #expect(byPath["link.img"]?["status"] as? String == "skipped")
    #expect(byPath["link.img"]?["message"] as? String == "symbolic link (not followed)")

    // Each report is the full ringo.triage/1 report of that file, at the mirrored path.
    let report = try Self.json(output + "/reports/case 7/macos.img.report.json")
    #expect((report["verdict"] as? [String: Any])?["class"] as? String == "recoverable")
    #expect((report["evidence"] as? [String: Any])?["path"] as? String == evidence + "/case 7/macos.img")
    #expect(FileManager.default.fileExists(atPath: output + "/summary.txt"))
    #expect(text.contains("Verdicts: not-apfs 2, recoverable 1, unrecoverable-without-vendor 1"))
  }

  @Test func customerCopiesInJapaneseBesideEachReport() throws {
    let evidence = try Self.evidenceFolder()
    let output = URL(fileURLWithPath: evidence).deletingLastPathComponent().appendingPathComponent("reports").path
    let (status, text) = try CLITests.run(["batch", "--no-hash", "--also", "text", "--lang", "ja", evidence, "-o", output])
    #expect(status == 0, "\(text)")
    let copy = try #require(FileManager.default.contents(atPath: output + "/reports/ios-full.img.report.txt"))
    #expect(String(decoding: copy, as: UTF8.self).contains("判定: unrecoverable-without-vendor"))
    #expect(FileManager.default.fileExists(atPath: output + "/reports/case 7/macos.img.report.txt"))
    #expect(!FileManager.default.fileExists(atPath: output + "/reports/link.img.report.txt"))  // skipped: no report
  }

  @Test func triageWritesExtraCopiesButNeverBesideTheEvidence() throws {
    let evidence = try Self.evidenceFolder()
    let image = evidence + "/ios-full.img"
    let out = URL(fileURLWithPath: evidence).deletingLastPathComponent()
    let (status, text) = try CLITests.run([
      "triage", "--no-hash", "--format", "json", "-o", out.appendingPathComponent("r.json").path, "--also-write",
      out.appendingPathComponent("r.md").path, "--also-write", out.appendingPathComponent("r.txt").path, image,
    ])
    #expect(status == 0, "\(text)")
    let markdown = String(decoding: FileManager.default.contents(atPath: out.appendingPathComponent("r.md").path) ?? Data(), as: UTF8.self)
    let plain = String(decoding: FileManager.default.contents(atPath: out.appendingPathComponent("r.txt").path) ?? Data(), as: UTF8.self)
    #expect(markdown.hasPrefix("#"))
    #expect(plain.contains("Verdict: unrecoverable-without-vendor"))
    let before = try Self.listing(evidence)
    let (beside, _) = try CLITests.run(["triage", "--no-hash", "--also-write", evidence + "/copy.txt", image])
    #expect(beside == 2)
    let (unknown, _) = try CLITests.run(["triage", "--no-hash", "--also-write", out.appendingPathComponent("r.pdf").path, image])
    #expect(unknown == 2)
    #expect(try Self.listing(evidence) == before)
  }

  @Test func aFileThatRunsTooLongIsRecordedAndTheBatchExitsOne() throws {
    let evidence = try Self.evidenceFolder()
    let output = URL(fileURLWithPath: evidence).deletingLastPathComponent().appendingPathComponent("reports").path
    // A timeout no triage can meet: every child is stopped; none leaves a partial report behind.
    let (status, text) = try CLITests.run(["batch", evidence, "-o", output, "--timeout", "0.001"])
    #expect(status == 1, "\(text)")
    #expect(text.contains("4 of 4 files got no report"))
    let files = try #require(try Self.json(output + "/summary.json")["files"] as? [[String: Any]])
    #expect(files.filter { $0["status"] as? String == "timeout" }.count == 4)
    let reports = FileManager.default.enumerator(atPath: output)?.allObjects.compactMap { $0 as? String }
      .filter { $0.hasSuffix(".report.json") }
    #expect(reports == [])
  }

  @Test func anOutputFolderReachedThroughALinkIntoTheEvidenceIsRefused() throws {
    let evidence = try Self.evidenceFolder()
    let before = try Self.listing(evidence)
    let link = URL(fileURLWithPath: evidence).deletingLastPathComponent().appendingPathComponent("shortcut").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: evidence)
    for output in [link + "/out", link + "/a/b/out", evidence + "/../evidence/new"] {
      let (status, text) = try CLITests.run(["batch", "--no-hash", evidence, "-o", output])
      #expect(status == 2, "\(output): \(text)")
    }
    #expect(try Self.listing(evidence) == before)
  }

  @Test func noCommandWritesIntoTheEvidenceFolderThroughALink() throws {
    // One guard (EvidenceGuard) for every writer: a report, a customer copy and an SVG graph named through a link to
    // the evidence folder are all refused, and nothing appears there.
    let evidence = try Self.evidenceFolder()
    let before = try Self.listing(evidence)
    let link = URL(fileURLWithPath: evidence).deletingLastPathComponent().appendingPathComponent("alias").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: evidence)
    let image = evidence + "/ios-full.img"
    for arguments in [
      ["triage", "--no-hash", "-o", link + "/report.json", image],
      ["triage", "--no-hash", "--also-write", link + "/report.txt", image],
      ["scan", "--svg", link + "/entropy.svg", image],
      ["triage", "--no-hash", "-o", image, image],
    ] {
      let (status, text) = try CLITests.run(arguments)
      #expect(status == 2, "\(arguments): \(text)")
      #expect(text.contains("refusing"), "\(arguments): \(text)")
    }
    #expect(try Self.listing(evidence) == before)
  }

  @Test func evidenceNamedLikeTheSummaryDoesNotCollide() throws {
    let evidence = try Self.evidenceFolder()
    try FileManager.default.createDirectory(atPath: evidence + "/summary.json", withIntermediateDirectories: true)
    try Data("text".utf8).write(to: URL(fileURLWithPath: evidence + "/summary.json/summary.txt"))
    let output = URL(fileURLWithPath: evidence).deletingLastPathComponent().appendingPathComponent("reports").path
    let (status, text) = try CLITests.run(["batch", "--no-hash", evidence, "-o", output])
    #expect(status == 0, "\(text)")
    #expect(FileManager.default.fileExists(atPath: output + "/reports/summary.json/summary.txt.report.json"))
    #expect(try Self.json(output + "/summary.json")["schema"] as? String == "ringo.batch/1")
  }

  @Test func refusesOutputInsideTheEvidenceOrNotEmpty() throws {
    let evidence = try Self.evidenceFolder()
    let before = try Self.listing(evidence)
    let (inside, insideText) = try CLITests.run(["batch", evidence, "-o", evidence + "/case 7/reports"])
    #expect(inside == 2)
    #expect(insideText.contains("inside the evidence folder"))
    let (holding, _) = try CLITests.run(["batch", evidence + "/case 7", "-o", evidence])
    #expect(holding == 2)
    let used = URL(fileURLWithPath: evidence).deletingLastPathComponent().appendingPathComponent("used").path
    try FileManager.default.createDirectory(atPath: used, withIntermediateDirectories: true)
    try Data("earlier".utf8).write(to: URL(fileURLWithPath: used + "/summary.json"))
    let (notEmpty, notEmptyText) = try CLITests.run(["batch", evidence, "-o", used])
    #expect(notEmpty == 2)
    #expect(notEmptyText.contains("not empty"))
    #expect(try Self.listing(evidence) == before)
    #expect(String(decoding: FileManager.default.contents(atPath: used + "/summary.json") ?? Data(), as: UTF8.self) == "earlier")
  }
}
