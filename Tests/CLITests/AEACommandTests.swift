import Crypto
import Foundation
import IPSWTestSupport
import TestSupport
import Testing

/// `ringo triage X.dmg.aea --aea-key…` and `ringo ipsw extract X.aea --aea-key… -o DIR` on files written by
/// python-aea (an independent implementation; Apple never made these files) and on Apple's profile-0 fixture.
@Suite struct AEACommandTests {
  static func made() throws -> String {
    let folder = try UnlockCommandTests.directory()
    let script = RealImages.packageRoot.appendingPathComponent("Tests/DiskImageTests/Oracle/make_aea.py").path
    let python = ProcessInfo.processInfo.environment["RINGO_PYTHON"] ?? "python3"
    let (status, output) = try RealImages.run(
      python, [script, folder, try RealImages.fixture("dmg/hdimac_test-disk-image-apfs.dmg")])
    try #require(status == 0, "python-aea failed (pip install python-aea): \(output)")
    return folder
  }

  @Test func triageOfAnAEAWrappedDMGMatchesThePlainDMG() throws {
    let folder = try Self.made()
    let keyFile = folder + "/key"
    let wrapped = try UnlockCommandTests.run(
      ["triage", "--no-hash", "--format", "json", "--aea-key-file", keyFile, folder + "/apfs-dmg.aea"])
    #expect(wrapped.status == 0, "\(wrapped.stderr)")
    let plain = try UnlockCommandTests.run(
      ["triage", "--no-hash", "--format", "json", try RealImages.fixture("dmg/hdimac_test-disk-image-apfs.dmg")])
    let a = try #require(try JSONSerialization.jsonObject(with: Data(wrapped.stdout.utf8)) as? [String: Any])
    let b = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
    #expect((a["evidence"] as? [String: Any])?["format"] as? String == "aea")
    #expect((a["verdict"] as? [String: Any])?["class"] as? String == (b["verdict"] as? [String: Any])?["class"] as? String)
    let volumesA = (a["container"] as? [String: Any])?["volumes"] as? [[String: Any]]
    let volumesB = (b["container"] as? [String: Any])?["volumes"] as? [[String: Any]]
    #expect(volumesA?.first?["files"] as? Int == volumesB?.first?["files"] as? Int)
    #expect(volumesA?.first?["name"] as? String == "test-disk-image-apfs")
    // Nothing decrypted was written beside the archive.
    let listing = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    #expect(listing.allSatisfy { $0 == "key" || $0.hasSuffix(".aea") || $0.hasSuffix(".plain") })
    // The key never appears in the report.
    let key = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(!wrapped.stdout.contains(key) && !wrapped.stderr.contains(key))
  }

  /// Without a key the archive is reported as an encrypted wrapper; with a wrong key the report names the AEA root
  /// header and its offset (evidence format `aea`); neither is a crash or an unreadable-evidence exit.
  @Test func triageWithoutOrWithAWrongKeyReportsTheArchive() throws {
    let folder = try Self.made()
    let archive = folder + "/apfs-dmg.aea"
    let none = try UnlockCommandTests.run(["triage", "--no-hash", "--format", "json", archive])
    #expect(none.status == 0, "\(none.stderr)")
    let a = try #require(try JSONSerialization.jsonObject(with: Data(none.stdout.utf8)) as? [String: Any])
    #expect((a["verdict"] as? [String: Any])?["class"] as? String == "not-apfs")
    let wrongKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
    let wrong = try UnlockCommandTests.run(["triage", "--no-hash", "--format", "json", "--aea-key", wrongKey, archive])
    #expect(wrong.status == 0, "\(wrong.stderr)")
    let b = try #require(try JSONSerialization.jsonObject(with: Data(wrong.stdout.utf8)) as? [String: Any])
    #expect((b["evidence"] as? [String: Any])?["format"] as? String == "aea")
    let errors = (b["errors"] as? [[String: Any]]) ?? []
    #expect(errors.contains { ($0["message"] as? String)?.contains("AEA root header") == true && $0["offset"] is Int })
    #expect(!wrong.stdout.contains(wrongKey) && !wrong.stderr.contains(wrongKey))
  }

