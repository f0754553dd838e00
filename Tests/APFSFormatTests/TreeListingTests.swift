import Foundation
import ImageAccess
import TestSupport
import Testing

@testable import APFSFormat

/// `ls -R` in one ordered pass (``TreeListing``) against the per-directory scans, TSK `fls`, and `mactime`.
@Suite struct TreeListingTests {
  static let images = ["case_insensitive.bin", "case_insensitive_beta.bin", "case_sensitive.bin", "jhfs_converted.bin",
                       "snapshot.bin"]

  /// The listing of the whole volume in `format`, one string per line, and whether the ordered pass produced it.
  static func listing(_ tree: FileSystemTree, _ format: ListingFormat, memoryBudget: Int = 96 << 20) throws
    -> (lines: [String], ordered: Bool)
  {
    var listing = TreeListing(tree: tree, details: format.needsDetails, memoryBudget: memoryBudget)
    var bytes: [UInt8] = []
    try listing.list(
      from: FileSystemTree.rootDirectoryID, base: [], recursive: true, escape: { format.escape($0, into: &$1) },
      visit: { format.render($0, into: &bytes) })
    // Split on the byte 0x0A: a name ending in "\r" would make "\r\n" one Character.
    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    #expect(lines.last?.isEmpty == true)
    return (lines.dropLast().map { String(decoding: $0, as: UTF8.self) }, listing.usedOrderedPass)
  }

  /// The ordered pass and the per-directory scans print the same lines in the same order, in every format.
  @Test(arguments: images)
  func orderedPassEqualsPerDirectoryScans(image: String) throws {
    let (tree, _) = try FlsConformanceTests.open(image)
    for format in ListingFormat.allCases {
      let ordered = try Self.listing(tree, format)
      let seeks = try Self.listing(tree, format, memoryBudget: 0)  // over the limit at once: falls back
      #expect(ordered.ordered)
      #expect(!seeks.ordered)
      #expect(!ordered.lines.isEmpty)
      #expect(ordered.lines == seeks.lines, "\(format)")
    }
  }

  /// Paths, types and sizes of the ordered listing equal `fls -r -p -l` (sizes: fls shows the data stream's, so
  /// compressed files, whose listed size is the uncompressed one, are compared by path and type).
  @Test(arguments: images)
  func orderedListingEqualsFls(image: String) throws {
    let (tree, apsb) = try FlsConformanceTests.open(image)
    let (lines, ordered) = try Self.listing(tree, .text)
    #expect(ordered)
    let ours = Set(lines.map { line -> FlsConformanceTests.Entry in
      let columns = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
      var type = String(columns[0].prefix(1))
      if type == "s" { type = "h" }  // fls's letter for sockets
      let path = String(String(columns[2]).dropFirst().unicodeScalars.map { $0.value < 0x20 ? "^" : Character($0) })
      return .init(path: path, type: type, size: UInt64(columns[1])!)
    })
    let theirs = Set(try FlsConformanceTests.flsListing(try RealImages.dissect(image), superblockBlock: apsb))
    #expect(Set(ours.map { [$0.path, $0.type] }) == Set(theirs.map { [$0.path, $0.type] }))
    let compressed = Set(lines.filter { $0.contains("compressed-") }.map {
      String($0.split(separator: "\t")[2].dropFirst())
    })
    #expect(ours.filter { !compressed.contains($0.path) } == theirs.filter { !compressed.contains($0.path) })
  }

