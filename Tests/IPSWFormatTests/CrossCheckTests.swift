import Foundation
import IPSWFormat
import IPSWTestSupport
import TestSupport
import Testing

/// Runs a listed tool (Tools/external-programs.tsv) and returns its standard output (test side only).
func runTool(_ tool: String, _ arguments: [String]) throws -> String {
  try ExternalPrograms.run(tool, arguments).output
}

@Suite("Cross-check with unzip and 7-Zip")
struct CrossCheckTests {
  func archive(_ dir: String, forceZIP64: Bool) throws -> String {
    var b = try IPSWTests.builder()
    b.forceZIP64 = forceZIP64
    b.fillerCount = 25
    b.rootFilesystem = ("096-12345-001.dmg", 5 << 30)  // sparse, > 4 GiB: ZIP64 extras in real use
    let path = dir + "/cross.ipsw"
    try b.write(to: path)
    return path
  }

  @Test("unzip -l lists the same names and sizes", arguments: [false, true])
  func unzipList(forceZIP64: Bool) throws {
    let dir = try makeTemporaryDirectory("cross-unzip")
    defer { removeTemporaryDirectory(dir) }
    let path = try archive(dir, forceZIP64: forceZIP64)
    let ours = try ZIPArchive(path: path).entries
    let listing = try runTool("unzip", ["-l", path])
    // Lines: "  Length      Date    Time    Name" then rows "   1234  2025-01-01 12:00   name".
    var theirs: [String: UInt64] = [:]
    for line in listing.split(separator: "\n") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard fields.count >= 4, let size = UInt64(fields[0]), fields[1].contains("-") else { continue }
      theirs[fields[3...].joined(separator: " ")] = size
    }
    #expect(theirs.count == ours.count)
    for entry in ours { #expect(theirs[entry.name] == entry.uncompressedSize, "\(entry.name)") }
  }

  @Test("7z l -slt lists the same names, sizes and CRCs")
  func sevenZipList() throws {
    let dir = try makeTemporaryDirectory("cross-7z")
    defer { removeTemporaryDirectory(dir) }
    let path = try archive(dir, forceZIP64: false)
    let ours = try ZIPArchive(path: path).entries
    let listing = try runTool("7zz", ["l", "-slt", path])
    var theirs: [String: (size: UInt64, crc: String)] = [:]
    var name: String?
    var size: UInt64?
    for line in listing.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("Path = "), !line.hasSuffix(".ipsw") { name = String(line.dropFirst(7)) }
      if line.hasPrefix("Size = ") { size = UInt64(line.dropFirst(7)) }
      if line.hasPrefix("CRC = "), let n = name, let s = size {
        theirs[n] = (s, String(line.dropFirst(6)))
        name = nil
        size = nil
      }
    }
    #expect(theirs.count == ours.count)
    for entry in ours {
      let hexCRC = String(entry.crc32, radix: 16, uppercase: true)
      let padded = String(repeating: "0", count: 8 - hexCRC.count) + hexCRC
      #expect(theirs[entry.name]?.size == entry.uncompressedSize, "\(entry.name)")
      #expect(theirs[entry.name]?.crc == padded, "\(entry.name)")
    }
  }

  @Test("unzip -t and 7z t accept the archive (CRC of stored, deflated and sparse entries)")
  func integrity() throws {
    let dir = try makeTemporaryDirectory("cross-t")
    defer { removeTemporaryDirectory(dir) }
    var b = try IPSWTests.builder()
    b.rootFilesystem = ("096-12345-001.dmg", 3 << 20)
    let path = dir + "/t.ipsw"
    try b.write(to: path)
    #expect(try runTool("unzip", ["-t", path]).contains("No errors detected"))
    #expect(try runTool("7zz", ["t", path]).contains("Everything is Ok"))
  }
}
