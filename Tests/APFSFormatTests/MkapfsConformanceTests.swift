import Foundation
import ImageAccess
import TestSupport
import Testing

@testable import APFSFormat

/// Containers made by apfsprogs' `mkapfs` on sparse files of several sizes, read by Ringo and by TSK `pstat`.
@Suite struct MkapfsConformanceTests {
  /// Runs mkapfs on a new sparse file of `size` in the temp folder.
  static func makeContainer(size: String, label: String) throws -> String {
    let path = try Scratch.file([], name: "mkapfs-\(size).img")
    let (truncateStatus, truncateOutput) = try RealImages.run("truncate", ["-s", size, path])
    #expect(truncateStatus == 0, "\(truncateOutput)")
    let (status, output) = try RealImages.run("mkapfs", ["-L", label, path])
    guard status == 0 else { throw RealImages.Missing(path: "mkapfs failed: \(output)") }
    return path
  }

  @Test(arguments: ["128M", "512M", "4G", "64G"])
  func figuresAgreeWithPstat(size: String) throws {
    let path = try Self.makeContainer(size: size, label: "Vol\(size)")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let container = try APFSContainer.open(try MappedImage(path: path))
    let volume = try #require(container.volumes.first?.superblock)
    #expect(volume.name == "Vol\(size)")
    #expect(volume.encryption == .none)
    #expect(container.usedFallbackCheckpoint == false)
    #expect(container.declaredByteCount == UInt64(try MappedImage(path: path).byteCount))

    let (status, output) = try RealImages.run("pstat", [path])
    #expect(status == 0)
    func field(_ name: String) -> String? {
      output.split(separator: "\n").first { $0.contains(name + ":") }
        .map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) }
    }
    #expect(field("Number of Blocks") == "\(container.superblock.blockCount)")
    #expect(field("Number of Free Blocks") == "\(container.spaceManager.main.freeCount)")
    #expect(field("Block Size") == "\(container.blockSize) B")
    #expect(field("Capacity Consumed") == "\(volume.allocatedBlockCount * UInt64(container.blockSize)) B")
    #expect(field("Encrypted") == "No")
    #expect(output.contains("Container \(container.superblock.uuid)"))
  }

  /// fsapfsinfo (libfsapfs) prints the container's volume count and each volume's name.
  @Test func volumeNameAgreesWithFsapfsinfo() throws {
    let path = try Self.makeContainer(size: "128M", label: "LibfsapfsCheck")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let container = try APFSContainer.open(try MappedImage(path: path))
    let (status, output) = try RealImages.run("fsapfsinfo", [path])
    #expect(status == 0)
    let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    func value(_ key: String) -> String? {
      lines.first { $0.hasPrefix(key) }.map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) }
    }
    #expect(value("Number of volumes") == "\(container.volumes.count)")
    #expect(value("Name") == "LibfsapfsCheck")
    #expect(value("Identifier") == container.superblock.uuid.description)
  }
}
