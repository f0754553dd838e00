import Foundation
import TestSupport
import Testing

/// The progress line: shown on a terminal (run under a pseudo-terminal with util-linux `script`), absent when
/// standard error is not one or with `--quiet`, one JSON object a second with `--progress json`.
@Suite struct ProgressTests {
  /// A 488 MiB dissect image: hashed, then scanned (`--scan`), which takes more than a second in a debug build.
  static func image() throws -> String { try RealImages.dissect("jhfs_encrypted.bin") }

  static func outputFile() throws -> String {
    URL(fileURLWithPath: try Scratch.file([], name: "placeholder")).deletingLastPathComponent()
      .appendingPathComponent("report.json").path
  }

  /// Runs ringo with separate standard output and standard error pipes (neither a terminal).
  static func runPiped(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let result = try Subprocess.run(CLITests.ringo, arguments)
    return (result.status, result.output, result.errors)
  }

  func underTerminal(_ extra: [String], lang: String = "en") throws -> String {
    let command = ([CLITests.ringo, "triage", "--scan", "--format", "json", "--lang", lang, "-o", try Self.outputFile()] + extra
      + [try Self.image()]).map { "'" + $0 + "'" }.joined(separator: " ")
    let (status, output) = try RealImages.run("script", ["-qec", command, "/dev/null"])
    #expect(status == 0, "\(output)")
    return output
  }

  @Test func aTerminalSeesTheProgressLine() throws {
    let output = try underTerminal([])
    #expect(output.contains("reading the evidence"), "\(output)")
    #expect(output.contains("MiB/s"))
    #expect(output.contains(" of 488.2 MiB"))  // 511,958,528 bytes
  }

  @Test func theProgressLineIsJapaneseWithLangJa() throws {
    let output = try underTerminal([], lang: "ja")
    #expect(output.contains("証拠を読み込み中"), "\(output)")
    #expect(output.contains("MiB/秒"))
    #expect(!output.contains("reading"))
  }

  @Test func quietPrintsNothingEvenOnATerminal() throws {
    let output = try underTerminal(["--quiet"])
    #expect(!output.contains("MiB/s"), "\(output)")
  }

  @Test func withoutATerminalStandardErrorStaysEmpty() throws {
    let result = try Self.runPiped(["triage", "--format", "json", "-o", try Self.outputFile(), try Self.image()])
    #expect(result.status == 0)
    #expect(result.stderr.isEmpty, "\(result.stderr)")
  }

  @Test func jsonProgressIsOneObjectPerLine() throws {
    let result = try Self.runPiped(
      ["triage", "--format", "json", "--progress", "json", "-o", try Self.outputFile(), try Self.image()])
    #expect(result.status == 0)
    let lines = result.stderr.split(separator: "\n")
    #expect(!lines.isEmpty)
    for line in lines {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      #expect((object["total_bytes"] as? Int) == 511_958_528)
      #expect(object["done_bytes"] is Int)
    }
  }

  /// Runs `arguments` under a pseudo-terminal (util-linux `script`) and returns what the terminal saw.
  static func terminal(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let command = ([CLITests.ringo] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
    return try RealImages.run("script", ["-qec", command, "/dev/null"])
  }

  @Test func scanShowsItsProgressOnATerminalOnly() throws {
    let image = try Self.image()
    let (status, output) = try Self.terminal(["scan", "--format", "json", image])
    #expect(status == 0, "\(output)")
    #expect(output.contains("scanning"), "\(output.suffix(500))")
    #expect(output.contains(" of 488.2 MiB"))
    let piped = try Self.runPiped(["scan", "--format", "json", image])
    #expect(piped.status == 0)
    #expect(piped.stderr.isEmpty, "\(piped.stderr)")
    let quiet = try Self.terminal(["scan", "--quiet", "--format", "json", image])
    #expect(!quiet.output.contains("MiB/s"))
  }

  @Test func batchShowsTheFileBeingTriaged() throws {
    let folder = URL(fileURLWithPath: try Scratch.file([], name: "placeholder")).deletingLastPathComponent()
      .appendingPathComponent("evidence")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let name = "big-dump.bin"
    try FileManager.default.createSymbolicLink(
      atPath: folder.appendingPathComponent("link").path, withDestinationPath: "/nonexistent")
    try FileManager.default.copyItem(atPath: try Self.image(), toPath: folder.appendingPathComponent(name).path)
    let out = folder.deletingLastPathComponent().appendingPathComponent("batch-out").path
    let (_, output) = try Self.terminal(["batch", "--scan", folder.path, "-o", out])
    #expect(output.contains(name + " "), "\(output.suffix(800))")
    #expect(output.contains(" of 488.2 MiB"))
    let piped = try Self.runPiped(["batch", folder.path, "-o", out + "-2"])
    #expect(piped.stderr.isEmpty, "\(piped.stderr)")
  }
}
