import APFSFormat
import Foundation
import ImageAccess
import TestSupport
import Testing

import Reporting
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

  func triage(leaf: Bool = false, language: Language = .en,
              _ mutate: (inout [UInt8], Int, BTreeNode, FileSystemTree) throws -> Void) throws
    -> TriageReport
  {
    let (block, node, tree) = leaf ? try Self.extentLeaf() : try Self.rootNode()
    let path = try Scratch.mutatedCopy(of: Self.sample) { bytes in
      try mutate(&bytes, block * 4096, node, tree)
      BlockEdit.reseal(&bytes, block: block * 4096)
    }
    var options = TriageOptions()
    options.hash = false
    options.language = language
    let report = try Triage.run(path: path, options: options, toolVersion: "test")
    #expect(try SchemaCheck.validate(report))
    return report
  }

  static func selfReference(_ bytes: inout [UInt8], _ at: Int, _ node: BTreeNode, _ tree: FileSystemTree) throws {
    BlockEdit.put16(&bytes, at + 32, node.flags.rawValue & ~BTreeNode.Flags.leaf.rawValue)
    BlockEdit.put16(&bytes, at + 34, 1)
    let value = try #require(node.entries[0].value)
    BlockEdit.put64(&bytes, at + value.lowerBound, tree.volume.rootTreeOID.rawValue)
  }

  /// Points the first file extent of the leaf holding the most extents past the end of the container.
  static func absurdExtent(_ bytes: inout [UInt8], _ at: Int, _ node: BTreeNode, _ tree: FileSystemTree) throws {
    let r = node.bytes
    let index = try #require(node.entries.firstIndex { entry in
      ((try? r.u64(entry.key.lowerBound)) ?? 0) >> 60 == 8
    })
    let value = try #require(node.entries[index].value)
    BlockEdit.put64(&bytes, at + value.lowerBound, 0x00FF_FFFF_FFFF_F000)
  }

  @Test func selfReferencingNodeIsALoop() throws {
    let report = try triage(Self.selfReference)
    #expect(report.errors.contains { $0.code == "loop" && $0.message.contains("volume") }, "\(report.errors)")
  }

  /// The claims a verdict must not make about a volume whose tree is broken, in each language.
  static let readableClaims: [Language: [String]] = [
    .en: ["can be read", "can be walked"], .ja: ["直接読めます", "読み取れます", "たどり、ファイルを取り出せます"],
  ]

  /// A broken tree makes the verdict `damaged`, names the volume, structure and offset, and makes no readability
  /// claim in any language (verdict, findings, rendered text).
  func expectDamaged(leaf: Bool, _ mutate: (inout [UInt8], Int, BTreeNode, FileSystemTree) throws -> Void,
                     errorCode: String) throws -> [TriageReport] {
    var reports: [TriageReport] = []
    for language in Language.allCases {
      let report = try triage(leaf: leaf, language: language, mutate)
      #expect(report.verdict.verdictClass == .damaged, "\(language): \(report.verdict)")
      #expect(report.verdict.reasonCodes?.contains("tree-unwalkable") == true)
      let reason = try #require(report.verdict.reasons.first { $0.contains("Macintosh HD") })
      let finding = try #require(report.findings.first { $0.code == "fs-tree-unwalkable" })
      #expect(finding.volume == "Macintosh HD")
      guard case let .string(structure) = finding.facts["structure"], case let .int(offset) = finding.facts["offset"]
      else { Issue.record("no structure or offset: \(finding.facts)"); continue }
      // Which tree, which structure, which offset, and what went wrong.
      #expect(reason.contains(errorCode) && reason.contains(structure) && reason.contains("\(offset)"), "\(reason)")
      let text = TextRenderer().render(report) + MarkdownRenderer().render(report)
      for claim in Self.readableClaims[language]! {
        #expect(!text.contains(claim), "\(language) claims \"\(claim)\": \(report.verdict)")
      }
      reports.append(report)
    }
    return reports
  }

  @Test func loopingTreeIsDamagedWithoutAReadableClaim() throws {
    let reports = try expectDamaged(leaf: false, Self.selfReference, errorCode: "loop")
    // The root refers to itself: nothing of the tree was read.
    let finding = try #require(reports[0].findings.first { $0.code == "fs-tree-unwalkable" })
    #expect(finding.facts["error_code"] == .string("loop"))
    #expect(reports[0].container?.volumes.first?.fileBytes == nil)
  }

  @Test func absurdExtentIsDamagedAndSaysHowFarTheWalkGot() throws {
    let reports = try expectDamaged(leaf: true, Self.absurdExtent, errorCode: "value-out-of-range")
    let finding = try #require(reports[0].findings.first { $0.code == "fs-tree-unwalkable" })
    #expect(finding.facts["structure"] == .string("j_file_extent_val_t"))
    // The extent sits in a leaf after other records: the walk read some records and files before it.
    guard case let .int(records) = finding.facts["records_read"], case let .int(files) = finding.facts["files_walked"]
    else { Issue.record("figures missing: \(finding.facts)"); return }
    #expect(records > 0 && files > 0, "\(finding.facts)")
    #expect(reports[0].verdict.reasons.contains { $0.contains("\(records) records and \(files) files") })
    #expect(reports[1].verdict.reasons.contains { $0.contains("レコード \(records) 件、ファイル \(files) 個") })
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
    let report = try triage(leaf: true, Self.absurdExtent)
    #expect(report.errors.contains { $0.code == "value-out-of-range" && $0.message.contains("phys_block_num") },
            "\(report.errors)")
  }

  @Test func unknownRecordTypesAreCountedAndLocated() throws {
    let report = try triage(leaf: true) { bytes, at, node, _ in
      // Retype as type 15 a record whose successor in the node belongs to a later object: the type is the top
      // nibble, so key order is kept and only the type is unknown.
      let r = node.bytes
      func objectID(_ index: Int) throws -> UInt64 { try r.u64(node.entries[index].key.lowerBound) & 0x0FFF_FFFF_FFFF_FFFF }
      let index = try #require(try node.entries.indices.dropLast().last { try objectID($0) < objectID($0 + 1) })
      let key = node.entries[index].key
      bytes[at + key.lowerBound + 7] = (bytes[at + key.lowerBound + 7] & 0x0F) | 0xF0
    }
    #expect(report.errors.contains { $0.code == "unknown-record-type" && $0.offset != nil }, "\(report.errors)")
    #expect(report.verdict.verdictClass == .recoverable, "\(report.verdict) \(report.errors)")
  }
}
