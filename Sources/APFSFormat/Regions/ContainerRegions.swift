import ImageAccess
import RegionMap

extension StructuralRegionMap {
  /// The structural region map of `container`, using the tree censuses of its volumes (by volume index) for file
  /// data and tree nodes, and the trees of their snapshots (``SnapshotFootprint``) for blocks only snapshots use.
  /// Volumes without a complete census still contribute their superblock, object map and the nodes their object map
  /// points at.
  public static func build(container: APFSContainer, censuses: [Int: VolumeCensus]) -> Result {
    var errors: [ParseError] = []
    var bitmap: AllocationBitmap? = nil
    do {
      bitmap = try AllocationBitmap(container: container, spacemanBlock: try container.block(container.spacemanAddress))
    } catch {
      errors.append((error as? ParseError) ?? ParseError(.invalid("\(error)"), in: "spaceman bitmap", at: nil))
    }
    var intervals = containerMetadata(container, bitmap: bitmap)
    for entry in container.volumes {
      guard let volume = entry.superblock else { continue }
      if let address = entry.physicalAddress { intervals.append(Interval(.volumeMetadata, start: address.rawValue, count: 1)) }
      intervals.append(Interval(.volumeMetadata, start: volume.objectMapOID.rawValue, count: 1))
      if let census = censuses[entry.index] {
        intervals += census.metadataBlocks.map { Interval(.volumeMetadata, start: $0, count: 1) }
        intervals += census.dataRuns.map {
          Interval($0.encrypted ? .fileEncrypted : .filePlaintext, start: $0.start, count: $0.count)
        }
        if !census.isComplete {
          // Every object the volume's object map points at is volume metadata (tree nodes, even encrypted ones).
          if let tree = try? FileSystemTree(container: container, volume: volume) {
            intervals += tree.objectMap.mappings.values.map { Interval(.volumeMetadata, start: $0.physicalAddress.rawValue, count: 1) }
            intervals += tree.objectMap.nodeAddresses.map { Interval(.volumeMetadata, start: $0, count: 1) }
          }
        }
      }
      // Snapshots: only for volumes that have some (maps of volumes without snapshots are unchanged) and whose
      // live tree could be read (an encrypted tree's snapshots are encrypted too).
      let census = censuses[entry.index]
      if volume.snapshotCount > 0 || (census?.snapshots ?? 0) > 0, census?.metadataEncrypted != true {
        let footprint = SnapshotFootprint.take(container: container, volume: volume)
        intervals += footprint.metadataBlocks.map { Interval(.volumeMetadata, start: $0, count: 1) }
        intervals += footprint.dataRuns.map {
          Interval($0.encrypted ? .fileEncrypted : .filePlaintext, start: $0.start, count: $0.count)
        }
        errors += footprint.errors.map { error in
          var named = error
          named.structure = "volume \"\(volume.name)\" \(error.structure)"
          return named
        }
      }
      if volume.extentRefTreeOID != 0 {
        let recorder = AddressRecorder()
        let walker = BTreeWalker(structure: "extent-reference tree",
                                 nodeLimit: container.nodeLimit) { address in
          recorder.append(address)
          return try container.block(address)
        }
        do {
          try walker.walk(root: volume.extentRefTreeOID) { _, _ in }
        } catch {
          errors.append((error as? ParseError) ?? ParseError(.invalid("\(error)"), in: "extent-reference tree", at: nil))
        }
        intervals += recorder.addresses.map { Interval(.volumeMetadata, start: $0, count: 1) }
      }
    }
    return build(blockCount: container.superblock.blockCount, blockSize: container.blockSize, bitmap: bitmap,
                 intervals: intervals, errors: errors)
  }
}
