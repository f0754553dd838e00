import Foundation
import TestSupport
import Testing

/// A DMG is evidence like a raw image: `ringo triage root.dmg` and `ringo ls root.dmg /` read the APFS container in
/// the real hdiutil-made fixture through the UDIF layer.
@Suite struct DMGEvidenceTests {
  @Test func triageAndListTheAPFSContainerInsideADMG() throws {
    let dmg = try RealImages.fixture("dmg/hdimac_test-disk-image-apfs.dmg")
    let (status, json) = try CLITests.run(["triage", "--format", "json", dmg])
    #expect(status == 0)
    let report = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let evidence = report?["evidence"] as? [String: Any]
    #expect(evidence?["format"] as? String == "dmg")
    #expect(evidence?["apfs_offset_bytes"] as? Int == 40 * 512)
    let container = report?["container"] as? [String: Any]
    #expect(container?["block_count"] as? Int == 2563)
    let (lsStatus, listing) = try CLITests.run(["ls", dmg, "/"])
    #expect(lsStatus == 0)
    for name in ["file-a.txt", "file-b.txt", "file-c.txt"] {
      #expect(listing.contains("\t7\t/\(name)"), "\(listing)")
    }
    let (catStatus, text) = try CLITests.run(["cat", dmg, "/file-a.txt"])
    #expect(catStatus == 0)
    #expect(text.count == 7)
  }
}
