import Foundation
import ImageAccess
import TestSupport
import Testing

@testable import APFSFormat

/// File-system trees of the real dissect.apfs images.
@Suite struct FileSystemTreeTests {
  static let unencrypted = [
    "case_insensitive.bin", "case_insensitive_beta.bin", "case_sensitive.bin", "case_sensitive_beta.bin",
    "corrupt.bin", "jhfs_converted.bin", "snapshot.bin",
  ]

  static func tree(_ image: String) throws -> FileSystemTree {
    let container = try APFSContainer.open(try MappedImage(path: try RealImages.dissect(image)))
    return try FileSystemTree(container: container, volume: try #require(container.volumes.first?.superblock))
  }

  /// The walked counts equal the volume superblock's apfs_num_* counters, which macOS maintained.
  @Test(arguments: unencrypted)
  func censusMatchesTheSuperblockCounters(image: String) throws {
    let tree = try Self.tree(image)
    let census = VolumeCensus.take(tree)
    #expect(census.isComplete, "\(String(describing: census.error))")
    #expect(UInt64(census.files) == tree.volume.fileCount)
    #expect(UInt64(census.directories) == tree.volume.directoryCount)
    #expect(UInt64(census.symlinks) == tree.volume.symlinkCount)
    #expect(UInt64(census.otherObjects) == tree.volume.otherObjectCount)
    #expect(UInt64(census.snapshots) == tree.volume.snapshotCount)
    #expect(census.encryptedBytes == 0)
    #expect(census.protectionClasses["none"] == census.files)
  }

  @Test func rootListingHasTheDocumentedNames() throws {
    let tree = try Self.tree("case_insensitive.bin")
    let names = Set(try tree.children(of: FileSystemTree.rootDirectoryID).map(\.name))
    for name in [".fseventsd", "case_folding_µ", "dir", "empty", "hardlink", "nfd_te\u{301}stfile\u{300}",
                 "nfd_\u{BE}", "nfkd_3\u{2044}4", "symlink-dir", "symlink-file"] {
      #expect(names.contains(name), "\(name)")
    }
    let dir = try #require(try tree.resolve("dir"))
    let dirNames = Set(try tree.children(of: dir.id).map(\.name))
    #expect(dirNames.isSuperset(of: ["compressed-lzfse-fork", "compressed-zlib-xattr", "fifo", "file", "xattr-small"]))
  }

  @Test func namesStayAsStored() throws {
    let tree = try Self.tree("case_sensitive.bin")
    let names = try tree.children(of: FileSystemTree.rootDirectoryID).map(\.nameBytes)
    // NFD: "e" followed by U+0301, not the precomposed U+00E9.
    #expect(names.contains(Array("nfd_te\u{301}stfile\u{300}".utf8)))
    #expect(!names.contains(Array("nfd_t\u{E9}stfil\u{E8}".utf8)))
  }

  @Test func encryptedMetadataIsReportedNotMisread() throws {
    let container = try APFSContainer.open(try MappedImage(path: try RealImages.dissect("encrypted.bin")))
    let tree = try FileSystemTree(container: container, volume: try #require(container.volumes.first?.superblock))
    let census = VolumeCensus.take(tree)
    #expect(!census.isComplete)
    #expect(census.metadataEncrypted)
  }
}

extension FileSystemTreeTests {
  /// The batched inode lookup (one ordered scan) returns exactly what one seek per id returns, for a directory's
  /// children and for ids scattered over the tree.
  @Test(arguments: ["case_insensitive.bin", "snapshot.bin"])
  func batchedInodeLookupEqualsSingleLookups(image: String) throws {
    let tree = try Self.tree(image)
    var directories: [UInt64] = [FileSystemTree.rootDirectoryID]
    var checked = 0
    while let directory = directories.popLast() {
      let children = try tree.children(of: directory)
      let batch = try tree.inodes(children.map(\.fileID))
      for child in children {
        #expect(batch[child.fileID] == (try tree.inode(child.fileID)))
        checked += 1
        if child.kind == .directory { directories.append(child.fileID) }
      }
    }
    #expect(checked > 10)
    let scattered: [UInt64] = [2, 16, 999_999, 18, 1 << 40]
    let batch = try tree.inodes(scattered)
    for id in scattered { #expect(batch[id] == (try tree.inode(id))) }
  }
}
