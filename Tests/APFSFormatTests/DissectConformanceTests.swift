import Foundation
import ImageAccess
import TestSupport
import Testing

@testable import APFSFormat

/// Container and volume figures on the real macOS-made images of dissect.apfs 1.1, against TSK `pstat` (run live) and
/// the dissect.apfs figures recorded in ../shared/docs/apfs-notes.md §5.1.
@Suite struct DissectConformanceTests {
  struct Expected: Sendable {
    var image: String
    var blockCount: UInt64
    var freeBlocks: UInt64
    var checkpointXID: UInt64
    var volumeName: String
    var flags: VolumeFlags
    var alloc: UInt64
    var files: UInt64
    var directories: UInt64
    var snapshots: UInt64
    var keybag: Bool
  }

  // From apfs-notes.md §5.1 (dissect.apfs 1.1 and a stdlib reader, cross-checked with pstat there).
  static let expected: [Expected] = [
    Expected(image: "case_insensitive.bin", blockCount: 1024, freeBlocks: 819, checkpointXID: 4,
             volumeName: "Case Insensitive", flags: .unencrypted, alloc: 98, files: 19, directories: 3, snapshots: 0,
             keybag: false),
    Expected(image: "case_insensitive_beta.bin", blockCount: 1014, freeBlocks: 891, checkpointXID: 5,
             volumeName: "Case Insensitive (beta)", flags: .unencrypted, alloc: 15, files: 15, directories: 3,
             snapshots: 0, keybag: false),
    Expected(image: "case_sensitive.bin", blockCount: 1024, freeBlocks: 819, checkpointXID: 4,
             volumeName: "Case Sensitive", flags: .unencrypted, alloc: 98, files: 19, directories: 3, snapshots: 0,
             keybag: false),
    Expected(image: "case_sensitive_beta.bin", blockCount: 1014, freeBlocks: 891, checkpointXID: 5,
             volumeName: "Case Sensitive (beta)", flags: .unencrypted, alloc: 15, files: 15, directories: 3,
             snapshots: 0, keybag: false),
    Expected(image: "encrypted.bin", blockCount: 1024, freeBlocks: 803, checkpointXID: 11,
             volumeName: "Encrypted", flags: .onekey, alloc: 98, files: 19, directories: 3, snapshots: 0,
             keybag: true),
    Expected(image: "jhfs_converted.bin", blockCount: 4086, freeBlocks: 3713, checkpointXID: 8,
             volumeName: "JHFS+ Converted", flags: .unencrypted, alloc: 99, files: 21, directories: 4, snapshots: 0,
             keybag: false),
    Expected(image: "jhfs_encrypted.bin", blockCount: 124990, freeBlocks: 124258, checkpointXID: 10,
             volumeName: "JHFS+ Encrypted Converted", flags: .onekey, alloc: 101, files: 23, directories: 4,
             snapshots: 0, keybag: true),
    Expected(image: "snapshot.bin", blockCount: 8192, freeBlocks: 1472, checkpointXID: 2573,
             volumeName: "Snapshots", flags: .unencrypted, alloc: 5813, files: 1027, directories: 1, snapshots: 512,
             keybag: false),
  ]

  @Test(arguments: expected.map(\.image))
  func matchesDissectFigures(image: String) throws {
    let want = Self.expected.first { $0.image == image }!
    let container = try APFSContainer.open(try MappedImage(path: try RealImages.dissect(image)))
    #expect(container.superblock.blockCount == want.blockCount)
    #expect(container.spaceManager.main.freeCount == want.freeBlocks)
    #expect(container.checkpointTransactionID == want.checkpointXID)
    #expect(!container.usedFallbackCheckpoint)
    #expect(container.hasKeybag == want.keybag)
    #expect(container.volumes.count == 1)
    let volume = try #require(container.volumes.first?.superblock)
    #expect(volume.name == want.volumeName)
    #expect(volume.role == .none)
    #expect(volume.flags.contains(want.flags))
    #expect(volume.allocatedBlockCount == want.alloc)
    #expect(volume.reserveBlockCount == 0 && volume.quotaBlockCount == 0)
    #expect(volume.fileCount == want.files)
    #expect(volume.directoryCount == want.directories)
    #expect(volume.snapshotCount == want.snapshots)
    #expect(volume.encryption == (want.flags == .onekey ? .onekey : .none))
  }

  /// TSK `pstat` run on the same file: block size, block count, free blocks, volume name, consumed capacity,
  /// encryption and case sensitivity must agree.
  @Test(arguments: expected.map(\.image))
  func agreesWithPstat(image: String) throws {
    let path = try RealImages.dissect(image)
    let (status, output) = try RealImages.run("pstat", [path])
    #expect(status == 0)
    let container = try APFSContainer.open(try MappedImage(path: path))
    let volume = try #require(container.volumes.first?.superblock)
    func field(_ name: String) -> String? {
      output.split(separator: "\n").first { $0.contains(name + ":") }
        .map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) }
    }
    #expect(field("Block Size") == "\(container.blockSize) B")
    #expect(field("Number of Blocks") == "\(container.superblock.blockCount)")
    #expect(field("Number of Free Blocks") == "\(container.spaceManager.main.freeCount)")
    #expect(field("NX xid") == "\(container.checkpointTransactionID)")
    #expect(field("Name (Role)") == "\(volume.name) (No specific role)")
    #expect(field("Capacity Consumed") == "\(volume.allocatedBlockCount * UInt64(container.blockSize)) B")
    #expect(field("Encrypted") == (volume.encryption == .none ? "No" : "Yes"))
    #expect(field("Case Sensitive") == (volume.isCaseSensitive ? "Yes" : "No"))
    #expect(output.contains("Container \(container.superblock.uuid)"))
    #expect(output.contains("Volume \(volume.uuid)"))
  }

  /// corrupt.bin: xid 304 has a valid superblock but a broken object map; 303 has a bad checksum. dissect.apfs uses
  /// 302, and so must Ringo. TSK takes 304 (it does not validate the object map: apfs-notes §5), so pstat is not the
  /// oracle here.
  @Test func corruptFallsBackTo302LikeDissect() throws {
    let container = try APFSContainer.open(try MappedImage(path: try RealImages.dissect("corrupt.bin")))
    #expect(container.checkpointTransactionID == 302)
    #expect(container.usedFallbackCheckpoint)
    let skipped = container.checkpointAttempts.compactMap { attempt -> (UInt64, ParseError)? in
      if case let .skipped(error) = attempt.outcome { return (attempt.transactionID, error) }
      return nil
    }
    #expect(skipped.map(\.0) == [304, 303])
    if case .checksumMismatch = skipped.last?.1.reason {} else { Issue.record("303 should fail its checksum") }
    #expect(container.volumes.first?.superblock?.name == "Mount me daddy")
    #expect(container.anomalies.contains { $0.code == "stale-block-zero" })
  }

  @Test(arguments: ["jhfs_converted.bin", "jhfs_encrypted.bin"])
  func shortImagesAreReportedTruncatedWithTheMissingBytes(image: String) throws {
    let container = try APFSContainer.open(try MappedImage(path: try RealImages.dissect(image)))
    let anomaly = try #require(container.anomalies.first { $0.code == "image-truncated" })
    #expect(anomaly.message.contains("512 bytes missing"))
  }
}
