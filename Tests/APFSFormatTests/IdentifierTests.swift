import ImageAccess
import Testing
import TestSupport

@testable import APFSFormat

/// Object ids, transaction ids and physical blocks are distinct types where the format mixes them: the object map
/// is keyed by `ObjectID` and answers a `PhysicalBlock`; the checkpoint map maps ephemeral `ObjectID`s to blocks.
@Suite struct IdentifierTests {
  @Test func theObjectMapResolvesObjectIDsToPhysicalBlocks() throws {
    let container = try APFSContainer.open(try MappedImage(path: try RealImages.dissect("case_sensitive.bin")))
    let entry = try #require(container.volumes.first)
    let oid: ObjectID = entry.objectID
    let mapping = try #require(container.objectMap.lookup(oid))
    let block: PhysicalBlock = mapping.physicalAddress
    #expect(entry.physicalAddress == block)
    #expect(mapping.transactionID <= TransactionID(container.checkpointTransactionID))
    // The block read through the typed address is the volume superblock the container already parsed.
    let volume = try APFSSuperblock(parsing: try container.block(block))
    #expect(volume.uuid == entry.superblock?.uuid)
    // A virtual root-tree oid is looked up, never read as a block.
    let tree = try FileSystemTree(container: container, volume: volume)
    let root: ObjectID = volume.rootTreeOID
    #expect(tree.objectMap.lookup(root) != nil)
    #expect(tree.rootPhysicalAddress == tree.objectMap.lookup(root)?.physicalAddress.rawValue)
  }

  @Test func aBlockOffsetThatLeavesIntIsALocatedOverflow() throws {
    #expect(try PhysicalBlock(10).byteOffset(blockSize: 4096, structure: "test") == 40960)
    #expect(throws: ParseError(.arithmeticOverflow(field: "physical block \(UInt64.max / 2) × block size 4096"),
                               in: "j_file_extent_val_t", at: nil)) {
      _ = try PhysicalBlock(UInt64.max / 2).byteOffset(blockSize: 4096, structure: "j_file_extent_val_t")
    }
  }

  @Test func identifiersOrderAndPrintAsTheirNumbers() {
    #expect(ObjectID(5) < ObjectID(6))
    #expect(TransactionID(9).description == "9")
    #expect(PhysicalBlock(7).rawValue == 7)
    let mapping = ObjectMap.Mapping(transactionID: 3, flags: 1, size: 4096, physicalAddress: 100)
    #expect(mapping.isDeleted)
  }
}
