import ArgumentParser
import APFSFormat
import Foundation
import Reporting
import Triage

struct List: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ls",
    abstract: "List directory entries of a volume (names printed exactly as stored).",
    discussion: """
      Each line: type (r file, d directory, l symlink, p fifo, c/b device, s socket), inode id, size in bytes \
      (data stream size; compressed files show their uncompressed size), and the path.

      With --snapshot NAME the volume is listed as it was in that snapshot. With --snapshots the volume's \
      snapshots are listed instead, one line each: transaction id, creation time (UTC), name.

      Examples:
        ringo ls image.img /
        ringo ls -R --volume Data image.img /private/var/mobile
        ringo ls --snapshots image.img
        ringo ls --snapshot "Snapshot 3" image.img /
      """
  )

  @OptionGroup var options: VolumeOptions

  @Argument(help: "The directory (or file) to list, from the volume root.")
  var path: String = "/"

  @Flag(name: [.customShort("R"), .long], help: "List subdirectories recursively.")
  var recursive = false

  @Flag(help: "List the volume's snapshots (transaction id, creation time, name) instead of files.")
  var snapshots = false

  func validate() throws {
    if snapshots, options.snapshot != nil {
      throw ValidationError("--snapshots lists the snapshots; it cannot be combined with --snapshot")
    }
    if snapshots, recursive { throw ValidationError("--snapshots cannot be combined with -R") }
  }

  func run() throws {
    let session = try options.open()
    if snapshots {
      var output = ""
      for snapshot in try session.snapshots() {
        output += "\(snapshot.transactionID)\t\(EntryText.time(nanoseconds: snapshot.createTime))\t"
          + EntryText.name(snapshot.nameBytes) + "\n"
      }
      FileHandle.standardOutput.write(Data(output.utf8))
      return
    }
    let tree = session.tree
    guard let target = try tree.resolve(path) else { throw CommandFailure(description: "no such path: \(path)") }
    let base = path.hasSuffix("/") || path.isEmpty ? String(path.dropLast(path.hasSuffix("/") ? 1 : 0)) : path
    var output = ""
    var visited = Set<UInt64>()
    var listed = 0
    func list(_ id: UInt64, prefix: String, depth: Int) throws {
      guard depth < 256, visited.insert(id).inserted else { return }  // a directory cycle ends the branch
      let children = try tree.children(of: id)
      let inodes = try tree.inodes(children.map(\.fileID))
      for entry in children {
        let childPath = prefix + "/" + EntryText.name(entry.nameBytes)
        let inode = inodes[entry.fileID]
        let size = try inode.map { try tree.logicalSize($0) } ?? 0
        output += "\(EntryText.typeLetter(entry.kind)) \(entry.fileID)\t\(size)\t\(childPath)\n"
        listed += 1
        if listed % 4096 == 0 { flush() }
        if recursive, entry.kind == .directory { try list(entry.fileID, prefix: childPath, depth: depth + 1) }
      }
    }
    func flush() {
      FileHandle.standardOutput.write(Data(output.utf8))
      output = ""
    }
    if let entry = target.entry, entry.kind != .directory {
      let inode = try tree.inode(entry.fileID)
      output += "\(EntryText.typeLetter(entry.kind)) \(entry.fileID)\t\(try inode.map { try tree.logicalSize($0) } ?? 0)\t\(base)\n"
    } else {
      try list(target.id, prefix: base == "/" ? "" : base, depth: 0)
    }
    flush()
  }
}
