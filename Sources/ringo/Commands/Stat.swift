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
  @OptionGroup var language: LanguageOption

  @Argument(help: "The path from the volume root.")
  var path: String

  func run() throws {
    let session = try options.open()
    let tree = session.tree
    let inode = try session.inode(atPath: path)
    let w = language.words
    var out = ""
    func line(_ label: Label, _ s: String) { out += w.field(label) + s + "\n" }
    line(.path, path)
    line(.volume, "\(tree.volume.name) (\(w[.role]) \(tree.volume.role.name), \(w[.encryption]) "
         + "\(tree.volume.encryption.rawValue))")
    if let snapshot = tree.snapshot {
      line(.snapshot, "\(EntryText.name(snapshot.nameBytes)) (xid \(snapshot.transactionID), \(w[.created]) "
           + "\(EntryText.time(nanoseconds: snapshot.createTime)))")
    }
    line(.inode, "\(inode.objectID)  \(w[.parent]) \(inode.parentID)  \(w[.privateID]) \(inode.privateID)")
    let kind = switch inode.kind {
    case .regular: w[.file]
    case .directory: w[.directory]
    case .symlink: w[.symlink]
    default: inode.kind.rawValue
    }
    line(.type, "\(kind)  \(w[.mode]) \(String(inode.mode, radix: 8))  \(w[.uid]) \(inode.owner)  "
         + "\(w[.gid]) \(inode.group)")
    line(.links, "\(inode.childrenOrLinks)")
    if let stream = inode.dataStream {
      line(.size, "\(stream.size) \(w[.bytesUnit]) (\(w[.allocated]) \(stream.allocatedSize), \(w[.defaultCryptoID]) "
           + "\(stream.defaultCryptoID))")
    }
    line(.protection, "\(w[.defaultClass]) \(inode.defaultProtectionClass & 0x1F)")
    let xattrs = try tree.xattrs(of: inode.objectID)
    if let decmpfs = xattrs.first(where: { $0.name == "com.apple.decmpfs" }) {
      let method = decmpfs.decmpfsMethod.map(CompressionMethod.name) ?? w[.unreadableHeader]
      line(.compression, "\(method), \(w[.uncompressedSize]) \(inode.uncompressedSize)")
    }
    let extents = try tree.extents(of: inode.privateID)
    var cryptoIDs = Set<UInt64>()
    for extent in extents {
      cryptoIDs.insert(extent.cryptoID)
      line(.extent, "\(w[.logical]) \(extent.logicalAddress)  \(w[.length]) \(extent.length)  "
           + (extent.isSparse ? w[.sparse] : "\(w[.block]) \(extent.physicalBlock)") + "  \(w[.cryptoID]) \(extent.cryptoID)")
    }
    for id in cryptoIDs.sorted() where id != 0 {
      if let state = try tree.cryptoState(id) {
        line(.crypto, "\(w[.id]) \(id)  \(w[.regionClass]) \(state.protectionClass.reportKey) (\(state.persistentClass))  "
             + "\(w[.key]) \(state.keyLength) \(w[.bytesUnit])  \(w[.version]) \(state.majorVersion).\(state.minorVersion)")
      } else {
        line(.crypto, "\(w[.id]) \(id)  \(w[.noCryptoState])"
             + (tree.volume.encryption == .onekey ? " (\(w[.onekeyTweak]))" : ""))
      }
    }
    for xattr in xattrs {
      let size = xattr.embeddedData.map { "\($0.count) \(w[.bytesUnit]) \(w[.embedded])" }
        ?? "\(xattr.stream?.size ?? 0) \(w[.bytesUnit]) \(w[.inStream])"
      line(.xattr, "\(xattr.name)  \(size)")
    }
    FileHandle.standardOutput.write(Data(out.utf8))
  }
}
