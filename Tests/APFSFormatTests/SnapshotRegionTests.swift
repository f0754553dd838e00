import Foundation
import ImageAccess
import RegionMap
import TestSupport
import Testing

@testable import APFSFormat

/// Blocks only snapshots use are classed in the structural region map (`SnapshotFootprint`) instead of `unknown`,
/// and nothing changes for volumes without snapshots.
@Suite struct SnapshotRegionTests {
  static func map(_ path: String) throws -> (StructuralRegionMap.Result, APFSContainer) {
    let container = try APFSContainer.open(try MappedImage(path: path))
    var censuses: [Int: VolumeCensus] = [:]
    for entry in container.volumes {
      guard let volume = entry.superblock else { continue }
      censuses[entry.index] = VolumeCensus.take(try FileSystemTree(container: container, volume: volume))
    }
    return (StructuralRegionMap.build(container: container, censuses: censuses), container)
  }

  static func classOf(block: UInt64, in map: RegionMap) -> RegionClass? {
    let offset = Int(block) * 4096
    return map.runs.first { $0.offset <= offset && offset < $0.end }?.regionClass
  }

  @Test func snapshotTreesAndFilesAreClassed() throws {
    let path = try RealImages.dissect("snapshot.bin")
    let (result, container) = try Self.map(path)
    #expect(result.errors.isEmpty, "\(result.errors)")
    #expect(result.referencedButFreeBlocks == 0)
    // Before: 65.7 % of the container was unknown (only the live tree was walked). Left now: about 3 %, object-map
    // blocks of older transactions that nothing references any more.
    #expect(result.map.bytes(of: .unknown) * 100 < result.map.totalBytes * 4, "\(result.map.summary)")
    let volume = try #require(container.volumes.first?.superblock)
    let catalog = try SnapshotTests.catalog(path)
    for index in [0, 100, 255, 511] {
      let snapshot = catalog.snapshots[index]
      #expect(Self.classOf(block: snapshot.superblockAddress, in: result.map) == .volumeMetadata)
      let tree = try FileSystemTree(container: container, volume: volume, snapshot: snapshot)
      let file = try #require(try tree.resolve("file"))
      let inode = try #require(try tree.inode(file.id))
      let extents = try tree.extents(of: inode.privateID)
      #expect(!extents.isEmpty)
      for extent in extents {
        #expect(Self.classOf(block: extent.physicalBlock.rawValue, in: result.map) == .filePlaintext, "Snapshot \(index)")
      }
      let root = try #require(tree.rootPhysicalAddress)
      #expect(Self.classOf(block: root, in: result.map) == .volumeMetadata)
    }
  }

  @Test func volumesWithoutSnapshotsAreUnchanged() throws {
    for image in ["case_sensitive.bin", "jhfs_converted.bin"] {
      let container = try APFSContainer.open(try MappedImage(path: try RealImages.dissect(image)))
      let volume = try #require(container.volumes.first?.superblock)
      #expect(volume.snapshotCount == 0)
      let footprint = SnapshotFootprint.take(container: container, volume: volume)
      #expect(footprint.metadataBlocks.isEmpty && footprint.dataRuns.isEmpty && footprint.errors.isEmpty)
    }
  }

  @Test func aDamagedSnapshotCostsOnlyItself() throws {
    let snapshot = try #require(try SnapshotTests.catalog().snapshots.dropFirst(3).first)
    let at = Int(snapshot.superblockAddress) * 4096
    let path = try Scratch.mutatedCopy(of: try RealImages.dissect("snapshot.bin")) { bytes in bytes[at + 0x2C0] ^= 0xFF }
    let container = try APFSContainer.open(try MappedImage(path: path))
    let volume = try #require(container.volumes.first?.superblock)
    let footprint = SnapshotFootprint.take(container: container, volume: volume)
    #expect(footprint.snapshotsWalked == 511)
    #expect(footprint.errors.count == 1)
    let error = try #require(footprint.errors.first)
    #expect(error.code == "checksum-mismatch" && error.offset == at)
    #expect(error.structure.contains("Snapshot 3"), "\(error)")
  }

  @Test func aSmallNodeBudgetStopsTheSnapshotWalksWithALocatedError() throws {
    // Thousands of snapshots pointing at one large tree must not turn into a hang: the walks share a budget.
    let path = try RealImages.dissect("snapshot.bin")
    let container = try APFSContainer.open(try MappedImage(path: path))
    let volume = try #require(container.volumes.first?.superblock)
    let full = SnapshotFootprint.take(container: container, volume: volume)
    #expect(full.snapshotsWalked == 512)
    let limited = SnapshotFootprint.take(container: container, volume: volume, budget: 50)
    #expect(limited.snapshotsWalked < 512)
    #expect(limited.errors.contains { $0.code == "limit-exceeded" })
    #expect(limited.errors.count <= 2)  // the snapshot that ran out, and how many were left: no error per snapshot
  }
}
