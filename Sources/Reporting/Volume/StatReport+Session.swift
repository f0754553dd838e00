import APFSFormat
import ReportModel
import Triage

extension StatReport {
  /// Reads one file's records from an opened volume (live tree or snapshot).
  ///
  /// - Throws: what the volume's tree throws (no such path, a damaged record), with its location.
  public static func describe(_ session: VolumeSession, path: String, toolVersion: String) throws -> StatReport {
    let tree = session.tree
    let inode = try session.inode(atPath: path)
    let xattrs = try tree.xattrs(of: inode.objectID)
    let extents = try tree.extents(of: inode.privateID)
    var states: [CryptoState] = []
    for id in Set(extents.map(\.cryptoID)).sorted() where id != 0 {
      if let state = try tree.cryptoState(id) {
        states.append(
          CryptoState(
            id: id, protectionClass: state.protectionClass.reportKey, persistentClass: state.persistentClass,
            keyLength: state.keyLength, version: "\(state.majorVersion).\(state.minorVersion)"))
      } else {
        states.append(CryptoState(id: id, protectionClass: nil, persistentClass: nil, keyLength: nil, version: nil))
      }
    }
    return StatReport(
      tool: .init(version: toolVersion), path: path,
      volume: .init(name: tree.volume.name, role: tree.volume.role.name, encryption: tree.volume.encryption.rawValue),
      snapshot: tree.snapshot.map {
        .init(
          name: EntryText.name($0.nameBytes), xid: $0.transactionID,
          created: EntryText.time(nanoseconds: $0.createTime))
      },
      inode: .init(
        id: inode.objectID, parentID: inode.parentID, privateID: inode.privateID, kind: inode.kind.rawValue,
        mode: inode.mode, uid: inode.owner, gid: inode.group, links: inode.childrenOrLinks),
      dataStream: inode.dataStream.map {
        .init(size: $0.size, allocatedSize: $0.allocatedSize, defaultCryptoID: $0.defaultCryptoID)
      },
      defaultProtectionClass: inode.defaultProtectionClass & 0x1F,
      compression: xattrs.first { $0.name == "com.apple.decmpfs" }.map {
        .init(
          method: $0.decmpfsMethod.map(CompressionMethod.name) ?? "unreadable header",
          uncompressedSize: inode.uncompressedSize)
      },
      extents: extents.map {
        .init(
          logicalAddress: $0.logicalAddress, length: $0.length, physicalBlock: $0.isSparse ? nil : $0.physicalBlock.rawValue,
          cryptoID: $0.cryptoID)
      },
      cryptoStates: states,
      xattrs: xattrs.map {
        .init(name: $0.name, embeddedBytes: $0.embeddedData?.count, streamBytes: $0.embeddedData == nil ? $0.stream?.size ?? 0 : nil)
      })
  }
}
