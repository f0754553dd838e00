import APFSForge
import APFSFormat
import Foundation
import ImageAccess
import RegionMap
import TestSupport
import Testing

@testable import Triage

/// Ringo's reader against what the forge says it wrote, for every preset: per-volume counts, files per protection
/// class, encrypted and plaintext bytes, and the class of every block (ONEKEY: as far as can be known without the
/// password). (The forge's output is validated separately
/// by apfsck, TSK and libfsapfs in APFSForgeTests, so these checks tie Ringo to images real tools accept.)
@Suite struct ForgeAgreementTests {
  struct Manifest: Decodable {
    struct Volume: Decodable {
      var index: Int
      var name: String
      var roleName: String
      var encryption: String
      var files: Int
      var directories: Int
      var symlinks: Int
      var other: Int
      var snapshots: Int
      var protectionClassFiles: [String: Int]
      var plaintextLogicalBytes: UInt64
      var encryptedLogicalBytes: UInt64
      var allocatedBlocks: UInt64
    }
    struct Run: Decodable {
      var start: UInt64
      var count: UInt64
      var owner: String
    }
    var blockCount: UInt64
    var blockSize: Int
    var freeBlocks: UInt64
    var volumes: [Volume]
    var blocks: [Run]
  }

  static func forge(_ preset: Preset, seed: UInt64, size: UInt64? = nil, free: FreeSpaceTarget?? = nil)
    throws -> (String, Manifest)
  {
    let path = try Scratch.file([], name: "forged.img")
    try FileManager.default.removeItem(atPath: path)
    let spec = preset.spec(seed: seed, size: size, free: free, files: nil)
    let manifest = try APFSForger.forge(spec, to: path)
    let data = try JSONEncoder().encode(manifest)
    return (path, try JSONDecoder().decode(Manifest.self, from: data))
  }

  func triage(_ path: String) throws -> TriageReport {
    var options = TriageOptions()
    options.hash = false
    return try Triage.run(path: path, options: options, toolVersion: "test")
  }

  @Test(arguments: [Preset.iosFull, .iosHealthy, .onekey, .macos])
  func countsClassesAndBytesEqualTheManifest(preset: Preset) throws {
    let (path, manifest) = try Self.forge(preset, seed: 11, size: preset == .macos ? 8 << 20 : nil)
    let report = try triage(path)
    let container = try #require(report.container)
    #expect(container.blockCount == manifest.blockCount)
    #expect(container.freeBlocks == manifest.freeBlocks)
    #expect(container.volumes.count == manifest.volumes.count)
    for expected in manifest.volumes {
      let volume = try #require(container.volumes.first { $0.index == expected.index })
      #expect(volume.name == expected.name)
      #expect(volume.role == expected.roleName)
      #expect(volume.encryption == expected.encryption)
      #expect(volume.allocBlocks == expected.allocatedBlocks)
      #expect(volume.files == UInt64(expected.files), "\(volume.name)")
      #expect(volume.directories == UInt64(expected.directories), "\(volume.name)")
      #expect(volume.symlinks == UInt64(expected.symlinks), "\(volume.name)")
      if expected.encryption == "onekey" {
        // The forge really encrypts ONEKEY metadata (AES-XTS, OMAP_VAL_ENCRYPTED): without the password the tree
        // cannot be walked, so the counts come from the superblock and the bytes stay unmeasured.
        #expect(volume.countsSource == "superblock")
        #expect(volume.fileBytes == nil)
        #expect(report.findings.contains { $0.code == "metadata-encrypted" && $0.volume == volume.name })
        continue
      }
      #expect(volume.countsSource == "tree", "\(volume.name)")
      #expect(volume.otherObjects == UInt64(expected.other), "\(volume.name)")
      #expect(volume.snapshots == UInt64(expected.snapshots), "\(volume.name)")
      #expect(volume.fileBytes?.plaintext == expected.plaintextLogicalBytes, "\(volume.name)")
      #expect(volume.fileBytes?.encrypted == expected.encryptedLogicalBytes, "\(volume.name)")
      for (key, count) in expected.protectionClassFiles {
        #expect(volume.protectionClasses?[key] == count, "\(volume.name) class \(key)")
      }
      let classified = volume.protectionClasses?.values.reduce(0, +) ?? 0
      #expect(classified == expected.files, "\(volume.name)")
    }
  }

  @Test(arguments: [Preset.iosFull, .onekey])
  func everyBlockHasTheClassTheForgeWrote(preset: Preset) throws {
    let (path, manifest) = try Self.forge(preset, seed: 5)
    let report = try triage(path)
    let regions = try #require(report.regions)
    var expected = [String](repeating: "?", count: Int(manifest.blockCount))
    for run in manifest.blocks {
      for block in run.start..<(run.start + run.count) { expected[Int(block)] = run.owner }
    }
    var actual = [String](repeating: "?", count: Int(manifest.blockCount))
    for run in regions.runs {
      for block in (run.offset / manifest.blockSize)..<((run.offset + run.length) / manifest.blockSize) {
        actual[block] = run.regionClass
      }
    }
    var mismatches = (0..<expected.count).filter { expected[$0] != actual[$0] }
    if preset == .onekey {
      // Encrypted file data cannot be attributed without the volume key: Ringo calls it `unknown`, as it must.
      let fileData = mismatches.filter { expected[$0] == "file-encrypted" && actual[$0] == "unknown" }
      #expect(!fileData.isEmpty)
      mismatches.removeAll { fileData.contains($0) }
      // The volume keybag is referenced only from inside the (encrypted) container keybag, which Ringo does not
      // decrypt: that one block is `unknown` too.
      #expect(mismatches.count <= 1 && mismatches.allSatisfy { expected[$0] == "container-metadata" && actual[$0] == "unknown" },
              "\(mismatches.map { "\($0): forge \(expected[$0]) ringo \(actual[$0])" })")
      mismatches.removeAll()
    }
    #expect(mismatches.isEmpty,
            "\(mismatches.count) blocks differ, first: \(mismatches.prefix(5).map { "\($0): forge \(expected[$0]) ringo \(actual[$0])" })")
  }

  @Test func exactFreeSpaceDrivesTheLowFreeSpaceFinding() throws {
    let (full, _) = try Self.forge(.iosHealthy, seed: 3, free: .bytes(64 << 10))
    #expect(try triage(full).findings.contains { $0.code == "low-free-space" })
    let (healthy, _) = try Self.forge(.iosHealthy, seed: 3, free: .percent(30))
    let report = try triage(healthy)
    #expect(!report.findings.contains { $0.code == "low-free-space" })
    #expect(report.verdict.verdictClass == .unrecoverableWithoutVendor)
  }
}
