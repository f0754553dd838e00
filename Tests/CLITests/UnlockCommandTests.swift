import APFSForge
import Foundation
import TestSupport
import Testing

/// FileVault unlock from the command line: the ways a password comes in, the report's `unlock` object, the
/// wrong-password outcome (exit 4, report still written with the hint), and no secret in any output.
@Suite struct UnlockCommandTests {
  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs the built ringo without any inherited `RINGO_PASSWORD`.
  static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> Run {
    let result = try Subprocess.run(
      CLITests.ringo, arguments, input: stdin.map { Array($0.utf8) }, environment: environment,
      removing: ["RINGO_PASSWORD"])
    return Run(status: result.status, stdout: result.output, stderr: result.errors)
  }

  /// A new empty temporary folder.
  static func directory() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-unlock-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.path
  }

  static func passwordFile(_ password: String) throws -> String {
    try Scratch.file(Array((password + "\n").utf8))
  }

  static func volume(_ json: String) throws -> [String: Any] {
    let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let container = try #require(report["container"] as? [String: Any])
    return try #require((container["volumes"] as? [[String: Any]])?.first)
  }

  static func verdict(_ json: String) throws -> [String: Any] {
    let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    return try #require(report["verdict"] as? [String: Any])
  }

  @Test func triageWithPasswordFileReportsTheUnlock() throws {
    let image = try RealImages.dissect("encrypted.bin")
    let run = try Self.run(["triage", "--no-hash", "--format", "json", "--password-file", try Self.passwordFile("password"), image])
    #expect(run.status == 0, "\(run.stderr)")
    let volume = try Self.volume(run.stdout)
    let unlock = try #require(volume["unlock"] as? [String: Any])
    #expect(unlock["state"] as? String == "unlocked")
    #expect(unlock["method"] as? String == "password")
    #expect(unlock["hint"] as? String == "It's 'password'")
    #expect((unlock["kek_entries"] as? [String: Int])?["password"] == 1)
    let user = try #require(unlock["user_uuid"] as? String)
    #expect(volume["counts_source"] as? String == "tree")
    #expect(volume["files"] as? Int == 19)
    let verdict = try Self.verdict(run.stdout)
    #expect(verdict["class"] as? String == "recoverable-with-credentials")
    let reasons = (verdict["reasons"] as? [String]) ?? []
    #expect(reasons.contains { $0.contains("unlocked with the supplied password (user \(user))") && $0.contains("19 files") })
  }

  @Test func wrongPasswordIsExitFourWithTheReportWritten() throws {
    let image = try RealImages.dissect("jhfs_encrypted.bin")
    let report = try Self.directory() + "/report.json"
    let run = try Self.run(["triage", "--no-hash", "--format", "json", "-o", report, image],
                           environment: ["RINGO_PASSWORD": "not-the-password"])
    #expect(run.status == 4)
    #expect(run.stderr.contains("did not unlock"))
    let json = try String(contentsOfFile: report, encoding: .utf8)
    let unlock = try #require(try Self.volume(json)["unlock"] as? [String: Any])
    #expect(unlock["state"] as? String == "wrong-credentials")
    #expect((unlock["kek_entries"] as? [String: Int])?["hfs-converted"] ?? 0 >= 1)
    #expect(try Self.verdict(json)["class"] as? String == "recoverable-with-credentials")
    // ls refuses with the same exit code.
    let ls = try Self.run(["ls", image, "/"], environment: ["RINGO_PASSWORD": "not-the-password"])
    #expect(ls.status == 4)
  }

  @Test func withoutCredentialsTheReportShowsHintAndEntries() throws {
    let image = try RealImages.dissect("encrypted.bin")
    let run = try Self.run(["triage", "--no-hash", "--format", "json", image])
    #expect(run.status == 0)
    let unlock = try #require(try Self.volume(run.stdout)["unlock"] as? [String: Any])
    #expect(unlock["state"] as? String == "locked")
    #expect(unlock["hint"] as? String == "It's 'password'")
    let reasons = (try Self.verdict(run.stdout)["reasons"] as? [String]) ?? []
    #expect(reasons.contains { $0.contains("1 user password entry") && $0.contains("It's 'password'") })
  }

  @Test func passwordFromStandardInputAndTheCommandLineWarning() throws {
    let image = try RealImages.dissect("encrypted.bin")
    let stdin = try Self.run(["stat", "--password", "-", image, "/.fseventsd/fseventsd-uuid"], stdin: "password\n")
    #expect(stdin.status == 0, "\(stdin.stderr)")
    #expect(stdin.stdout.contains("36"))
    #expect(!stdin.stderr.contains("warning"))
    let inline = try Self.run(["cat", "--password", "password", image, "/.fseventsd/fseventsd-uuid"])
    #expect(inline.status == 0)
    #expect(inline.stderr.contains("warning: a password on the command line"))
    #expect(inline.stdout.count == 36)
    let both = try Self.run(["ls", "--password", "a", "--recovery-key", "b", image, "/"])
    #expect(both.status == 2)
  }

  @Test func mapClassifiesTheUnlockedVolume() throws {
    let image = try RealImages.dissect("encrypted.bin")
    let locked = try Self.run(["map", "--summary", image])
    let unlocked = try Self.run(["map", "--summary", "--password-file", try Self.passwordFile("password"), image])
    #expect(unlocked.status == 0, "\(unlocked.stderr)")
    func bytes(_ out: String, _ name: String) -> Int {
      out.split(separator: "\n").compactMap { line -> Int? in
        let f = line.split(separator: "\t")
        return f.count == 3 && f[0] == name ? Int(f[1]) : nil
      }.first ?? 0
    }
    #expect(bytes(unlocked.stdout, "file-encrypted") > 0)
    #expect(bytes(unlocked.stdout, "unknown") < bytes(locked.stdout, "unknown"))
  }

  /// Every output of every command, with right and wrong passwords given every way, never holds the password.
  @Test func thePasswordNeverAppearsInAnyOutput() throws {
    let image = try Self.directory() + "/onekey.img"
    let folder = try Self.directory()
    let secret = "Qx7-very-secret-phrase"
    var spec = Preset.onekey.spec(seed: 9, size: nil, free: nil, files: nil)
    spec.password = secret
    _ = try APFSForger.forge(spec, to: image)
    let file = try Self.passwordFile(secret)
    let wrongFile = try Self.passwordFile(secret + "-wrong")
    var outputs: [String] = []
    for (index, credentials) in [["--password-file", file], ["--password-file", wrongFile], ["--password", secret]]
      .enumerated()
    {
      for format in ["text", "json", "markdown"] {
        let report = folder + "/r\(index).\(format)"
        let run = try Self.run(["triage", "--format", format, "-o", report] + credentials + [image])
        outputs += [run.stdout, run.stderr, (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""]
      }
      for command in [["ls", "-R"], ["stat"], ["map"]] {
        let run = try Self.run(command + credentials + [image] + (command[0] == "map" ? [] : ["/"]))
        outputs += [run.stdout, run.stderr]
      }
    }
    let viaStdin = try Self.run(["triage", "--password", "-", image], stdin: secret + "\n")
    let viaEnv = try Self.run(["triage", "--format", "json", image], environment: ["RINGO_PASSWORD": secret])
    outputs += [viaStdin.stdout, viaStdin.stderr, viaEnv.stdout, viaEnv.stderr]
    #expect(viaEnv.stdout.contains("\"state\" : \"unlocked\"") || viaEnv.stdout.contains("\"state\":\"unlocked\""))
    for output in outputs {
      #expect(!output.contains(secret))
      #expect(!output.contains("very-secret"))
    }
  }
}
