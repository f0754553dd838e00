import Foundation
import ImageAccess
import TestSupport
import Testing

@testable import APFSFormat

/// Snapshots of the real macOS image `snapshot.bin` of dissect.apfs 1.1, against the facts of its
/// `tests/test_apfs.py::test_snapshots`: one volume "Snapshots", no "file" in the live root, 512 snapshots named
/// "Snapshot 0" … "Snapshot 511", and in snapshot i the file "file" holding exactly "Snapshot i\n".
@Suite struct SnapshotTests {
  static func open(_ path: String? = nil) throws -> (APFSContainer, APFSSuperblock, FileSystemTree) {
    let container = try APFSContainer.open(try MappedImage(path: path ?? RealImages.dissect("snapshot.bin")))
    let volume = try #require(container.volumes.first?.superblock)
    return (container, volume, try FileSystemTree(container: container, volume: volume))
  }

  static func catalog(_ path: String? = nil) throws -> SnapshotCatalog {
    let (container, volume, live) = try open(path)
    return try SnapshotCatalog(container: container, volume: volume, objectMap: live.objectMap)
  }

  static func contents(_ tree: FileSystemTree, _ path: String) throws -> [UInt8]? {
    guard let target = try tree.resolve(path), let inode = try tree.inode(target.id) else { return nil }
    var out: [UInt8] = []
    try FileContents(tree: tree).stream(inode) { out += $0 }
    return out
  }

  @Test func listsAll512SnapshotsByNameInTransactionOrder() throws {
    let (container, volume, live) = try Self.open()
    #expect(container.volumes.count == 1)
    #expect(volume.name == "Snapshots")
    let catalog = try SnapshotCatalog(container: container, volume: volume, objectMap: live.objectMap)
    #expect(catalog.snapshots.count == 512)
    #expect(catalog.snapshots.map(\.name) == (0..<512).map { "Snapshot \($0)" })
    #expect(UInt64(catalog.snapshots.count) == volume.snapshotCount)
    #expect(catalog.snapshots.count == VolumeCensus.take(live).snapshots)
    let xids = catalog.snapshots.map(\.transactionID)
    #expect(xids == xids.sorted() && Set(xids).count == 512)
    #expect(xids.first == 4 && xids.last == 2566)  // dissect.apfs: Snapshot 0 xid 4, Snapshot 511 xid 2566
    #expect(xids.allSatisfy { $0 <= container.checkpointTransactionID })
    // Name records map every name to its snapshot's xid.
    #expect(catalog.names.count == 512)
    for record in catalog.names {
      #expect(catalog.snapshots.first { $0.transactionID == record.transactionID }?.name == record.name)
    }
    let first = try #require(catalog.snapshots.first)
    #expect(first.superblockAddress == 174 && first.extentRefTreeOID == 166)
    #expect(first.createTime == 1_760_698_535_282_068_986)  // dissect.apfs: 2025-10-17 10:55:35.282069 (µs)
    #expect(first.createTime <= first.changeTime)
    #expect(catalog.snapshot(named: "Snapshot 300")?.name == "Snapshot 300")
    #expect(catalog.snapshot(named: "Snapshot 512") == nil)
  }

  @Test func liveRootHasNoFile() throws {
    let (_, _, live) = try Self.open()
    #expect(try live.children(of: FileSystemTree.rootDirectoryID).allSatisfy { $0.name != "file" })
    #expect(try live.resolve("file") == nil)
  }

  @Test(arguments: [0, 1, 2, 127, 255, 256, 400, 510, 511])
  func fileInSnapshotHoldsItsName(index: Int) throws {
    let (container, volume, _) = try Self.open()
    let catalog = try Self.catalog()
    let snapshot = catalog.snapshots[index]
    let tree = try FileSystemTree(container: container, volume: volume, snapshot: snapshot)
    #expect(tree.snapshot == snapshot)
    #expect(tree.volume.header.transactionID <= snapshot.transactionID)
    #expect(try Self.contents(tree, "file") == Array("Snapshot \(index)\n".utf8))
    #expect(try Self.contents(tree, "/file") == Array("Snapshot \(index)\n".utf8))
  }

  @Test func oneObjectMapWalkServesEverySnapshot() throws {
    let (container, volume, _) = try Self.open()
    let history = try ObjectMap(
      at: volume.objectMapOID, maxTransactionID: TransactionID(container.checkpointTransactionID),
      nodeLimit: 1_000_000, keepingVersions: true, readBlock: container.block)
    let live = try #require(history.bounded(to: TransactionID(container.checkpointTransactionID)))
    #expect(live.mappings == (try FileSystemTree(container: container, volume: volume)).objectMap.mappings)
    let catalog = try Self.catalog()
    for snapshot in catalog.snapshots {
      let tree = try FileSystemTree(container: container, volume: volume, snapshot: snapshot, objectMap: history)
      let name = snapshot.name
      #expect(try Self.contents(tree, "file") == Array("\(name)\n".utf8), "\(name)")
    }
    // Without versions there is nothing to bound.
    #expect(live.bounded(to: 4) == nil)
  }

