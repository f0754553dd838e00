import Foundation
import TestSupport
import Testing

/// The `ringo` executable as a technician runs it: exit codes, formats, refusal to write beside evidence.
@Suite struct CLITests {
  /// The built `ringo` binary, beside the test bundle in the build folder.
  static var ringo: String {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.path != "/" {
      let candidate = url.deletingLastPathComponent().appendingPathComponent("ringo")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
      url = url.deletingLastPathComponent()
    }
    return RealImages.packageRoot.appendingPathComponent(".build/debug/ringo").path
  }

  /// Runs the built binary; the output is standard output followed by standard error.
  static func run(_ arguments: [String]) throws -> (Int32, String) {
    let result = try Subprocess.run(ringo, arguments)
    return (result.status, result.combined)
  }

  @Test func exitCodeZeroForEveryVerdict() throws {
    for image in ["case_insensitive.bin", "encrypted.bin", "corrupt.bin"] {
      let (status, output) = try Self.run(["triage", "--no-hash", try RealImages.dissect(image)])
      #expect(status == 0, "\(output)")
      #expect(output.contains("Verdict: "))
    }
    let text = try Scratch.file(Array("not an image".utf8))
    let (status, output) = try Self.run(["triage", text])
    #expect(status == 0)
    #expect(output.contains("Verdict: not-apfs"))
  }

  @Test func exitCodeThreeWhenTheEvidenceCannotBeOpened() throws {
    let (status, output) = try Self.run(["triage", "/nonexistent/evidence.img"])
    #expect(status == 3)
    #expect(output.contains("cannot open /nonexistent/evidence.img"))
  }

  @Test func exitCodeTwoForUsageErrors() throws {
    let image = try RealImages.dissect("case_insensitive.bin")
    for arguments in [["triage"], ["triage", "--lang", "fr", image], ["triage", "--min-free", "lots", image],
                      ["triage", "--format", "pdf", image], ["frobnicate"]] {
      let (status, output) = try Self.run(arguments)
      #expect(status == 2, "\(arguments): \(output)")
    }
  }

  @Test func refusesToWriteIntoTheEvidenceFolder() throws {
    let image = try Scratch.mutatedCopy(of: try RealImages.dissect("case_insensitive.bin")) { _ in }
    let beside = URL(fileURLWithPath: image).deletingLastPathComponent().appendingPathComponent("report.json").path
    let (status, output) = try Self.run(["triage", "--format", "json", "-o", beside, image])
    #expect(status == 2)
    #expect(output.contains("refusing"))
    #expect(!FileManager.default.fileExists(atPath: beside))
  }

  @Test func writesJSONMarkdownAndJapaneseText() throws {
    let image = try RealImages.dissect("encrypted.bin")
    let folder = URL(fileURLWithPath: try Scratch.file([], name: "x")).deletingLastPathComponent()
    let json = folder.appendingPathComponent("r.json").path
    #expect(try Self.run(["triage", "--format", "json", "--no-hash", "-o", json, image]).0 == 0)
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
    #expect((object?["verdict"] as? [String: Any])?["class"] as? String == "recoverable-with-credentials")
    let (_, markdown) = try Self.run(["triage", "--format", "markdown", "--no-hash", image])
    #expect(markdown.hasPrefix("# Ringo triage report"))
    let (_, japanese) = try Self.run(["triage", "--lang", "ja", "--no-hash", image])
    #expect(japanese.contains("判定: recoverable-with-credentials"))
  }

  @Test func helpListsExamplesAndExitCodes() throws {
    let (status, output) = try Self.run(["--help"])
    #expect(status == 0)
    #expect(output.contains("Exit codes: 0 a report was produced"))
    #expect(output.contains("triage"))
    let (triageStatus, triageHelp) = try Self.run(["triage", "--help"])
    #expect(triageStatus == 0)
    #expect(triageHelp.contains("--min-free"))
    #expect(triageHelp.contains("Examples:"))
  }
}
