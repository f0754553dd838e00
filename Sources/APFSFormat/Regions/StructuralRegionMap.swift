import ImageAccess
import RegionMap

/// Classifies every block of a container from its structures: container metadata, volume metadata, plaintext and
/// encrypted file data, free space (allocation bitmap), and `unknown` (allocated but not explained).
///
/// Sources are laid over the allocation bitmap with a sweep over interval boundaries, higher classes winning where
/// they overlap: file-encrypted > file-plaintext > volume-metadata > container-metadata > allocated (`unknown`) >
/// free. Memory is proportional to the number of intervals, not to the container size.
public enum StructuralRegionMap {
  /// What went into the map besides the runs.
  public struct Result: Sendable {
    public var map: RegionMap
    /// Blocks the structures use that the bitmap calls free (inconsistent structures or a stale bitmap).
    public var referencedButFreeBlocks: UInt64
    public var errors: [ParseError]
  }

  /// Blocks of one class from one source.
  public struct Interval: Sendable {
    public var start: UInt64
    public var count: UInt64
    public var regionClass: RegionClass
    public init(_ regionClass: RegionClass, start: UInt64, count: UInt64) {
      self.regionClass = regionClass
      self.start = start
      self.count = count
    }
  }

  static let priority: [RegionClass: Int] = [
    .free: 0, .unknown: 1, .containerMetadata: 2, .volumeMetadata: 3, .filePlaintext: 4, .fileEncrypted: 5,
  ]

  /// Container-level metadata blocks of `container`: block 0, checkpoint areas, space manager structures, object
  /// map nodes, the keybag.
  public static func containerMetadata(_ container: APFSContainer, bitmap: AllocationBitmap?) -> [Interval] {
    let sb = container.superblock
    let sm = container.spaceManager
    var out: [Interval] = [Interval(.containerMetadata, start: 0, count: 1)]
    out.append(Interval(.containerMetadata, start: sb.checkpointDescriptorBase, count: UInt64(sb.descriptorAreaBlockCount)))
    out.append(Interval(.containerMetadata, start: sb.checkpointDataBase, count: UInt64(sb.dataAreaBlockCount)))
    out.append(Interval(.containerMetadata, start: sm.internalPoolBase, count: sm.internalPoolBlockCount))
    out.append(Interval(.containerMetadata, start: sm.internalPoolBitmapBase,
                        count: UInt64(sm.internalPoolBitmapBlockCount)))
    out.append(Interval(.containerMetadata, start: sb.objectMapOID.rawValue, count: 1))
    out += container.objectMap.nodeAddresses.map { Interval(.containerMetadata, start: $0, count: 1) }
    if sb.keylockerBlock != 0 {
      out.append(Interval(.containerMetadata, start: sb.keylockerBlock, count: max(1, sb.keylockerBlockCount)))
    }
    if sb.mediaKeybagBlock != 0 {
      out.append(Interval(.containerMetadata, start: sb.mediaKeybagBlock, count: max(1, sb.mediaKeybagBlockCount)))
    }
    if sb.efiJumpstart != 0 { out.append(Interval(.containerMetadata, start: sb.efiJumpstart, count: 1)) }
    out += (bitmap?.structureBlocks ?? []).map { Interval(.containerMetadata, start: $0, count: 1) }
    return out
  }

  /// Builds the map from the bitmap (or, without one, everything `unknown`) and the given intervals.
  public static func build(
    blockCount: UInt64, blockSize: Int, bitmap: AllocationBitmap?, intervals: [Interval], errors: [ParseError] = []
  ) -> Result {
    // Events: (block, class priority, +1/-1). Base layer from the bitmap.
    var events: [(UInt64, Int, Int)] = []
    events.reserveCapacity(2 * (intervals.count + (bitmap?.runs.count ?? 1)))
    var allocatedRuns: [(UInt64, UInt64)] = []
    if let bitmap {
      for run in bitmap.runs {
        let p = run.allocated ? priority[.unknown]! : priority[.free]!
        events.append((run.start, p, 1))
        events.append((run.start + run.count, p, -1))
        if run.allocated { allocatedRuns.append((run.start, run.start + run.count)) }
      }
    } else {
      events.append((0, priority[.unknown]!, 1))
      events.append((blockCount, priority[.unknown]!, -1))
      allocatedRuns.append((0, blockCount))
    }
    for interval in intervals where interval.count > 0 && interval.start < blockCount {
      let end = min(blockCount, interval.start &+ interval.count)
      let p = priority[interval.regionClass]!
      events.append((interval.start, p, 1))
      events.append((end, p, -1))
    }
    events.sort { ($0.0, $0.2) < ($1.0, $1.2) }
    let classes: [RegionClass] = [.free, .unknown, .containerMetadata, .volumeMetadata, .filePlaintext, .fileEncrypted]
    var active = [Int](repeating: 0, count: classes.count)
    var map = RegionMap(source: .structure)
    var position: UInt64 = 0
    var referencedButFree: UInt64 = 0
    var index = 0
    while index < events.count {
      let at = events[index].0
      if at > position, let top = active.lastIndex(where: { $0 > 0 }) {
        let end = min(at, blockCount)
        if end > position {
          map.append(classes[top], offset: Int(position) * blockSize, length: Int(end - position) * blockSize)
          if top >= 2, active[1] == 0, active[0] > 0 { referencedButFree += end - position }
        }
      }
      position = max(position, at)
      while index < events.count, events[index].0 == at {
        active[events[index].1] += events[index].2
        index += 1
      }
    }
    return Result(map: map, referencedButFreeBlocks: referencedButFree, errors: errors)
  }
}
