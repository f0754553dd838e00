import DiskImageTestSupport
import Foundation
import IPSWFormat
import IPSWTestSupport
import ImageAccess
import Testing

@Suite("Safe extraction")
struct ExtractTests {
  /// Every path under `dir`, relative, sorted (symlinks not followed).
  func tree(_ dir: String) -> [String] {
    let fm = FileManager.default
    guard let e = fm.enumerator(atPath: dir) else { return [] }
    var out: [String] = []
    while let p = e.nextObject() as? String { out.append(p) }
    return out.sorted()
  }

  @Test("zip-slip names, symlink entries and a planted symlink never write outside the folder")
  func zipSlip() throws {
    let sandbox = try makeTemporaryDirectory("slip")
    defer { removeTemporaryDirectory(sandbox) }
    let archivePath = sandbox + "/hostile.ipsw"
    let out = sandbox + "/out"
    mkdirAt(out)
    let outside = try makeTemporaryDirectory("slip-target")  // an absolute target somewhere else
    defer { removeTemporaryDirectory(outside) }
    // A symlink planted inside the output folder that points back to the sandbox.
    try FileManager.default.createSymbolicLink(atPath: out + "/planted", withDestinationPath: sandbox)
    let w = try ZIPWriter(path: archivePath)
    try w.add("../evil1.txt", .stored(Array("x".utf8)))
    try w.add("Firmware/../../evil2.txt", .stored(Array("x".utf8)))
    try w.add(outside + "/evil3.txt", .stored(Array("x".utf8)))
    try w.add("link", .stored(Array("..".utf8)), unixMode: 0o120777)
    try w.add("link/evil4.txt", .stored(Array("x".utf8)))
    try w.add("planted/evil5.txt", .stored(Array("x".utf8)))
    try w.add("Firmware\\..\\evil6.txt", .stored(Array("x".utf8)))
    try w.add("nul", .stored([]), rawName: Array("a\u{0}b".utf8))
    try w.add("Firmware/ok.txt", .stored(Array("fine".utf8)))
    try w.finish()
    let before = tree(sandbox)
    let outcomes = try SafeExtractor(archive: ZIPArchive(path: archivePath)).extract(into: out)
    let byName = Dictionary(outcomes.map { ($0.name, $0.status) }, uniquingKeysWith: { a, _ in a })
    #expect(byName["../evil1.txt"] == "refused-name")
    #expect(byName["Firmware/../../evil2.txt"] == "refused-name")
    #expect(byName[outside + "/evil3.txt"] == "refused-name")
    #expect(byName["link"] == "refused-symlink")
    #expect(byName["planted/evil5.txt"] == "refused-symlink")
    #expect(byName["Firmware\\..\\evil6.txt"] == "refused-name")
    #expect(byName["Firmware/ok.txt"] == "written")
    // Nothing appeared outside `out`, and inside only the good file (+ the planted link, + link/ as a real dir).
    let after = tree(sandbox)
    let newOutside = Set(after).subtracting(before).filter { !$0.hasPrefix("out/") }
    #expect(newOutside.isEmpty, "created outside: \(newOutside)")
    #expect(tree(outside).isEmpty)
    #expect(try String(contentsOfFile: out + "/Firmware/ok.txt", encoding: .utf8) == "fine")
    #expect(!FileManager.default.fileExists(atPath: sandbox + "/evil5.txt"))
  }

  @Test("existing files are kept unless overwrite; CRC mismatch reported; bombs capped and removed")
  func overwriteCRCBomb() throws {
    let sandbox = try makeTemporaryDirectory("extract")
    defer { removeTemporaryDirectory(sandbox) }
    let archivePath = sandbox + "/a.ipsw"
    let out = sandbox + "/out"
    mkdirAt(out)
    let w = try ZIPWriter(path: archivePath)
    try w.add("Restore.plist", .stored(Array("new".utf8)))
    try w.add("bad-crc.bin", .stored(Array("payload".utf8)))
    let zeros = [UInt8](repeating: 0, count: 16 << 20)
    try w.add(
      "bomb.bin", .deflated(compressed: Compressors.deflate(zeros), uncompressedSize: UInt64(zeros.count),
        crc32: CRC32.checksum(zeros)))
    let layout = try w.finish()
    try patch(archivePath, at: layout.dataOffsets["bad-crc.bin"]!, [0x50])
    try writeFile(out + "/Restore.plist", Array("old".utf8))
    let zip = try ZIPArchive(path: archivePath)
    let options = SafeExtractor.Options(limits: ReadLimits(maxOutputBytes: 1 << 20))
    let first = try SafeExtractor(archive: zip, options: options).extract(into: out)
    #expect(first.map(\.status) == ["exists", "crc-mismatch", "limit-exceeded"])
    #expect(try String(contentsOfFile: out + "/Restore.plist", encoding: .utf8) == "old")
    #expect(!FileManager.default.fileExists(atPath: out + "/bomb.bin"))
    let ratio = try SafeExtractor(archive: zip, options: .init(overwrite: true, limits: ReadLimits(maxRatio: 100)))
      .extract(into: out)
    #expect(ratio.map(\.status) == ["written", "crc-mismatch", "limit-exceeded"])
    #expect(try String(contentsOfFile: out + "/Restore.plist", encoding: .utf8) == "new")
    let total = try SafeExtractor(archive: zip, options: .init(overwrite: true, maxTotalBytes: 8))
      .extract(into: out)
    #expect(total.map(\.status) == ["written", "limit-exceeded", "limit-exceeded"])
  }
}
