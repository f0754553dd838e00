import APFSForge
import Foundation
import Testing

/// Independent validation: every forged image is read back by tools that share no code with the forge.
@Suite(.serialized)
struct ForgeValidationTests {
  @Test func macosPassesApfsckStrict() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let image = tmp.path("macos.img")
    _ = try APFSForger.forge(Preset.macos.spec(seed: 7, size: nil, free: nil, files: nil), to: image)
    let run = try PeerTool.run("apfsck", ["-cuw", image])
    #expect(run.status == 0, "apfsck: \(run.output)")
    #expect(run.output.isEmpty, "apfsck printed: \(run.output)")
  }

  @Test func macosMatchesPstatAndFls() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let image = tmp.path("macos.img")
    let manifest = try APFSForger.forge(Preset.macos.spec(seed: 3, size: nil, free: nil, files: nil), to: image)
    let pstat = PstatReport(try PeerTool.run("pstat", [image]).output)
    #expect(pstat.blockCount == manifest.blockCount)
    #expect(pstat.freeBlocks == manifest.freeBlocks)
    #expect(pstat.volumes.map(\.name) == manifest.volumes.map(\.name))
    #expect(pstat.volumes.map(\.role) == manifest.volumes.map { tskRoleName($0.role) })
    #expect(pstat.volumes.allSatisfy { !$0.encrypted })
    for (tsk, written) in zip(pstat.volumes, manifest.volumes) {
      let listed = try flsPaths(image: image, volumeBlock: tsk.block)
      #expect(listed == Set(written.paths ?? []), "volume \(written.name)")
      #expect(!listed.isEmpty || written.files == 0)
    }
  }

  @Test func multiLevelTreesPassApfsck() throws {
    // 20,000 files: file-system tree, extent-reference tree and object map all get index levels.
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let image = tmp.path("many.img")
    let spec = Preset.many.spec(seed: 5, size: 128 << 20, free: nil, files: 20_000)
    let manifest = try APFSForger.forge(spec, to: image)
    let run = try PeerTool.run("apfsck", ["-cuw", image])
    #expect(run.status == 0, "apfsck: \(run.output)")
    let pstat = PstatReport(try PeerTool.run("pstat", [image]).output)
    #expect(pstat.freeBlocks == manifest.freeBlocks)
    let listed = try flsPaths(image: image, volumeBlock: pstat.volumes[0].block)
    #expect(listed.count == 20_000 + spec.volumes[0].subdirectories + 1)
  }

  @Test func iosFullIsNearlyFullWithRolesAndClasses() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let image = tmp.path("ios-full.img")
    let manifest = try APFSForger.forge(Preset.iosFull.spec(seed: 1, size: nil, free: nil, files: nil), to: image)
    #expect(manifest.blockCount == 2048)
    #expect(manifest.freeBlocks == 6)  // round(0.3 % of 2048)
    let pstat = PstatReport(try PeerTool.run("pstat", [image]).output)
    #expect(pstat.blockCount == 2048)
    #expect(pstat.freeBlocks == 6)
    #expect(
      pstat.volumes.map(\.name) == [
        "System", "Data", "Preboot", "Recovery", "VM", "Update", "xART", "Hardware", "Baseband Data",
      ])
    #expect(pstat.volumes.map(\.encrypted) == manifest.volumes.map { $0.encryption != .none })
    let data = manifest.volumes[1]
    #expect(data.role == VolumeRole.data && data.encryption == .perFile)
    #expect(data.fsFlags & 0x9 == 0)  // neither UNENCRYPTED nor ONEKEY
    #expect(Set(data.protectionClassFiles.keys) == ["A", "B", "C", "D", "F"])
    #expect(data.protectionClassFiles.values.reduce(0, +) == data.files)
    #expect(data.encryptedLogicalBytes > 0 && data.plaintextLogicalBytes == 0)
    #expect(manifest.volumes.map(\.role) == [0x1, 0x40, 0x10, 0x4, 0x8, 0xC0, 0x100, 0x140, 0x80])
    // The unencrypted volumes read back through TSK.
    for (tsk, written) in zip(pstat.volumes, manifest.volumes) where written.encryption == .none {
      #expect(try flsPaths(image: image, volumeBlock: tsk.block) == Set(written.paths ?? []), "\(written.name)")
    }
    let info = try PeerTool.run("fsapfsinfo", [image])
    #expect(info.status == 0, "fsapfsinfo: \(info.output)")
    for v in manifest.volumes { #expect(info.output.contains("Name\t\t\t\t: \(v.name)\n"), "\(v.name)") }
  }

  /// apfsck cannot check an encrypted volume, so check the iOS layout (all nine roles, classes on inodes) with the
  /// Data volume left unencrypted, in a container big enough for nine volumes under the AFSR rule.
  @Test func iosLayoutPassesApfsckWithDataUnencrypted() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let image = tmp.path("ios-layout.img")
    var spec = Preset.iosFull.spec(seed: 6, size: 4608 << 20, free: nil, files: nil)
    spec.volumes[1].encryption = .none
    let manifest = try APFSForger.forge(spec, to: image)
    #expect(manifest.volumes.count == 9)
    let run = try PeerTool.run("apfsck", ["-cuw", image])
    #expect(run.status == 0, "apfsck: \(run.output)")
    #expect(manifest.notReal.allSatisfy { !$0.contains("nx_max_file_systems") })
  }

  @Test func fsapfsinfoListsMacosVolumes() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let image = tmp.path("macos.img")
    let manifest = try APFSForger.forge(Preset.macos.spec(seed: 9, size: nil, free: nil, files: nil), to: image)
    let info = try PeerTool.run("fsapfsinfo", [image])
    #expect(info.status == 0, "fsapfsinfo: \(info.output)")
    #expect(info.output.contains("Number of volumes\t\t: \(manifest.volumes.count)\n"))
    for v in manifest.volumes { #expect(info.output.contains("Name\t\t\t\t: \(v.name)\n"), "\(v.name)") }
  }

  @Test func onekeyHasSoftwareCryptoAndKeybag() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let image = tmp.path("onekey.img")
    let manifest = try APFSForger.forge(Preset.onekey.spec(seed: 2, size: nil, free: nil, files: nil), to: image)
    #expect(manifest.softwareCrypto)
    #expect(manifest.volumes[0].fsFlags == 0x8)
    let pstat = try PeerTool.run("pstat", [image])
    #expect(pstat.status == 0)
    #expect(pstat.output.contains("Encrypted: Yes\n"))  // software, so no "(hardware assisted)"
    #expect(pstat.output.contains("Wrapped VEK"))  // TSK found the container keybag through nx_keylocker
  }
}