  @Test func extractWritesThePayloadAndAWrongKeyLeavesNothing() throws {
    let folder = try Self.made()
    let out = try UnlockCommandTests.directory() + "/out"
    let run = try UnlockCommandTests.run(
      ["ipsw", "extract", folder + "/clusters-lzfse-sha256.aea", "--aea-key-file", folder + "/key", "-o", out])
    #expect(run.status == 0, "\(run.stderr)")
    let written = try Data(contentsOf: URL(fileURLWithPath: out + "/clusters-lzfse-sha256"))
    #expect(written == (try Data(contentsOf: URL(fileURLWithPath: folder + "/clusters-lzfse-sha256.plain"))))
    let wrongKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
    let out2 = try UnlockCommandTests.directory() + "/out"
    let wrong = try UnlockCommandTests.run(
      ["ipsw", "extract", folder + "/clusters-lzfse-sha256.aea", "--aea-key", wrongKey, "-o", out2])
    #expect(wrong.status == 1)
    #expect(wrong.stderr.contains("AEA root header at offset 76"))
    #expect((try? FileManager.default.contentsOfDirectory(atPath: out2))?.isEmpty ?? true)
  }

  @Test func extractDecodesApplesProfileZeroFixture() throws {
    let out = try UnlockCommandTests.directory() + "/out"
    let run = try UnlockCommandTests.run(
      ["ipsw", "extract", try RealImages.fixture("aea/contactVerificationTest.shortcut"), "-o", out])
    #expect(run.status == 0, "\(run.stderr)")
    let data = try Data(contentsOf: URL(fileURLWithPath: out + "/contactVerificationTest.shortcut"))
    #expect(data.count == 145_341)
    #expect(SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            == "d1b1989c7d3f8a1fccf78dca5ff7582524cecc0d5df09750ea00bc64563f273b")
  }
}

extension AEACommandTests {
  /// `ringo ipsw FILE.ipsw --aea-key…` lists the volumes of a root filesystem stored as `.dmg.aea` (python-aea
  /// wrapping the real APFS DMG fixture; Apple never made this file).
  @Test func ipswInventoryReadsTheRootFilesystemInsideAEA() throws {
    let folder = try Self.made()
    var builder = IPSWBuilder()
    let wrapped = try Data(contentsOf: URL(fileURLWithPath: folder + "/apfs-dmg.aea"))
    builder.rootFilesystem = ("096-00000-001.dmg.aea", UInt64(wrapped.count))
    builder.rootFilesystemBytes = [UInt8](wrapped)
    let path = try UnlockCommandTests.directory() + "/root.ipsw"
    try builder.write(to: path)
    let run = try UnlockCommandTests.run(["ipsw", "--skip-digests", "--aea-key-file", folder + "/key", path])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("test-disk-image-apfs  role none  encryption none  allocated 32768 bytes"))
    let wrong = try UnlockCommandTests.run(
      ["ipsw", "--skip-digests", "--aea-key", Data(repeating: 7, count: 32).base64EncodedString(), path])
    #expect(wrong.stdout.contains("AEA root header") || wrong.stderr.contains("AEA root header"))
  }
}

extension AEACommandTests {
  /// `ls`, `stat`, `cat` and `map` take the same `--aea-key`/`--aea-key-file` options as `triage`: on the AEA-wrapped
  /// fixture DMG (python-aea; Apple never made this file) they print what they print for the plain DMG.
  @Test func volumeCommandsReadInsideAnAEAWrappedDMG() throws {
    let folder = try Self.made()
    let wrapped = folder + "/apfs-dmg.aea"
    let plain = try RealImages.fixture("dmg/hdimac_test-disk-image-apfs.dmg")
    let key = ["--aea-key-file", folder + "/key"]
    let listing = try UnlockCommandTests.run(["ls", "-R"] + key + [wrapped])
    #expect(listing.status == 0, "\(listing.stderr)")
    #expect(listing.stdout == (try UnlockCommandTests.run(["ls", "-R", plain])).stdout)
    // The first regular file of the listing: its metadata and bytes.
    let files = try UnlockCommandTests.run(["ls", "-R", "--format", "json"] + key + [wrapped])
    let entries = files.stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    let file = try #require(
      entries.first { ["regular", "file"].contains($0["type"] as? String) && ($0["size"] as? Int ?? 0) > 0 }?["path"]
        as? String, "\(files.stdout)")
    for command in [["stat"], ["cat"]] {
      let inside = try UnlockCommandTests.run(command + key + [wrapped, file])
      #expect(inside.status == 0, "\(command) \(inside.stderr)")
      #expect(inside.stdout == (try UnlockCommandTests.run(command + [plain, file])).stdout, "\(command)")
    }
    let map = try UnlockCommandTests.run(["map", "--summary"] + key + [wrapped])
    #expect(map.status == 0, "\(map.stderr)")
    #expect(map.stdout == (try UnlockCommandTests.run(["map", "--summary", plain])).stdout)
    // Without the key the archive is not opened: a clear failure, not a listing.
    let locked = try UnlockCommandTests.run(["ls", wrapped])
    #expect(locked.status != 0 && locked.stdout.isEmpty)
    #expect(!listing.stderr.contains(try String(contentsOfFile: folder + "/key", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)))
  }

  /// A segment tampered with late in the archive fails after earlier segments decoded: the partial output is removed.
  @Test func extractOfATamperedSegmentLeavesNoPlaintext() throws {
    let folder = try Self.made()
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/clusters-lzfse-sha256.aea")))
    bytes[bytes.count * 9 / 10] ^= 0x5A
    let tampered = folder + "/tampered.aea"
    try Data(bytes).write(to: URL(fileURLWithPath: tampered))
    let out = try UnlockCommandTests.directory() + "/out"
    let run = try UnlockCommandTests.run(["ipsw", "extract", tampered, "--aea-key-file", folder + "/key", "-o", out])
    #expect(run.status == 1)
    #expect(run.stderr.contains("nothing was written") && run.stderr.contains("offset"), "\(run.stderr)")
    #expect((try? FileManager.default.contentsOfDirectory(atPath: out))?.isEmpty ?? true)
  }
}

