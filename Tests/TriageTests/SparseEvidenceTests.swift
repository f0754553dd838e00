import Evidence
import Foundation
import ImageAccess
import Testing
import TestSupport

@testable import Triage

/// `.sparseimage` and `.sparsebundle` files built from dissect's real `snapshot.bin` following the published format
/// facts (libmodi's documentation for the `sprs` header and band map; the bundle layout macOS writes): no tool on
/// Linux makes them. Triage must read them exactly like the raw image.
@Suite struct SparseEvidenceTests {
  static let raw = "snapshot.bin"

  func triage(_ path: String) throws -> TriageReport { try EvidenceComparison.triage(path) }
  func containerJSON(_ report: TriageReport) throws -> String { try EvidenceComparison.containerJSON(report) }

  static func bands(of disk: [UInt8], size: Int) -> [[UInt8]] {
    stride(from: 0, to: disk.count, by: size).map { Array(disk[$0..<min(disk.count, $0 + size)]) }
  }

  /// A sparseimage of `disk`: bands of `sectorsPerBand` sectors, all-zero bands left out (holes), the others stored
  /// in reverse order so the band map matters. Returns the file bytes.
  static func sparseImage(_ disk: [UInt8], sectorsPerBand: Int, duplicateFirst: Bool = false) -> [UInt8] {
    let bandSize = sectorsPerBand * 512
    var header = [UInt8](repeating: 0, count: SparseImage.headerSize)
    func put(_ value: UInt32, _ at: Int) { withUnsafeBytes(of: value.bigEndian) { for (i, b) in $0.enumerated() { header[at + i] = b } } }
    for (i, b) in Array("sprs".utf8).enumerated() { header[i] = b }
    put(3, 4)
    put(UInt32(sectorsPerBand), 8)
    put(1, 12)
    put(UInt32(disk.count / 512), 16)
    let stored = bands(of: disk, size: bandSize).enumerated().filter { !$0.element.allSatisfy { $0 == 0 } }.reversed()
    var body: [UInt8] = []
    for (slot, (number, band)) in stored.enumerated() {
      put(UInt32(number + 1), 64 + 4 * slot)
      body += band + [UInt8](repeating: 0, count: bandSize - band.count)
    }
    if duplicateFirst, let first = stored.first { put(UInt32(first.offset + 1), 64 + 4 * stored.count) }
    return header + body
  }

  @Test func aSparseImageReadsLikeTheRawImage() throws {
    let rawPath = try RealImages.dissect(Self.raw)
    let disk = try [UInt8](Data(contentsOf: URL(fileURLWithPath: rawPath)))
    let file = Self.sparseImage(disk, sectorsPerBand: 2048)
    #expect(file.count < disk.count + 4096)  // holes are not stored
    let path = try Scratch.file(file, name: "disk.sparseimage")
    let expected = try triage(rawPath)
    let report = try triage(path)
    #expect(report.evidence.format == "sparseimage")
    #expect(try containerJSON(report) == containerJSON(expected))
    #expect(report.verdict.verdictClass == expected.verdict.verdictClass)
    #expect(report.errors.isEmpty, "\(report.errors)")
    let media = try #require(try OpenedEvidence.open(path: path).media)
    #expect(try EvidenceHash.sha256(of: media) == expected.evidence.sha256)
    #expect(try SchemaCheck.validate(report))
  }

