import Foundation
import IPSWTestSupport
import TestSupport
import Testing

/// `ringo ipsw` reads the APFS root filesystem inside the IPSW's DMG (here the real hdiutil-made APFS DMG fixture).
@Suite struct IPSWRootFilesystemTests {
  @Test func rootFilesystemVolumesAreListed() throws {
    var builder = IPSWBuilder()
    let dmg = try Data(contentsOf: URL(fileURLWithPath: try RealImages.fixture("dmg/hdimac_test-disk-image-apfs.dmg")))
    builder.rootFilesystem = ("096-00000-001.dmg", UInt64(dmg.count))
    builder.rootFilesystemBytes = [UInt8](dmg)
    let path = try Scratch.file([], name: "root.ipsw")
    try FileManager.default.removeItem(atPath: path)
    try builder.write(to: path)
    let (status, text) = try CLITests.run(["ipsw", "--skip-digests", path])
    #expect(status == 0, "\(text)")
    #expect(text.contains("root filesystem volumes (APFS):"))
    #expect(text.contains("test-disk-image-apfs  role none  encryption none  allocated 32768 bytes"))
    let (jsonStatus, json) = try CLITests.run(["ipsw", "--skip-digests", "--format", "json", path])
    #expect(jsonStatus == 0)
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let volumes = object?["root_filesystem_volumes"] as? [[String: Any]]
    #expect(volumes?.first?["name"] as? String == "test-disk-image-apfs")
  }
}

extension IPSWRootFilesystemTests {
  /// Extraction never writes beside the evidence: the archive's own folder is refused as the output folder.
  @Test func extractionIntoTheArchivesFolderIsRefused() throws {
    let path = try Scratch.file([], name: "beside.ipsw")
    try FileManager.default.removeItem(atPath: path)
    try IPSWBuilder().write(to: path)
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let before = try FileManager.default.contentsOfDirectory(atPath: folder)
    let (status, output) = try CLITests.run(["ipsw", "extract", path, "-o", folder])
    #expect(status == 2, "\(output)")
    #expect(output.contains("refusing to extract into the evidence folder"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == before)
  }
}
