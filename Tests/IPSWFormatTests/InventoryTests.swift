import Foundation
import IPSWFormat
import IPSWTestSupport
import ImageAccess
import ReportModel
import Reporting
import Testing

@Suite("IPSW inventory and ringo.ipsw/1 JSON")
struct InventoryTests {
  @Test("inventory JSON: schema id, stable keys, nulls not omitted, ticket and estimate")
  func json() throws {
    let dir = try makeTemporaryDirectory("inventory")
    defer { removeTemporaryDirectory(dir) }
    var b = try IPSWTests.builder()
    b.wrongDigests = ["iBoot"]
    b.forceZIP64 = true
    try b.write(to: dir + "/x.ipsw")
    var options = IPSWInventory.Options()
    options.deviceCapacityGB = 64
    options.ticket = try Fixtures.sharedBytes("img4/IM4M")
    let inventory = IPSWInventory(ipsw: try IPSW(path: dir + "/x.ipsw"), path: dir + "/x.ipsw", options: options)
    // The format module gives the facts; the report layer models them (ringo.ipsw/1) and encodes them.
    let model = IPSWReport(inventory, toolVersion: "0.1.0")
    let text = try model.rendered(as: .json)
    #expect(try ReportJSON.decode(IPSWReport.self, from: Data(text.utf8)) == model)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object["schema"] as? String == "ringo.ipsw/1")
    #expect(Set(object.keys) == [
      "schema", "tool", "evidence", "archive", "product", "identities", "components", "digests_checked",
      "disk_images", "root_filesystem", "kernelcache", "img4_files", "ticket", "space_estimate", "errors",
      "root_filesystem_volumes", "root_filesystem_error",
    ])
    #expect(object["root_filesystem_volumes"] is NSNull)
    #expect((object["archive"] as? [String: Any])?["zip64"] as? Bool == true)
    let components = try #require(object["components"] as? [[String: Any]])
    let iboot = try #require(components.first { $0["name"] as? String == "iBoot" })
    #expect(iboot["digest_status"] as? String == "mismatch")
    #expect(iboot["digest_detail"] is NSNull)
    let kernel = try #require(object["kernelcache"] as? [String: Any])
    #expect((kernel["kernel_version"] as? String)?.hasPrefix("Darwin Kernel Version") == true)
    #expect(kernel["payload_format"] as? String == "complzss")
    let ticket = try #require(object["ticket"] as? [String: Any])
    #expect((ticket["signature"] as? [String: Any])?["status"] as? String == "valid")
    #expect(ticket["matched_identity"] is NSNull)  // the fixture ticket is for another board/chip
    // Forcing an identity compares its digests with the ticket's: this build's digests are not in that ticket's.
    options.ticketIdentity = 1
    let forced = IPSWInventory(ipsw: try IPSW(path: dir + "/x.ipsw"), path: "x", options: options)
    #expect(forced.ticket?.matchedIdentity == 1)
    let kernel1 = forced.ticket?.digestComparison.first { $0.component == "KernelCache" }
    #expect(kernel1?.status == "mismatch")
    let estimate = try #require(object["space_estimate"] as? [String: Any])
    #expect(estimate["estimated_mib"] as? Int == 9640)
    #expect(estimate["is_estimate"] as? Bool == true)
    #expect(object["root_filesystem"] as? String == "096-12345-001.dmg")
    #expect((object["errors"] as? [Any])?.isEmpty == true)
  }

  @Test("a non-IM4P .im4p entry is an error naming the entry with an absolute offset")
  func badIM4PEntry() throws {
    let dir = try makeTemporaryDirectory("inventory-bad")
    defer { removeTemporaryDirectory(dir) }
    let w = try ZIPWriter(path: dir + "/x.ipsw")
    try w.add("Firmware/junk.im4p", .stored([0x30, 0x84, 0x7F, 0, 0, 0]))
    let layout = try w.finish()
    var options = IPSWInventory.Options()
    options.verifyDigests = false
    let inventory = IPSWInventory(ipsw: try IPSW(path: dir + "/x.ipsw"), path: "x", options: options)
    let error = try #require(inventory.errors.first)
    #expect(error.structure.hasPrefix("Firmware/junk.im4p"))
    #expect(error.offset == Int(layout.dataOffsets["Firmware/junk.im4p"]!))
  }
}
