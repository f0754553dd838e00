import TestSupport
import Foundation
import Testing

/// Runs the built `ringo` binary (next to the test bundle in .build/<config>/) on the real fixtures.
enum RingoBinary {
  static let fixtures = RealImages.sharedFixtures.appendingPathComponent("dmg")

  static var path: String {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = exe.deletingLastPathComponent()
    // The test runner lives either directly in .build/<config>/ or inside <Package>PackageTests.xctest/.
    if folder.lastPathComponent.hasSuffix(".xctest") { folder = folder.deletingLastPathComponent() }
    return folder.appendingPathComponent("ringo").path
  }

  static func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    guard FileManager.default.isExecutableFile(atPath: path) else {
      throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
    }
    let result = try Subprocess.run(path, arguments)
    return (result.status, result.output, result.errors)
  }
}

@Suite struct DMGCommandTests {
  @Test func describesTheAPFSDMGAndHashesItsExpansion() throws {
    let image = RingoBinary.fixtures.appendingPathComponent("hdimac_test-disk-image-apfs.dmg").path
    let before = try FileManager.default.attributesOfItem(atPath: image)
    let result = try RingoBinary.run(["dmg", "--sha256", image])
    #expect(result.status == 0, "stderr: \(result.err)")
    let lines = result.out.split(separator: "\n").map(String.init)
    #expect(lines.contains("kind: udif"))
    #expect(lines.contains("expanded size: 10537472 bytes"))
    #expect(lines.contains("sectors: 20581"))
    #expect(lines.contains("sha256 (expanded): 8893f6d3e2ba1342ba30ad4ae0b519de1c431dd6466e988f68b94af11a8fc27f"))
    #expect(lines.contains { $0.contains("Apple_APFS") && $0.hasPrefix("  ") })
    #expect(lines.contains { $0.hasPrefix("  zlib: ") })
    #expect(lines.contains { $0.hasPrefix("  terminator: ") })
    let after = try FileManager.default.attributesOfItem(atPath: image)
    #expect(before[.modificationDate] as? Date == after[.modificationDate] as? Date)
    #expect(before[.size] as? Int == after[.size] as? Int)
  }

  @Test func rawFilesAreNamedRaw() throws {
    let result = try RingoBinary.run(["dmg", RingoBinary.fixtures.appendingPathComponent("libmodi_udif_xml_plist.1").path])
    #expect(result.status == 0)
    #expect(result.out.contains("kind: raw"))
  }

  @Test func missingFileIsAnErrorOnStandardError() throws {
    let result = try RingoBinary.run(["dmg", "/nonexistent/ringo-test.dmg"])
    #expect(result.status == 3)  // the evidence cannot be opened
    #expect(result.err.contains("cannot open /nonexistent/ringo-test.dmg"))
    #expect(result.out.isEmpty)
  }

  @Test func damagedDMGIsALocatedError() throws {
    // A koly trailer whose XML offset points past the file.
    var bytes = [UInt8](repeating: 0, count: 512)
    bytes[0..<4] = [0x6B, 0x6F, 0x6C, 0x79]
    bytes[8..<12] = [0, 0, 2, 0]
    bytes[216..<224] = [0, 0, 0, 0, 0, 0, 0x10, 0]
    bytes[224..<232] = [0, 0, 0, 0, 0, 0, 0, 0x10]
    let path = NSTemporaryDirectory() + "ringo-dmg-cli-\(getpid()).dmg"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try RingoBinary.run(["dmg", path])
    #expect(result.status == 1)  // a damaged trailer: the command could not do what was asked
    #expect(result.err.contains("koly at 0xd8 (216)"))
  }
}