  // MARK: hostile input

  /// The snapshot metadata tree's leaf holding Snapshot 0's record, and where that record's value starts.
  static func firstMetadataRecord() throws -> (block: Int, valueStart: Int) {
    let (container, volume, _) = try open()
    var address = volume.snapshotMetaTreeOID
    for _ in 0..<8 {
      let node = try BTreeNode(parsing: try container.block(address))
      if node.isLeaf {
        let entry = try #require(node.entries.first { ((try? node.bytes.u64($0.key.lowerBound)) ?? 0) >> 60 == 1 })
        return (Int(address), try #require(entry.value).lowerBound)
      }
      address = try node.childID(at: 0)
    }
    throw ParseError(.invalid("no leaf"), in: "test", at: nil)
  }

  @Test func absurdNameLengthIsALocatedError() throws {
    let (block, valueStart) = try Self.firstMetadataRecord()
    let path = try Scratch.mutatedCopy(of: try RealImages.dissect("snapshot.bin")) { bytes in
      BlockEdit.put16(&bytes, block * 4096 + valueStart + 48, 0xFFFF)
      BlockEdit.reseal(&bytes, block: block * 4096)
    }
    do {
      _ = try Self.catalog(path)
      Issue.record("no error")
    } catch let error as ParseError {
      #expect(error.reason == .valueOutOfRange(field: "name_len", value: 0xFFFF))
      #expect(error.structure == "j_snap_metadata_val_t")
      #expect(error.offset == block * 4096 + valueStart + 48)
    }
  }

  @Test func truncatedValueIsALocatedError() throws {
    let reader = ByteReader(Array(repeating: 0, count: 64), base: 8192)
    #expect(throws: ParseError(.truncated(needed: 50, available: 20), in: "j_snap_metadata_val_t", at: 8192 + 10)) {
      try SnapshotMetadata(key: FSKey(objectID: 4, type: .snapshotMetadata), parsing: reader, value: 10..<30)
    }
    var bytes = [UInt8](repeating: 0, count: 64)
    bytes[48] = 20  // name_len 20, but only 14 bytes follow the fixed part
    #expect(throws: ParseError(.valueOutOfRange(field: "name_len", value: 20), in: "j_snap_metadata_val_t", at: 48)) {
      try SnapshotMetadata(key: FSKey(objectID: 4, type: .snapshotMetadata), parsing: ByteReader(bytes), value: 0..<64)
    }
  }

  @Test func selfReferencingSnapshotTreeIsALoop() throws {
    let (container, volume, _) = try Self.open()
    let root = Int(volume.snapshotMetaTreeOID)
    let node = try BTreeNode(parsing: try container.block(UInt64(root)))
    let path = try Scratch.mutatedCopy(of: try RealImages.dissect("snapshot.bin")) { bytes in
      if node.isLeaf {  // make it an index node first
        BlockEdit.put16(&bytes, root * 4096 + 32, node.flags.rawValue & ~BTreeNode.Flags.leaf.rawValue)
        BlockEdit.put16(&bytes, root * 4096 + 34, 1)
      }
      BlockEdit.put64(&bytes, root * 4096 + node.entries[0].value!.lowerBound, UInt64(root))
      BlockEdit.reseal(&bytes, block: root * 4096)
    }
    do {
      _ = try Self.catalog(path)
      Issue.record("no error")
    } catch let error as ParseError {
      #expect(error.code == "loop" || error.code == "invalid", "\(error)")
      #expect(error.structure == "snapshot metadata tree", "\(error)")
    }
  }

  @Test func damagedSnapshotSuperblockIsAChecksumError() throws {
    let snapshot = try #require(try Self.catalog().snapshots.first)
    let at = Int(snapshot.superblockAddress) * 4096
    let path = try Scratch.mutatedCopy(of: try RealImages.dissect("snapshot.bin")) { bytes in bytes[at + 0x2C0] ^= 0xFF }
    let (container, volume, _) = try Self.open(path)
    do {
      _ = try FileSystemTree(container: container, volume: volume, snapshot: snapshot)
      Issue.record("no error")
    } catch let error as ParseError {
      #expect(error.code == "checksum-mismatch")
      #expect(error.offset == at)
    }
  }
}
