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

/// Issue 13's known hole: `ipsw extract` wrote 1 GiB from a 1 MiB deflate bomb, because the ratio cap (1100:1) was
/// above what deflate can reach (about 1032:1).
@Suite("Zip bombs")
struct ZipBombTests {
  /// An archive with `bomb.bin` (1 GiB of zeros in about 1 MiB, declaring `declaredSize`) after a small good entry.
  func bombArchive(_ sandbox: String, declaredSize: UInt64 = 1 << 30) throws -> (String, ZIPWriter.Layout, Int) {
    let path = sandbox + "/bomb.ipsw"
    let bomb = Compressors.deflateZeroBomb(mebibytes: 1024)
    let w = try ZIPWriter(path: path)
    try w.add("Restore.plist", .stored(Array("fine".utf8)))
    try w.add("bomb.bin", .deflated(compressed: bomb, uncompressedSize: declaredSize, crc32: 0))  // the CRC is never reached
    return (path, try w.finish(), bomb.count)
  }

  @Test("the bomb helper is a real bomb: its first blocks decode to zeros at more than 1000:1")
  func bombIsReal() throws {
    let sandbox = try makeTemporaryDirectory("bomb")
    defer { removeTemporaryDirectory(sandbox) }
    let small = Compressors.deflateZeroBomb(mebibytes: 4)
    #expect(small.count * 1000 < 4 << 20)
    let zeros = [UInt8](repeating: 0, count: 4 << 20)
    let w = try ZIPWriter(path: sandbox + "/small.zip")
    try w.add("z", .deflated(compressed: small, uncompressedSize: 4 << 20, crc32: CRC32.checksum(zeros)))
    try w.finish()
    let zip = try ZIPArchive(path: sandbox + "/small.zip")
    // Only an explicit, bomb-sized ratio lets it through.
    let result = try zip.read(zip.entries[0], limits: ReadLimits(maxRatio: 2000)) { _ in }
    #expect(result.byteCount == 4 << 20 && result.crcMatches)
  }

  @Test("an honest 1 MiB bomb declaring 1 GiB is refused before its file is created, with its name and offset")
  func honestBombRefusedBeforeWriting() throws {
    let sandbox = try makeTemporaryDirectory("bomb")
    defer { removeTemporaryDirectory(sandbox) }
    let (path, layout, compressed) = try bombArchive(sandbox)
    #expect(compressed < 1_100_000)
    let out = sandbox + "/out"
    mkdirAt(out)
    let outcomes = try SafeExtractor(archive: ZIPArchive(path: path)).extract(into: out)
    #expect(outcomes.map(\.status) == ["written", "limit-exceeded"])
    let bomb = outcomes[1]
    #expect(bomb.name == "bomb.bin" && bomb.bytes == 0)
    #expect(bomb.offset == layout.localHeaderOffsets["bomb.bin"]!)
    #expect(bomb.detail?.contains("compression ratio cap 100:1") == true, "\(bomb.detail ?? "")")
    #expect(!FileManager.default.fileExists(atPath: out + "/bomb.bin"))
    // In memory too: refused at once, located at the entry's data.
    let zip = try ZIPArchive(path: path)
    #expect {
      try zip.contents(of: zip.entries[1], maxBytes: 2 << 30)
    } throws: { error in
      let e = error as? ParseError
      return e?.code == "limit-exceeded" && e?.offset == Int(layout.dataOffsets["bomb.bin"]!)
    }
  }

  @Test("a bomb that lies about its size stops at the first cap it passes, before handing on a byte past it")
  func lyingBombStopsBeforeTheCap() throws {
    let sandbox = try makeTemporaryDirectory("bomb")
    defer { removeTemporaryDirectory(sandbox) }
    // Declares 100 MiB: under the ratio cap of its ~1 MiB, so it is decoded until a cap stops it.
    let (path, layout, compressed) = try bombArchive(sandbox, declaredSize: 100 << 20)
    let zip = try ZIPArchive(path: path)
    let entry = zip.entries[1]
    #expect(UInt64(compressed) * ReadLimits.defaultMaxRatio > entry.uncompressedSize)
    var handedOn: UInt64 = 0
    #expect(throws: ParseError.self) { try zip.read(entry) { handedOn += UInt64($0.count) } }
    #expect(handedOn <= entry.uncompressedSize)
    // A per-entry cap below the declared size is refused before decoding anything.
    handedOn = 0
    #expect(throws: ParseError.self) { try zip.read(entry, limits: ReadLimits(maxOutputBytes: 8 << 20)) { handedOn += UInt64($0.count) } }
    #expect(handedOn == 0)
    // Extraction under a total cap: the good entry is written, the bomb refused with nothing left behind.
    let out = sandbox + "/out"
    mkdirAt(out)
    let outcomes = try SafeExtractor(archive: zip, options: .init(maxTotalBytes: 50 << 20)).extract(into: out)
    #expect(outcomes.map(\.status) == ["written", "limit-exceeded"])
    #expect(outcomes[1].offset == layout.localHeaderOffsets["bomb.bin"]!)
    #expect(outcomes[1].detail?.contains("total cap") == true, "\(outcomes[1].detail ?? "")")
    #expect(!FileManager.default.fileExists(atPath: out + "/bomb.bin"))
    // With an overridden total cap it decodes to its declared size and stops: the partial file is removed.
    let again = try SafeExtractor(archive: zip, options: .init(overwrite: true, maxTotalBytes: 1 << 40)).extract(into: out)
    #expect(again[1].status == "limit-exceeded")
    #expect(again[1].detail?.contains("declared uncompressed size") == true, "\(again[1].detail ?? "")")
    #expect(!FileManager.default.fileExists(atPath: out + "/bomb.bin"))
  }

  @Test("the default total cap is the free space less a reserve, under a ceiling")
  func defaultTotal() {
    #expect(SafeExtractor.defaultTotalBytes(freeBytes: 0) == 0)
    #expect(SafeExtractor.defaultTotalBytes(freeBytes: 512 << 20) == 0)
    #expect(SafeExtractor.defaultTotalBytes(freeBytes: 5 << 30) == 4 << 30)
    #expect(SafeExtractor.defaultTotalBytes(freeBytes: 1 << 50) == SafeExtractor.totalBytesCeiling)
    #expect(ReadLimits().ratioCap(compressedSize: 1 << 20) == 100 << 20)
    #expect(ReadLimits().ratioCap(compressedSize: 10) == 1 << 20)
    #expect(ReadLimits.defaultMaxRatio < 1032)
  }
}
