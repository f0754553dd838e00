import DiskImageTestSupport
import Foundation
import IPSWTestSupport
import TestSupport
import Testing

/// Issue 13: `ringo ipsw extract` wrote 1 GiB from a 1 MiB zip bomb. Now the entry is refused before its file is
/// created, the line names the entry and its offset, and the exit status is 1.
@Suite struct ExtractBombTests {
  @Test func aOneMiBDeflateBombWritesNothing() throws {
    let path = try Scratch.file([], name: "bomb.ipsw")
    try FileManager.default.removeItem(atPath: path)
    let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let w = try ZIPWriter(path: path)
    try w.add("Restore.plist", .stored(Array("fine".utf8)))
    try w.add("bomb.bin", .deflated(compressed: Compressors.deflateZeroBomb(mebibytes: 1024), uncompressedSize: 1 << 30, crc32: 0))
    let layout = try w.finish()
    let out = dir + "/out"
    let (status, output) = try CLITests.run(["ipsw", "extract", path, "-o", out])
    #expect(status == 1, "\(output)")
    let line = output.split(separator: "\n").first { $0.hasPrefix("limit-exceeded") }.map(String.init) ?? ""
    #expect(line.contains("bomb.bin") && line.contains("compression ratio cap 100:1"), "\(output)")
    #expect(line.contains("entry at offset \(layout.localHeaderOffsets["bomb.bin"]!)"), "\(output)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["Restore.plist"])
  }
}