  /// The bodyfile agrees with `fls -r -m /` field by field (name, inode, mode string, uid, gid, size, four times),
  /// and `mactime` reads it: every path appears in its timeline.
  @Test(arguments: ["case_insensitive.bin", "case_sensitive.bin", "jhfs_converted.bin", "snapshot.bin"])
  func mactimeReadsTheBodyfile(image: String) throws {
    let (tree, apsb) = try FlsConformanceTests.open(image)
    let (lines, _) = try Self.listing(tree, .bodyfile)
    #expect(lines.allSatisfy { $0.split(separator: "|", omittingEmptySubsequences: false).count == 11 })
    let (status, fls) = try RealImages.run(
      "fls", ["-r", "-m", "/", "-p", "-P", "apfs", "-B", "\(apsb)", try RealImages.dissect(image)])
    #expect(status == 0)
    // Same fields as fls except the size of compressed files (fls: the data stream; Ringo: the uncompressed size)
    // and names with control characters (fls shows them as "^").
    func comparable(_ line: Substring) -> String? {
      var f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      guard f.count == 11, !f[1].contains("compressed-"), !f[1].contains("^"), !f[1].contains("\\x") else { return nil }
      f[2] = String(f[2].prefix { $0.isNumber })  // fls: "18-128-1" style ids on some builds
      return f.joined(separator: "|")
    }
    let ours = Set(lines.map { Substring($0) }.compactMap(comparable))
    let theirs = Set(fls.split(separator: "\n").compactMap(comparable))
    #expect(!ours.isEmpty)
    #expect(ours == theirs, "only ringo: \(ours.subtracting(theirs).prefix(3)); only fls: \(theirs.subtracting(ours).prefix(3))")

    let body = try Scratch.file(Array((lines.joined(separator: "\n") + "\n").utf8), name: "body.txt")
    let (mactimeStatus, timeline) = try RealImages.run("mactime", ["-b", body, "-d", "-z", "UTC"])
    #expect(mactimeStatus == 0)
    // mactime -d: date,size,activity,mode,uid,gid,inode,"name"
    let timelineNames = Set(timeline.split(separator: "\n").compactMap { row -> String? in
      let columns = row.split(separator: ",", maxSplits: 7, omittingEmptySubsequences: false)
      guard columns.count == 8 else { return nil }
      var name = columns[7]
      if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = name.dropFirst().dropLast() }
      return String(name)
    })
    let missing = lines.map { String($0.split(separator: "|", omittingEmptySubsequences: false)[1]) }
      .filter { !timelineNames.contains($0) }
    #expect(missing.isEmpty, "\(missing.count) paths missing from mactime's timeline, e.g. \(missing.prefix(3))")
  }

  /// JSON lines: every line is one object with the documented fields, in the text listing's order.
  @Test func jsonLinesParse() throws {
    let (tree, _) = try FlsConformanceTests.open("case_insensitive.bin")
    let text = try Self.listing(tree, .text).lines
    let json = try Self.listing(tree, .json).lines
    #expect(json.count == text.count)
    for (line, textLine) in zip(json, text) {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      let columns = textLine.split(separator: "\t", maxSplits: 2)
      #expect(object["path"] as? String == String(columns[2]))
      #expect((object["size"] as? NSNumber)?.uint64Value == UInt64(columns[1]))
      #expect((object["inode"] as? NSNumber)?.uint64Value == UInt64(columns[0].split(separator: " ")[1]))
      for key in ["type", "mode", "uid", "gid", "links", "accessed_ns", "modified_ns", "changed_ns", "created_ns"] {
        #expect(object[key] != nil, "\(key) missing in \(line)")
      }
    }
    let file = try #require(json.first { $0.contains(#""path":"/dir/file""#) })
    #expect(file.contains(#""type":"file""#))
    let link = try #require(json.first { $0.contains(#""path":"/symlink-file""#) })
    #expect(link.contains(#""type":"symlink","inode":23,"size":0,"target":"dir/file""#))
  }

  /// Every dissect.apfs image, the damaged and the encrypted ones too: the listing finishes or throws a located
  /// `ParseError`, and corrupt.bin lists the files of its readable checkpoint.
  @Test func everyRealImageListsOrFailsCleanly() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: RealImages.dissectFolder.path)
      .filter { $0.hasSuffix(".bin") }.sorted()
    #expect(names.count >= 9)
    for name in names {
      let (tree, _) = try FlsConformanceTests.open(name)
      do {
        let lines = try Self.listing(tree, .bodyfile).lines
        if name == "corrupt.bin" { #expect(lines.contains { $0.hasPrefix("0|/FEVER|") }, "\(lines.prefix(3))") }
      } catch let error as ParseError {
        #expect(error.offset != nil || "\(error)".contains("encrypted"), "\(name): \(error)")
      }
    }
  }

  /// Names that would break a line format are escaped; valid UTF-8 stays as stored.
  @Test func escaping() {
    func escaped(_ format: ListingFormat, _ name: [UInt8]) -> String {
      var out: [UInt8] = []
      format.escape(name[...], into: &out)
      return String(decoding: out, as: UTF8.self)
    }
    let nfd = Array("Cafe\u{301}".utf8)
    for format in ListingFormat.allCases { #expect(escaped(format, nfd) == "Cafe\u{301}") }
    #expect(escaped(.text, [0x61, 0xFF]) == "a\\xff")
    #expect(escaped(.bodyfile, Array("a|b\nc".utf8)) == "a\\x7cb\\x0ac")
    #expect(escaped(.json, Array("q\"\\\u{1}".utf8)) == #"q\"\\\u0001"#)
    #expect(escaped(.json, [0x61, 0xFF]) == #"a\\xff"#)
    #expect(ListingFormat.modeString(kind: .regular, mode: 0o100644) == "r/rrw-r--r--")
    #expect(ListingFormat.modeString(kind: .directory, mode: 0o041777) == "d/drwxrwxrwt")
    #expect(ListingFormat.modeString(kind: .regular, mode: 0o104754) == "r/rrwsr-xr--")
    #expect(ListingFormat.modeString(kind: .symlink, mode: nil) == "l/----------")
    var out: [UInt8] = []
    ListingFormat.decimal(UInt64.max, into: &out)
    ListingFormat.decimal(0, into: &out)
    #expect(String(decoding: out, as: UTF8.self) == "184467440737095516150")
  }
}
