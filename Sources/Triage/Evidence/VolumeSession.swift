import APFSFormat
import ImageAccess

/// An image opened down to one volume's file-system tree, for `ringo ls`, `stat`, `cat`.
public struct VolumeSession {
  public let evidence: OpenedEvidence
  public let container: APFSContainer
  public let tree: FileSystemTree

  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// Opens `path` and picks the volume named `volumeName`, or else the user-data volume, or else the first.
  public static func open(path: String, volumeName: String?) throws -> VolumeSession {
    let evidence: OpenedEvidence
    do {
      evidence = try OpenedEvidence.open(path: path)
    } catch {
      throw error
    }
    guard let source = evidence.apfsSource else {
      throw Failure(description: evidence.encryptedWrapper ?? "no APFS container found in \(path)")
    }
    let container: APFSContainer
    do {
      container = try APFSContainer.open(source)
    } catch {
      switch error {
      case let .notAPFS(e): throw Failure(description: "no APFS container: \(e)")
      case let .damaged(_, _, _, e): throw Failure(description: "container damaged, no usable checkpoint: \(e)")
      }
    }
    let volumes = container.volumes.compactMap(\.superblock)
    let chosen: APFSSuperblock?
    if let volumeName {
      chosen = volumes.first { $0.name == volumeName }
      guard chosen != nil else {
        throw Failure(description: "no volume named \"\(volumeName)\"; volumes: "
                      + volumes.map { "\"\($0.name)\" (\($0.role.name))" }.joined(separator: ", "))
      }
    } else {
      let facts = TriageFacts(evidence: evidence, container: container, damage: nil, notAPFS: nil, options: .init())
      chosen = facts.userDataVolumes.first ?? volumes.first
    }
    guard let volume = chosen else { throw Failure(description: "the container has no volumes") }
    return VolumeSession(evidence: evidence, container: container,
                         tree: try FileSystemTree(container: container, volume: volume))
  }

  /// The inode at `path` from the volume root.
  ///
  /// - Throws: ``Failure`` when no such path exists.
  public func inode(atPath path: String) throws -> InodeRecord {
    guard let target = try tree.resolve(path), let inode = try tree.inode(target.id) else {
      throw Failure(description: "no such path: \(path)")
    }
    return inode
  }
}