  @Test func aBandNumberUsedTwiceIsALocatedError() throws {
    let disk = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try RealImages.dissect(Self.raw))))
    let path = try Scratch.file(Self.sparseImage(disk, sectorsPerBand: 2048, duplicateFirst: true), name: "bad.sparseimage")
    let report = try triage(path)
    let error = try #require(report.errors.first)
    #expect(error.code == "value-out-of-range")
    #expect(error.offset.map { $0 >= 64 && $0 < 4096 } == true)
    #expect(report.verdict.verdictClass == .damaged)
    #expect(try SchemaCheck.validate(report))
  }

  /// A sparsebundle of `disk` with 3 MiB bands (the disk is not a multiple of it), zero bands left out, trailing
  /// zeros of each band trimmed (band files may be short).
  static func sparseBundle(_ disk: [UInt8], bandSize: Int) throws -> String {
    let folder = URL(fileURLWithPath: try Scratch.file([], name: "placeholder")).deletingLastPathComponent()
      .appendingPathComponent("disk.sparsebundle")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("bands"), withIntermediateDirectories: true)
    let plist = """
      <?xml version="1.0" encoding="UTF-8"?>
      <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
      <plist version="1.0">
      <dict>
        <key>CFBundleInfoDictionaryVersion</key><string>6.0</string>
        <key>band-size</key><integer>\(bandSize)</integer>
        <key>bundle-backingstore-version</key><integer>1</integer>
        <key>diskimage-bundle-type</key><string>com.apple.diskimage.sparsebundle</string>
        <key>size</key><integer>\(disk.count)</integer>
      </dict>
      </plist>
      """
    try Data(plist.utf8).write(to: folder.appendingPathComponent("Info.plist"))
    try Data().write(to: folder.appendingPathComponent("token"))
    for (index, band) in bands(of: disk, size: bandSize).enumerated() {
      guard let last = band.lastIndex(where: { $0 != 0 }) else { continue }
      try Data(band[...last]).write(to: folder.appendingPathComponent("bands/" + String(index, radix: 16)))
    }
    return folder.path
  }

  @Test func aSparseBundleReadsLikeTheRawImage() throws {
    let rawPath = try RealImages.dissect(Self.raw)
    let disk = try [UInt8](Data(contentsOf: URL(fileURLWithPath: rawPath)))
    let bundle = try Self.sparseBundle(disk, bandSize: 3 << 20)
    let expected = try triage(rawPath)
    let report = try triage(bundle)
    #expect(report.evidence.format == "sparsebundle")
    #expect(report.evidence.sha256 == expected.evidence.sha256)  // the disk the bundle holds
    #expect(report.evidence.segments?.first?.name == "bands/0")
    #expect(try containerJSON(report) == containerJSON(expected))
    #expect(report.verdict.verdictClass == expected.verdict.verdictClass)
    #expect(report.errors.isEmpty, "\(report.errors)")
    #expect(try SchemaCheck.validate(report))
  }

  @Test func aBandFileOutsideTheDiskIsAnErrorNamingIt() throws {
    let disk = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try RealImages.dissect(Self.raw))))
    let bundle = try Self.sparseBundle(disk, bandSize: 3 << 20)
    try Data([1]).write(to: URL(fileURLWithPath: bundle + "/bands/ff"))
    let report = try triage(bundle)
    #expect(report.errors.first?.message.contains("bands/ff") == true, "\(report.errors)")
    #expect(report.verdict.verdictClass == .damaged)
  }

  /// Found reading the code for the `sparsebundle` fuzz harness (Tests/FuzzReproducers/sparsebundle): `Info.plist` went to
  /// Foundation unchecked, so a binary plist holding a set (the `plist` harness's earlier finding) killed `ringo
  /// triage` with a segfault, and a deeply nested one could exhaust a small stack. It is now checked like every other
  /// property list Ringo reads: a located error naming `Info.plist`, a damaged verdict, a report.
  @Test func aHostileInfoPlistIsALocatedErrorNotACrash() throws {
    let reproducers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("FuzzReproducers")
    // The harness's input: u16 length of Info.plist, Info.plist, then band files (none here).
    let input = [UInt8](try Data(contentsOf: reproducers.appendingPathComponent("sparsebundle/binary-info-plist-with-set")))
    let setPlist = Array(input[2..<(2 + (Int(input[0]) | Int(input[1]) << 8))])
    let deepPlist = Array(("<?xml version=\"1.0\"?><plist version=\"1.0\">" + String(repeating: "<dict><key>k</key>", count: 600)
      + String(repeating: "</dict>", count: 600) + "</plist>").utf8)
    for (label, plist, code) in [("set", setPlist, "invalid"), ("nesting", deepPlist, "limit-exceeded")] {
      let disk = [UInt8](repeating: 0, count: 8192)
      let bundle = try Self.sparseBundle(disk + [1], bandSize: 4096)
      try Data(plist).write(to: URL(fileURLWithPath: bundle + "/Info.plist"))
      let opened = try OpenedEvidence.open(path: bundle)
      #expect(opened.media == nil, "\(label)")
      let problem = try #require(opened.problems.first, "\(label)")
      #expect(problem.structure == "sparsebundle_info_plist" && problem.offset != nil && problem.code == code,
              "\(label): \(problem)")
      let report = try triage(bundle)
      #expect(report.verdict.verdictClass == .damaged, "\(label)")
      #expect(try SchemaCheck.validate(report))
    }
  }

  /// Found by the `sparsebundle` harness in the fourth campaign (Tests/FuzzReproducers/sparsebundle/empty-info-plist):
  /// an empty `Info.plist` was read with FileManager.contents(atPath:), which leaks 4 KiB per empty file on Linux, and
  /// an Info.plist of any size was read whole before its size was checked. Both are refused by size, unread.
  @Test func anEmptyOrHugeInfoPlistIsRefusedUnread() throws {
    let reproducer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("FuzzReproducers/sparsebundle/empty-info-plist")
    let input = [UInt8](try Data(contentsOf: reproducer))
    #expect(input[0] == 0 && input[1] == 0)  // the harness's u16 Info.plist length: empty
    for size in [0, (1 << 20) + 1] {
      let bundle = try Self.sparseBundle([UInt8](repeating: 0, count: 4096) + [1], bandSize: 4096)
      let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: bundle + "/Info.plist"))
      try handle.truncate(atOffset: UInt64(size))  // a sparse file: nothing of it is read
      try handle.close()
      let opened = try OpenedEvidence.open(path: bundle)
      let problem = try #require(opened.problems.first)
      #expect(problem.code == "value-out-of-range" && problem.offset == 0 && problem.structure == "sparsebundle_info_plist",
              "\(size): \(problem)")
      #expect(try triage(bundle).verdict.verdictClass == .damaged)
    }
  }
}
