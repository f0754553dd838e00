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

      --format json prints one JSON object per entry (path, type, inode, size, mode, uid, gid, links and the \
      access, modification, change and creation times in nanoseconds since 1970). --format bodyfile prints The \
      Sleuth Kit's body format (as fls -m), which mactime turns into a timeline.

      -R reads the volume's tree once, in key order, and lists from tables of directory entries and inodes.

      With --snapshot NAME the volume is listed as it was in that snapshot. With --snapshots the volume's \
      snapshots are listed instead, one line each: transaction id, creation time (UTC), name.

      Examples:
        ringo ls image.img /
        ringo ls -R --volume Data image.img /private/var/mobile
        ringo ls -R --format bodyfile image.img / | mactime -b - -z UTC
        ringo ls --snapshots image.img
        ringo ls --snapshot "Snapshot 3" image.img /
      """
  )

  @OptionGroup var options: VolumeOptions

  @Argument(help: "The directory (or file) to list, from the volume root.")
  var path: String = "/"

  @Flag(name: [.customShort("R"), .long], help: "List subdirectories recursively.")
  var recursive = false

  @Option(help: "Output: text (default), json (one JSON object per line) or bodyfile (TSK mactime body format).")
  var format: ListingFormat = .text

  @Flag(help: "List the volume's snapshots (transaction id, creation time, name) instead of files.")
  var snapshots = false

  func validate() throws {
    if snapshots, options.snapshot != nil {
      throw ValidationError("--snapshots lists the snapshots; it cannot be combined with --snapshot")
    }
    if snapshots, recursive { throw ValidationError("--snapshots cannot be combined with -R") }
    if snapshots, format != .text { throw ValidationError("--snapshots prints text only") }
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
    var writer = ListingWriter { FileHandle.standardOutput.write(Data($0)) }
    if let entry = target.entry, entry.kind != .directory {
      let inode = try tree.inode(entry.fileID)
      let listed = try inode.map { ListedInode($0, size: try tree.logicalSize($0)) }
      Array(base.utf8).withUnsafeBufferPointer {
        format.render(ListedEntry(path: $0, fileID: entry.fileID, kind: entry.kind, inode: listed), into: &writer.buffer)
      }
    } else {
      var listing = TreeListing(tree: tree, details: format.needsDetails)
      try listing.list(
        from: target.id, base: base == "/" ? [] : Array(base.utf8), recursive: recursive,
        escape: { format.escape($0, into: &$1) },
        visit: { entry in
          format.render(entry, into: &writer.buffer)
          try writer.flushIfFull()
        })
      if let reason = listing.fallbackReason, recursive {
        FileHandle.standardError.write(Data("ringo: listed directory by directory (\(reason))\n".utf8))
      }
    }
    try writer.flush()
  }
}

extension ListingFormat: ExpressibleByArgument {}
