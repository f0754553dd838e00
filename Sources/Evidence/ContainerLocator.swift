import APFSFormat
import ImageAccess

/// The one place that finds an APFS container inside a disk: a container at offset 0, the first Apple_APFS partition
/// of a GPT, or else the whole disk handed on (the container layer probes past a zeroed block 0).
///
/// Used for evidence files (after ``OpenedEvidence`` has undone any wrapper: EWF, split raw, DMG) and for disks that
/// do not come from an evidence file, e.g. the root-filesystem DMG inside an IPSW. Partition offsets are computed with
/// checked arithmetic; an overflowing LBA is a located ``ParseError`` in ``Located/problems``, never a trap.
public enum ContainerLocator {
  /// How the container sits in the disk.
  public enum Layout: String, Sendable {
    /// `nx_superblock_t` at offset 0.
    case raw
    /// Inside an Apple_APFS partition of a GUID partition table.
    case gpt
    /// Neither was found; the whole disk is handed to the container layer, which probes for a superblock.
    case unknown
  }

  /// Where the container is, and what was seen on the way.
  public struct Located: Sendable {
    public var layout: Layout
    /// The container's bytes (the disk, or a slice of it), or `nil` when a GPT has no usable APFS partition.
    public var source: (any ByteSource)?
    /// Offset of `source` inside the disk.
    public var offset: Int?
    public var partitions: [OpenedEvidence.Partition]
    /// Tolerated problems (bad GPT CRCs, a partition past the end of the disk, overflowing LBAs).
    public var problems: [ParseError]
  }

  /// True when `disk` holds a container superblock magic ("NXSB" at byte 32) at offset 0.
  public static func hasContainerSuperblock(_ disk: any ByteSource) -> Bool {
    (try? disk.reader(at: 32, length: 4, structure: "nx_superblock_t").u32(0)) == NXSuperblock.magic
  }

  /// Finds the container in `disk`. Never throws: problems are returned with whatever was found.
  public static func locate(in disk: any ByteSource) -> Located {
    if hasContainerSuperblock(disk) {
      return Located(layout: .raw, source: disk, offset: 0, partitions: [], problems: [])
    }
    let gpt: GPT
    do {
      guard let found = try GPT.read(from: disk) else {
        return Located(layout: .unknown, source: disk, offset: 0, partitions: [], problems: [])
      }
      gpt = found
    } catch let error as ParseError {
      return Located(layout: .gpt, source: nil, offset: nil, partitions: [], problems: [error])
    } catch {
      return Located(layout: .unknown, source: disk, offset: 0, partitions: [], problems: [])
    }
    var problems = gpt.problems
    var partitions: [OpenedEvidence.Partition] = []
    var apfs: Range<Int>? = nil
    for p in gpt.partitions {
      do {
        let range = try p.byteRange(sectorSize: gpt.sectorSize)
        partitions.append(.init(index: p.index, typeGUID: p.typeGUID, name: p.name, offsetBytes: range.lowerBound,
                                lengthBytes: range.count))
        if p.isAPFS, apfs == nil { apfs = range }
      } catch {
        problems.append(error)
      }
    }
    guard let range = apfs else {
      return Located(layout: .gpt, source: nil, offset: nil, partitions: partitions, problems: problems)
    }
    // A partition running past the end of the disk is read up to the end (and reported).
    let available = max(0, disk.byteCount - range.lowerBound)
    if range.count > available {
      problems.append(ParseError(.truncated(needed: range.count, available: available), in: "APFS partition",
                                 at: range.lowerBound))
    }
    do {
      let slice = try SliceSource(disk, offset: range.lowerBound, length: min(range.count, available))
      return Located(layout: .gpt, source: slice, offset: range.lowerBound, partitions: partitions, problems: problems)
    } catch {
      problems.append(error)
      return Located(layout: .gpt, source: nil, offset: nil, partitions: partitions, problems: problems)
    }
  }

  /// The bytes of the container in `disk`, or `nil` when there is none (neither at offset 0 nor in a GPT).
  public static func apfsSource(in disk: any ByteSource) throws -> (any ByteSource)? {
    let located = locate(in: disk)
    if located.layout == .unknown { return nil }
    // A GPT whose header is unusable (nothing listed) is an error; a GPT without an APFS partition is "none".
    if located.source == nil, located.partitions.isEmpty, let problem = located.problems.last { throw problem }
    return located.source
  }

  /// Name, role, encryption and allocated bytes of each volume of the container in `disk`.
  public static func volumeSummary(in disk: any ByteSource) throws -> [(name: String, role: String, encryption: String, allocatedBytes: UInt64)]? {
    guard let source = try apfsSource(in: disk) else { return nil }
    let container: APFSContainer
    do {
      container = try APFSContainer.open(source)
    } catch {
      switch error {
      case let .notAPFS(e): throw e
      case let .damaged(_, _, _, e): throw e
      }
    }
    return container.volumes.compactMap(\.superblock).map {
      ($0.name, $0.role.name, $0.encryption.rawValue, $0.allocatedBlockCount &* UInt64(container.blockSize))
    }
  }
}
