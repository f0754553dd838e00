import ArgumentParser
import APFSFormat
import Foundation
import Triage

struct Cat: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cat",
    abstract: "Write a file's contents to standard output (unencrypted volumes).",
    discussion: """
      Plain files and decmpfs-compressed files (zlib, LZVN, LZFSE, uncompressed; in the attribute or the resource \
      fork) are supported. LZBITMAP-compressed files and encrypted data are refused with an error (exit code 1).

      With --snapshot NAME the file is read as it was in that snapshot of the volume (ringo ls --snapshots lists \
      them).

      Examples:
        ringo cat image.img /dir/file > /cases/42/file
        ringo cat --snapshot "Snapshot 3" image.img /file
      """
  )

  @OptionGroup var options: VolumeOptions

  @Argument(help: "The path from the volume root.")
  var path: String

  func run() throws {
    let session = try options.open()
    let tree = session.tree
    let inode = try session.inode(atPath: path)
    guard inode.kind == .regular else {
      throw CommandFailure(description: "\(path) is a \(inode.kind.rawValue), not a regular file")
    }
    do {
      try FileContents(tree: tree).stream(inode) { FileHandle.standardOutput.write(Data($0)) }
    } catch let error as FileContents.Unsupported {
      throw CommandFailure(description: "\(path): \(error)")
    }
  }
}
