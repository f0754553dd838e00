import Foundation
import TestSupport
import Testing

/// Every command's JSON comes from its report model: schema ids, nulls kept; an empty image is a scan result.
@Suite struct ModelOutputTests {
  static func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func scanOfAnEmptyFileReportsAnEmptyImage() throws {
    let path = try Scratch.file([], name: "empty.img")
    let text = try RingoBinary.run(["scan", path])
    #expect(text.status == 0, "stderr: \(text.err)")
    #expect(text.out.contains("empty image: the file holds 0 bytes"))
    let json = try RingoBinary.run(["scan", "--format", "json", path])
    #expect(json.status == 0)
    let object = try Self.object(json.out)
    #expect(object["schema"] as? String == "ringo.scan/1")
    #expect(object["empty"] as? Bool == true)
    #expect(object["scanned_bytes"] as? Int == 0)
  }

  @Test func scanJSONOfASample() throws {
    let path = RealImages.packageRoot.appendingPathComponent("Samples/macos.img").path
    let result = try RingoBinary.run(["scan", "--format", "json", path])
    #expect(result.status == 0, "stderr: \(result.err)")
    let object = try Self.object(result.out)
    #expect(object["empty"] as? Bool == false)
    #expect(object["scanned_bytes"] as? Int == 8 << 20)
    #expect((object["classes"] as? [[String: Any]])?.count == 6)
  }

  @Test func dmgJSONKeepsNullsAndMatchesTheText() throws {
    let image = RingoBinary.fixtures.appendingPathComponent("hdimac_test-disk-image-apfs.dmg").path
    let result = try RingoBinary.run(["dmg", "--format", "json", image])
    #expect(result.status == 0, "stderr: \(result.err)")
    let object = try Self.object(result.out)
    #expect(object["schema"] as? String == "ringo.dmg/1")
    #expect(object["kind"] as? String == "udif")
    #expect(object["aea"] is NSNull)
    #expect(object["encrcdsa"] is NSNull)
    let udif = try #require(object["udif"] as? [String: Any])
    #expect(udif["expanded_size_bytes"] as? Int == 10_537_472)
    #expect(udif["sha256"] is NSNull)
    let markdown = try RingoBinary.run(["dmg", "--format", "markdown", image])
    #expect(markdown.status == 2)
  }

  @Test func img4JSONOfTheRealTicket() throws {
    let ticket = RingoBinary.fixtures.deletingLastPathComponent().appendingPathComponent("img4/IM4M").path
    let result = try RingoBinary.run(["ipsw", "img4", "--format", "json", ticket])
    #expect(result.status == 0, "stderr: \(result.err)")
    let object = try Self.object(result.out)
    #expect(object["schema"] as? String == "ringo.img4/1")
    #expect(object["payload"] is NSNull)
    #expect(((object["manifest"] as? [String: Any])?["signature"] as? [String: Any])?["status"] as? String == "valid")
  }
}
