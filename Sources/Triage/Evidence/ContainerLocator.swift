import APFSFormat
import ImageAccess

/// Finds an APFS container inside a disk (a raw container, or the first Apple_APFS partition of a GPT), for disks
/// that do not come from an evidence file: e.g. the root-filesystem DMG inside an IPSW.
public enum ContainerLocator {
  /// The bytes of the container in `disk`, or `nil` when there is none.
  public static func apfsSource(in disk: any ByteSource) throws -> (any ByteSource)? {
    if let magic = try? disk.reader(at: 32, length: 4, structure: "nx_superblock_t").u32(0),
      magic == NXSuperblock.magic
    {
      return disk
    }
    guard let gpt = try GPT.read(from: disk), let apfs = gpt.partitions.first(where: \.isAPFS) else { return nil }
    let offset = Int(clamping: apfs.firstLBA &* UInt64(gpt.sectorSize))
    let length = Int(clamping: (apfs.lastLBA &- apfs.firstLBA &+ 1) &* UInt64(gpt.sectorSize))
    return try SliceSource(disk, offset: offset, length: min(length, max(0, disk.byteCount - offset)))
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
