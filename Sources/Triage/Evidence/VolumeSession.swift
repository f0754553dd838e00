import APFSFormat
import Evidence
import ImageAccess

/// An image opened down to one volume's file-system tree (live, or one snapshot's), for `ringo ls`, `stat`, `cat`.
public struct VolumeSession {
  public let evidence: OpenedEvidence
  public let container: APFSContainer
  /// The live volume superblock (for a snapshot, `tree.volume` is the snapshot's copy).
  public let volume: APFSSuperblock
  public let tree: FileSystemTree

  public struct Failure: Error, CustomStringConvertible {
    public var description: String
    /// The supplied credentials did not unlock the volume.
    public var wrongCredentials = false
    public init(description: String, wrongCredentials: Bool = false) {
      self.description = description
      self.wrongCredentials = wrongCredentials
    }
  }

  /// The outcome of the unlock of an encrypted (ONEKEY) volume, when one was tried or the volume is locked.
  public private(set) var unlock: UnlockFacts? = nil

  /// Opens `path` and picks the volume named `volumeName`, or else the user-data volume, or else the first; with
  /// `snapshotName`, the tree of that snapshot of the volume.
  /// `aeaKey` opens an Apple Encrypted Archive wrapping the image (decoded in memory; profile 0 needs none).
  public static func open(
    path: String, volumeName: String?, snapshotName: String? = nil, credential: Credential? = nil,
    aeaKey: [UInt8]? = nil
  ) throws -> VolumeSession {
    let evidence: OpenedEvidence
    do {
      evidence = try OpenedEvidence.open(path: path, aeaKey: aeaKey)
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
    var live = try FileSystemTree(container: container, volume: volume)
    var unlock: UnlockFacts? = nil
    if volume.encryption == .onekey {
      let (facts, unlocked) = UnlockFacts.evaluate(container: container, volume: volume, credential: credential)
      unlock = facts
      if let unlocked { live = unlocked }
      switch facts.state {
      case "wrong-credentials":
        throw Failure(
          description: "the supplied credentials did not unlock volume \"\(volume.name)\""
            + (facts.hint.map { " (passphrase hint: \"\($0)\")" } ?? ""), wrongCredentials: true)
      case "hardware-bound":
        throw Failure(description: "volume \"\(volume.name)\" cannot be unlocked from this image: "
          + (facts.problem?.message ?? "its keys are held by the original Mac's security chip"))
      default: break
      }
    }
    guard let snapshotName else {
      var session = VolumeSession(evidence: evidence, container: container, volume: volume, tree: live)
      session.unlock = unlock
      return session
    }
    let catalog = try SnapshotCatalog(container: container, volume: volume, objectMap: live.objectMap)
    guard let snapshot = catalog.snapshot(named: snapshotName) else {
      throw Failure(description: "volume \"\(volume.name)\" has no snapshot named \"\(snapshotName)\" "
                    + "(\(catalog.snapshots.count) snapshots; list them with ringo ls --snapshots)")
    }
    var snapshotTree = try FileSystemTree(container: container, volume: volume, snapshot: snapshot)
    if let key = live.key { snapshotTree = snapshotTree.unlocked(with: key) }
    var session = VolumeSession(evidence: evidence, container: container, volume: volume, tree: snapshotTree)
    session.unlock = unlock
    return session
  }

  /// The snapshots of the chosen (live) volume, in transaction-id order.
  public func snapshots() throws -> [SnapshotMetadata] {
    let live = tree.snapshot == nil ? tree : try FileSystemTree(container: container, volume: volume)
    return try SnapshotCatalog(container: container, volume: volume, objectMap: live.objectMap).snapshots
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
