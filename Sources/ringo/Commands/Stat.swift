import ArgumentParser
import APFSFormat
import Foundation
import Triage

struct Stat: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stat",
    abstract: "Show a file's inode, extents, crypto ids, protection class and compression.",
    discussion: """
      Examples:
        ringo stat image.img /dir/file
        ringo stat --volume Data image.img /private/var/mobile/Media/DCIM/100APPLE/IMG_0001.HEIC
      """
  )

  @OptionGroup var options: VolumeOptions

  @Argument(help: "The path from the volume root.")
  var path: String

  func run() throws {
    let session = try options.open()
    let tree = session.tree
    let inode = try session.inode(atPath: path)
    var out = ""
    func line(_ s: String) { out += s + "\n" }
    line("path:        \(path)")
    line("volume:      \(tree.volume.name) (role \(tree.volume.role.name), encryption \(tree.volume.encryption.rawValue))")
    if let snapshot = tree.snapshot {
      line("snapshot:    \(EntryText.name(snapshot.nameBytes)) (xid \(snapshot.transactionID), created "
           + "\(EntryText.time(nanoseconds: snapshot.createTime)))")
    }
    line("inode:       \(inode.objectID)  parent \(inode.parentID)  private id \(inode.privateID)")
    line("type:        \(inode.kind.rawValue)  mode \(String(inode.mode, radix: 8))  uid \(inode.owner)  gid \(inode.group)")
    line("links:       \(inode.childrenOrLinks)")
    if let stream = inode.dataStream {
      line("size:        \(stream.size) bytes (allocated \(stream.allocatedSize), default crypto id \(stream.defaultCryptoID))")
    }
    line("protection:  default class \(inode.defaultProtectionClass & 0x1F)")
    let xattrs = try tree.xattrs(of: inode.objectID)
    if let decmpfs = xattrs.first(where: { $0.name == "com.apple.decmpfs" }) {
      let method = decmpfs.decmpfsMethod.map(CompressionMethod.name) ?? "unreadable header"
      line("compression: \(method), uncompressed size \(inode.uncompressedSize)")
    }
    let extents = try tree.extents(of: inode.privateID)
    var cryptoIDs = Set<UInt64>()
    for extent in extents {
      cryptoIDs.insert(extent.cryptoID)
      line("extent:      logical \(extent.logicalAddress)  length \(extent.length)  "
           + (extent.isSparse ? "sparse" : "block \(extent.physicalBlock)") + "  crypto id \(extent.cryptoID)")
    }
    for id in cryptoIDs.sorted() where id != 0 {
      if let state = try tree.cryptoState(id) {
        line("crypto:      id \(id)  class \(state.protectionClass.reportKey) (\(state.persistentClass))  "
             + "key \(state.keyLength) bytes  version \(state.majorVersion).\(state.minorVersion)")
      } else {
        line("crypto:      id \(id)  no crypto state record"
             + (tree.volume.encryption == .onekey ? " (ONEKEY volume: the id is the XTS tweak base)" : ""))
      }
    }
    for xattr in xattrs {
      let size = xattr.embeddedData.map { "\($0.count) bytes embedded" } ?? "\(xattr.stream?.size ?? 0) bytes in a stream"
      line("xattr:       \(xattr.name)  \(size)")
    }
    FileHandle.standardOutput.write(Data(out.utf8))
  }
}
