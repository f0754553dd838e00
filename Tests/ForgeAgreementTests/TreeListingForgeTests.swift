import APFSForge
import APFSFormat
import Foundation
import ImageAccess
import TestSupport
import Testing

/// `ls -R` on a forged tree whose files are spread over directories by id (a directory's children are scattered
/// through the whole tree, as on a volume written over years): the ordered pass lists every file once, exactly as
/// the per-directory scans do.
@Suite struct TreeListingForgeTests {
  static func lines(_ tree: FileSystemTree, memoryBudget: Int) throws -> (lines: [String], ordered: Bool) {
    var listing = TreeListing(tree: tree, details: false, memoryBudget: memoryBudget)
    var bytes: [UInt8] = []
    try listing.list(
      from: FileSystemTree.rootDirectoryID, base: [], recursive: true,
      escape: { ListingFormat.text.escape($0, into: &$1) }, visit: { ListingFormat.text.render($0, into: &bytes) })
    return (String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init), listing.usedOrderedPass)
  }

  @Test func scatteredTreeListsEveryFileOnce() throws {
    let path = try Scratch.file([], name: "many.img")
    try FileManager.default.removeItem(atPath: path)
    let written = try APFSForger.forge(Preset.many.spec(seed: 5, size: 64 << 20, free: nil, files: 3000), to: path)
    let manifest = try JSONDecoder().decode(
      ForgeAgreementTests.Manifest.self, from: try JSONEncoder().encode(written))
    let container = try APFSContainer.open(try MappedImage(path: path))
    let tree = try FileSystemTree(container: container, volume: try #require(container.volumes.first?.superblock))
    let ordered = try Self.lines(tree, memoryBudget: 96 << 20)
    let seeks = try Self.lines(tree, memoryBudget: 0)
    #expect(ordered.ordered && !seeks.ordered)
    #expect(ordered.lines == seeks.lines)
    let expected = try #require(manifest.volumes.first)
    #expect(ordered.lines.filter { $0.hasPrefix("r ") }.count == expected.files)
    #expect(ordered.lines.filter { $0.hasPrefix("d ") }.count == expected.directories)
    #expect(Set(ordered.lines.map { $0.split(separator: "\t")[2] }).count == ordered.lines.count)
  }
}
