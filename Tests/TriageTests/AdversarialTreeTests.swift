import APFSFormat
import Foundation
import ImageAccess
import TestSupport
import Testing

@testable import Triage

/// Hostile file-system trees, made by editing a forged unencrypted sample: each ends in a specific error in the
/// report (and a verdict), never a hang or a crash.
@Suite struct AdversarialTreeTests {
  static let sample = RealImages.packageRoot.appendingPathComponent("Samples/macos.img").path

  /// The physical block of the first volume's fs-tree root and the parsed node.
  static func rootNode() throws -> (block: Int, node: BTreeNode, tree: FileSystemTree) {
    let container = try APFSContainer.open(try MappedImage(path: sample))
    let volume = try #require(container.volumes.first?.superblock)
    let tree = try FileSystemTree(container: container, volume: volume)
    let address = try #require(tree.rootPhysicalAddress)
    let node = try BTreeNode(parsing: try container.block(address))
    return (Int(address), node, tree)
  }

  /// The leaf holding the most file-extent records (descending through the object map).
  static func extentLeaf() throws -> (block: Int, node: BTreeNode, tree: FileSystemTree) {
    var (block, node, tree) = try rootNode()
    var best: (Int, BTreeNode, Int)? = nil
    func extents(_ n: BTreeNode) -> Int {
      n.entries.filter { ((try? n.bytes.u64($0.key.lowerBound)) ?? 0) >> 60 == 8 }.count
    }
    func visit(_ b: Int, _ n: BTreeNode, depth: Int) throws {
      if n.isLeaf {
        if best == nil || extents(n) > best!.2 { best = (b, n, extents(n)) }
        return
      }
      guard depth < 8 else { return }
      for index in n.entries.indices {
        let child = try n.childID(at: index)
        let physical = try #require(tree.objectMap.lookup(ObjectID(child))).physicalAddress
        try visit(Int(physical.rawValue), try BTreeNode(parsing: try tree.container.block(physical)), depth: depth + 1)
      }
    }
    try visit(block, node, depth: 0)
    (block, node) = (best!.0, best!.1)
    return (block, node, tree)
  }

  func triage(leaf: Bool = false, _ mutate: (inout [UInt8], Int, BTreeNode, FileSystemTree) throws -> Void) throws
    -> TriageReport
  {
    let (block, node, tree) = leaf ? try Self.extentLeaf() : try Self.rootNode()
    let path = try Scratch.mutatedCopy(of: Self.sample) { bytes in
      try mutate(&bytes, block * 4096, node, tree)
      BlockEdit.reseal(&bytes, block: block * 4096)
    }
    var options = TriageOptions()
    options.hash = false
    let report = try Triage.run(path: path, options: options, toolVersion: "test")
    #expect(try SchemaCheck.validate(report))
    return report
  }

  @Test func selfReferencingNodeIsALoop() throws {
    let report = try triage { bytes, at, node, tree in
      BlockEdit.put16(&bytes, at + 32, node.flags.rawValue & ~BTreeNode.Flags.leaf.rawValue)
      BlockEdit.put16(&bytes, at + 34, 1)
      let value = try #require(node.entries[0].value)
      BlockEdit.put64(&bytes, at + value.lowerBound, tree.volume.rootTreeOID.rawValue)
    }
    #expect(report.errors.contains { $0.code == "loop" && $0.message.contains("volume") }, "\(report.errors)")
  }

  @Test func cycleThroughTheObjectMapIsCaught() throws {
    // The root becomes an index node whose child is another virtual id that the object map does not know.
    let report = try triage { bytes, at, node, _ in
      BlockEdit.put16(&bytes, at + 32, node.flags.rawValue & ~BTreeNode.Flags.leaf.rawValue)
      BlockEdit.put16(&bytes, at + 34, 1)
      let value = try #require(node.entries[0].value)
      BlockEdit.put64(&bytes, at + value.lowerBound, 0x0FFF_FFFF_FFFF)
    }
    #expect(report.errors.contains { $0.message.contains("not in the volume object map") }, "\(report.errors)")
  }

  @Test func keysOutOfOrderAreRejectedWithTheOffset() throws {
    let report = try triage { bytes, at, node, _ in
      // Swap the table-of-contents entries of two records with different keys.
      let toc = at + 56 + Int(BlockEdit.get32(bytes, at + 40) & 0xFFFF)
      let last = node.entries.count - 1
      for k in 0..<8 {
        let a = toc + k, b = toc + last * 8 + k
        (bytes[a], bytes[b]) = (bytes[b], bytes[a])
      }
    }
    #expect(report.errors.contains { $0.message.contains("keys out of order") && $0.offset != nil }, "\(report.errors)")
  }

  @Test func absurdExtentLengthIsOutOfRange() throws {
    let report = try triage(leaf: true) { bytes, at, node, _ in
      let r = node.bytes
      let index = try #require(node.entries.firstIndex { entry in
        ((try? r.u64(entry.key.lowerBound)) ?? 0) >> 60 == 8
      })
      let value = try #require(node.entries[index].value)
      BlockEdit.put64(&bytes, at + value.lowerBound, 0x00FF_FFFF_FFFF_F000)
    }
    #expect(report.errors.contains { $0.code == "value-out-of-range" && $0.message.contains("phys_block_num") },
            "\(report.errors)")
  }

  @Test func unknownRecordTypesAreCountedAndLocated() throws {
    let report = try triage(leaf: true) { bytes, at, node, _ in
      // Retype the last record of the node as type 15 (keeps key order: type is the top nibble).
      let key = node.entries[node.entries.count - 1].key
      bytes[at + key.lowerBound + 7] = (bytes[at + key.lowerBound + 7] & 0x0F) | 0xF0
    }
    #expect(report.errors.contains { $0.code == "unknown-record-type" && $0.offset != nil }, "\(report.errors)")
    #expect(report.verdict.verdictClass == .recoverable)
  }
}
