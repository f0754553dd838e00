import APFSFormat
import Foundation
import ImageAccess
import TestSupport
import Testing

@testable import Triage

/// Hostile and broken evidence: each case ends in a report with a verdict and a located error, never a crash or a
/// hang (every loop in the container layer is bounded; a looping case that hung would time the suite out).
@Suite struct BadInputTests {
  func triage(_ path: String) throws -> TriageReport {
    var options = TriageOptions()
    options.hash = false
    return try Triage.run(path: path, options: options, toolVersion: "test")
  }

  @Test func textZerosRandomAndEmptyAreNotAPFS() throws {
    let cases: [[UInt8]] = [
      Array("This is a text file, not an image.\n".utf8),
      [UInt8](repeating: 0, count: 1 << 20),
      Scratch.randomBytes(count: 1 << 20, seed: 42),
      [],
    ]
    for bytes in cases {
      let report = try triage(try Scratch.file(bytes))
      #expect(report.verdict.verdictClass == .notAPFS)
      #expect(report.container == nil)
      #expect(!report.errors.isEmpty)
      #expect(try SchemaCheck.validate(report))
    }
  }

  @Test func truncatedContainerIsDamagedWithTheOffset() throws {
    // The first 64 KiB of a real 4 MiB container: block 0 is intact, the checkpoint blocks it names are not.
    let path = try Scratch.mutatedCopy(of: try RealImages.dissect("case_insensitive.bin")) { bytes in
      bytes = Array(bytes[0..<65536])
    }
    let report = try triage(path)
    #expect(report.verdict.verdictClass == .damaged || report.findings.contains { $0.code == "image-truncated" })
    #expect(report.errors.contains { $0.offset != nil })
    #expect(try SchemaCheck.validate(report))
  }

  @Test func zeroedBlockZeroIsRecoveredFromTheCheckpointArea() throws {
    let path = try Scratch.mutatedCopy(of: try RealImages.dissect("case_insensitive.bin")) { bytes in
      for i in 0..<4096 { bytes[i] = 0 }
    }
    let report = try triage(path)
    #expect(report.verdict.verdictClass == .recoverable)
    #expect(report.container?.checkpointXID == 4)
    #expect(report.errors.contains { $0.code == "block-zero-invalid" && $0.offset == 0 })
    #expect(try SchemaCheck.validate(report))
  }

  @Test func zeroedSuperblocksEverywhereAreNotAPFSWithTheOffset() throws {
    let path = try Scratch.mutatedCopy(of: try RealImages.dissect("case_insensitive.bin")) { bytes in
      for i in 0..<(256 * 4096) { bytes[i] = 0 }
    }
    let report = try triage(path)
    #expect(report.verdict.verdictClass == .notAPFS)
    #expect(report.errors.contains { $0.code == "bad-magic" && $0.offset == 32 })
  }

  @Test func everyCheckpointWithABadChecksumIsDamaged() throws {
    let original = try RealImages.dissect("case_insensitive.bin")
    let container = try APFSContainer.open(try MappedImage(path: original))
    let base = Int(container.superblock.checkpointDescriptorBase)
    let count = Int(container.superblock.descriptorAreaBlockCount)
    let path = try Scratch.mutatedCopy(of: original) { bytes in
      for block in base..<(base + count) { bytes[block * 4096 + 100] ^= 0xFF }  // every descriptor block
    }
    let report = try triage(path)
    #expect(report.verdict.verdictClass == .damaged)
    #expect(report.errors.contains { $0.code == "checksum-mismatch" })
    #expect(report.verdict.reasons.joined().contains("checksum mismatch"))
    #expect(try SchemaCheck.validate(report))
  }

  @Test func selfReferencingObjectMapNodeEndsInALoopError() throws {
    let original = try RealImages.dissect("case_insensitive.bin")
    let container = try APFSContainer.open(try MappedImage(path: original))
    let root = Int(container.objectMap.header.treeOID)
    let path = try Scratch.mutatedCopy(of: original) { bytes in
      let at = root * 4096
      BlockEdit.put16(&bytes, at + 32, 0x0001 | 0x0004)  // root, not a leaf, fixed-size
      BlockEdit.put16(&bytes, at + 34, 1)  // level 1
      // The first entry's value becomes a pointer to this very node.
      let tocStart = 56 + Int(BlockEdit.get32(bytes, at + 40) & 0xFFFF)
      let valueOffset = Int(bytes[at + tocStart + 2]) | Int(bytes[at + tocStart + 3]) << 8
      BlockEdit.put64(&bytes, at + 4096 - 40 - valueOffset, UInt64(root))
      BlockEdit.reseal(&bytes, block: at)
    }
    let report = try triage(path)
    #expect(report.errors.contains { $0.code == "loop" })
    #expect(try SchemaCheck.validate(report))
  }

  @Test func absurdCheckpointMapCountIsRejectedWithItsOffset() throws {
    let original = try RealImages.dissect("case_insensitive.bin")
    let container = try APFSContainer.open(try MappedImage(path: original))
    let sb = container.superblock
    let mapBlock = Int(sb.checkpointDescriptorBase) + Int(sb.checkpointDescriptorIndex)
    let path = try Scratch.mutatedCopy(of: original) { bytes in
      BlockEdit.put32(&bytes, mapBlock * 4096 + 0x24, 0xFFFF_FFFF)
      BlockEdit.reseal(&bytes, block: mapBlock * 4096)
    }
    let report = try triage(path)
    #expect(report.errors.contains {
      $0.code == "value-out-of-range" && $0.offset == mapBlock * 4096 + 0x24 && $0.message.contains("cpm_count")
    })
  }

  @Test func absurdBlockCountIsReportedNotTrapped() throws {
    let path = try Scratch.mutatedCopy(of: try RealImages.dissect("case_insensitive.bin")) { bytes in
      BlockEdit.put64(&bytes, 0x28, UInt64.max / 2)
      BlockEdit.reseal(&bytes, block: 0)
    }
    let report = try triage(path)
    #expect(report.verdict.verdictClass == .damaged)
    #expect(report.errors.contains { $0.code == "arithmetic-overflow" })
  }

  @Test func triageLeavesTheEvidenceBytesAndMtimeUnchanged() throws {
    let path = try Scratch.mutatedCopy(of: try RealImages.dissect("corrupt.bin")) { _ in }
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    let before = try EvidenceHash.sha256(of: try MappedImage(path: path))
    let folder = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    var options = TriageOptions()
    options.hash = true
    let report = try Triage.run(path: path, options: options, toolVersion: "test")
    #expect(report.evidence.sha256 == before)
    let after = try FileManager.default.attributesOfItem(atPath: path)
    #expect(attributes[.modificationDate] as? Date == after[.modificationDate] as? Date)
    #expect(attributes[.size] as? Int == after[.size] as? Int)
    #expect(try EvidenceHash.sha256(of: try MappedImage(path: path)) == before)
    // Nothing new beside the evidence.
    #expect(try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) == folder)
  }
}
