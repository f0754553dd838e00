import Foundation
import IPSWTestSupport
import Testing

/// `ringo ipsw` end to end: the built binary on archives made in the temp directory and on the real IMG4 fixtures.
@Suite struct IPSWCommandTests {
  static let img4Fixtures = RingoBinary.fixtures.deletingLastPathComponent().appendingPathComponent("img4")

  func sampleIPSW(_ dir: String) throws -> String {
    var b = IPSWBuilder()
    b.components = [
      ("KernelCache", .init(path: "kernelcache.release.iphone13",
        bytes: DERBuilder.im4p(type: "krnl", description: "KC", payload: [0xCF, 0xFA, 0xED, 0xFE] + Array("Darwin Kernel Version 23.4.0: test\u{0}".utf8)))),
      ("iBoot", .init(path: "Firmware/all_flash/iBoot.im4p",
        bytes: DERBuilder.im4p(type: "ibot", description: "iBoot", payload: [1, 2, 3, 4, 5, 6, 7, 8]))),
    ]
    b.wrongDigests = ["iBoot"]
    let path = dir + "/sample.ipsw"
    try b.write(to: path)
    return path
  }

  @Test func inventoryJSONAndEvidenceUntouched() throws {
    let dir = try makeTemporaryDirectory("cli-ipsw")
    defer { removeTemporaryDirectory(dir) }
    let path = try sampleIPSW(dir)
    let before = try FileManager.default.attributesOfItem(atPath: path)
    let result = try RingoBinary.run(["ipsw", path, "--format", "json", "--capacity", "64"])
    #expect(result.status == 0, "stderr: \(result.err)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    #expect(json["schema"] as? String == "ringo.ipsw/1")
    #expect((json["kernelcache"] as? [String: Any])?["kernel_version"] as? String == "Darwin Kernel Version 23.4.0: test")
    let statuses = (json["components"] as? [[String: Any]])?.compactMap { $0["digest_status"] as? String }
    #expect(statuses?.sorted() == ["match", "mismatch", "no-digest"])
    #expect((json["space_estimate"] as? [String: Any])?["estimated_mib"] as? Int == 9640)
    let after = try FileManager.default.attributesOfItem(atPath: path)
    #expect(before[.modificationDate] as? Date == after[.modificationDate] as? Date)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["sample.ipsw"])  // nothing created beside it
    let text = try RingoBinary.run(["ipsw", path, "--skip-digests"])
    #expect(text.status == 0)
    #expect(text.out.contains("root-filesystem: 096-12345-001.dmg"))
  }

  @Test func extractRefusesEscapesAndFailsTheExitStatus() throws {
    let dir = try makeTemporaryDirectory("cli-extract")
    defer { removeTemporaryDirectory(dir) }
    let archive = dir + "/hostile.ipsw"
    let w = try ZIPWriter(path: archive)
    try w.add("../escape.txt", .stored(Array("x".utf8)))
    try w.add("ok/inside.txt", .stored(Array("y".utf8)))
    try w.finish()
    let result = try RingoBinary.run(["ipsw", "extract", archive, "-o", dir + "/out"])
    #expect(result.status == 1)
    #expect(result.out.contains("refused-name"))
    #expect(!FileManager.default.fileExists(atPath: dir + "/escape.txt"))
    #expect(FileManager.default.fileExists(atPath: dir + "/out/ok/inside.txt"))
  }

  @Test func img4SubcommandVerifiesTheRealTicket() throws {
    let result = try RingoBinary.run(["ipsw", "img4", Self.img4Fixtures.appendingPathComponent("IMG4").path])
    #expect(result.status == 0, "stderr: \(result.err)")
    #expect(result.out.contains("signature: valid (RSA-4096 PKCS#1 v1.5 SHA-384)"))
    #expect(result.out.contains("Apple Secure Boot Root CA - G2: unknown-issuer"))
    let nonce = try RingoBinary.run(["ipsw", "img4", Self.img4Fixtures.appendingPathComponent("IM4R").path])
    #expect(nonce.out.contains("BNCN = 7cd2c2e8aebb565f"))
  }

  @Test func notAnArchiveIsAnErrorOnStandardError() throws {
    let result = try RingoBinary.run(["ipsw", Self.img4Fixtures.appendingPathComponent("IM4M").path])
    #expect(result.status != 0)
    #expect(result.err.contains("end of central directory"))
  }
}