extension AEACommandTests {
  /// `--aea-public-key F` checks the ECDSA-P256 signature of Apple's profile-0 fixture: `evidence.aea.signature` is
  /// `verified` with the signer's key, `not-checked` without one, `invalid` (with a located error) with another key;
  /// `ipsw extract` with another key writes nothing.
  @Test func signatureOfApplesFixtureInTheReportAndOnExtract() throws {
    let fixture = try RealImages.fixture("aea/contactVerificationTest.shortcut")
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture)))
    let marker: [UInt8] = [0x4F, 0x10, 0x41, 0x04]  // the binary-plist data object of `SigningPublicKey`
    let start = try #require((0..<(bytes.count - 70)).first { Array(bytes[$0..<($0 + 4)]) == marker })
    let signer = try P256.Signing.PublicKey(x963Representation: bytes[(start + 3)..<(start + 68)])
    let folder = try UnlockCommandTests.directory()
    try signer.pemRepresentation.write(toFile: folder + "/signer.pem", atomically: true, encoding: .utf8)
    try Data(P256.Signing.PrivateKey().publicKey.derRepresentation).write(to: URL(fileURLWithPath: folder + "/other.der"))

    func aea(_ arguments: [String]) throws -> [String: Any] {
      let run = try UnlockCommandTests.run(["triage", "--no-hash", "--format", "json"] + arguments + [fixture])
      let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
      #expect((report["evidence"] as? [String: Any])?["format"] as? String == "aea")
      return report
    }
    let verified = try aea(["--aea-public-key", folder + "/signer.pem"])
    let facts = (verified["evidence"] as? [String: Any])?["aea"] as? [String: Any]
    #expect(facts?["signature"] as? String == "verified" && facts?["signer_matches_auth_data"] as? Bool == true)
    #expect(facts?["profile"] as? Int == 0)
    let unchecked = try aea([])
    #expect(((unchecked["evidence"] as? [String: Any])?["aea"] as? [String: Any])?["signature"] as? String == "not-checked")
    let invalid = try aea(["--aea-public-key", folder + "/other.der"])
    #expect(((invalid["evidence"] as? [String: Any])?["aea"] as? [String: Any])?["signature"] as? String == "invalid")
    let errors = (invalid["errors"] as? [[String: Any]]) ?? []
    #expect(errors.contains { ($0["message"] as? String)?.contains("signature") == true && $0["offset"] is Int })

    let out = try UnlockCommandTests.directory() + "/out"
    let good = try UnlockCommandTests.run(["ipsw", "extract", fixture, "--aea-public-key", folder + "/signer.pem", "-o", out])
    #expect(good.status == 0 && good.stdout.contains("signature verified"), "\(good.stdout) \(good.stderr)")
    let out2 = try UnlockCommandTests.directory() + "/out"
    let bad = try UnlockCommandTests.run(["ipsw", "extract", fixture, "--aea-public-key", folder + "/other.der", "-o", out2])
    #expect(bad.status == 1 && bad.stderr.contains("AEA signature at offset"), "\(bad.stderr)")
    #expect((try? FileManager.default.contentsOfDirectory(atPath: out2))?.isEmpty ?? true)
    // In Japanese the summary line has no English word (the status `written` and the signature state are codes).
    let out3 = try UnlockCommandTests.directory() + "/out"
    let ja = try UnlockCommandTests.run(["ipsw", "extract", "--lang", "ja", fixture, "-o", out3])
    #expect(ja.status == 0 && ja.stdout.contains("すべての MAC を検証済み") && ja.stdout.contains("署名 not-checked"))
    #expect(StrayEnglish.words(in: ja.stdout, names: ["contactVerificationTest.shortcut"], allowing: ["written"]).isEmpty,
            "\(ja.stdout)")
  }
}
