import APFSForge
import Foundation
import Testing

@Suite struct ForgeBehaviourTests {
  @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let spec = Preset.iosHealthy.spec(seed: 11, size: nil, free: nil, files: nil)
    let (a, b, c) = (tmp.path("a.img"), tmp.path("b.img"), tmp.path("c.img"))
    let ma = try APFSForger.forge(spec, to: a)
    let mb = try APFSForger.forge(spec, to: b)
    _ = try APFSForger.forge(Preset.iosHealthy.spec(seed: 12, size: nil, free: nil, files: nil), to: c)
    #expect(ma == mb)
    let (da, db, dc) = try (Data(contentsOf: URL(fileURLWithPath: a)), Data(contentsOf: URL(fileURLWithPath: b)),
      Data(contentsOf: URL(fileURLWithPath: c)))
    #expect(da == db)
    #expect(da != dc)
  }

  @Test(arguments: [0.5, 12.5, 30.0, 61.0])
  func exactFreePercent(_ percent: Double) throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let m = try APFSForger.forge(
      Preset.iosHealthy.spec(seed: 1, size: 16 << 20, free: .some(.percent(percent)), files: nil), to: tmp.path("x"))
    #expect(m.freeBlocks == UInt64((4096.0 * percent / 100).rounded()))
  }

  @Test func exactFreeBytesRoundUpToBlocks() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let m = try APFSForger.forge(
      Preset.iosFull.spec(seed: 1, size: nil, free: .some(.bytes(100_000)), files: nil), to: tmp.path("x"))
    #expect(m.freeBlocks == 25)  // ceil(100000 / 4096)
  }

  @Test func manifestOwnershipCoversContainer() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let m = try APFSForger.forge(Preset.iosFull.spec(seed: 4, size: nil, free: nil, files: nil), to: tmp.path("x"))
    var next: UInt64 = 0
    var free: UInt64 = 0
    var perVolume = [UInt64](repeating: 0, count: m.volumes.count)
    for run in m.blocks {
      #expect(run.start == next)
      next = run.start + run.count
      if run.owner == .free { free += run.count }
      if let v = run.volume { perVolume[v] += run.count }
    }
    #expect(next == m.blockCount)
    #expect(free == m.freeBlocks)
    // A volume owns its allocated blocks plus its superblock.
    #expect(perVolume == m.volumes.map { $0.allocatedBlocks + 1 })
    let encrypted = m.blocks.filter { $0.owner == .fileEncrypted }.reduce(0) { $0 + $1.count }
    #expect(encrypted > 0)
    #expect(m.blocks.filter { $0.owner == .fileEncrypted }.allSatisfy { $0.volume == 1 })
  }

  @Test func sparseOutput() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let path = tmp.path("mac.img")
    _ = try APFSForger.forge(Preset.macos.spec(seed: 1, size: nil, free: nil, files: nil), to: path)
    var st = stat()
    #expect(stat(path, &st) == 0)
    #expect(st.st_size == 2560 << 20)
    #expect(Int64(st.st_blocks) * 512 < 16 << 20)  // 40 % free plus a zero filler: almost nothing on disk
  }

  @Test func refusesToOverwriteAndRejectsBadRequests() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let path = tmp.path("x.img")
    let spec = Preset.onekey.spec(seed: 1, size: nil, free: nil, files: nil)
    _ = try APFSForger.forge(spec, to: path)
    #expect(throws: ForgeError.self) { try APFSForger.forge(spec, to: path) }
    #expect(throws: ForgeError.self) {
      try APFSForger.forge(Preset.iosFull.spec(seed: 1, size: 1 << 20, free: nil, files: nil), to: tmp.path("small"))
    }
    #expect(throws: ForgeError.self) {
      try APFSForger.forge(
        Preset.iosFull.spec(seed: 1, size: nil, free: .some(.percent(100)), files: nil), to: tmp.path("p"))
    }
    #expect(throws: ForgeError.self) {
      try APFSForger.forge(Preset.macos.spec(seed: 1, size: 4097, free: nil, files: nil), to: tmp.path("odd"))
    }
    #expect(!FileManager.default.fileExists(atPath: tmp.path("small")))
  }

  @Test func blockZeroIsAChecksummedContainerSuperblock() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let path = tmp.path("x.img")
    _ = try APFSForger.forge(Preset.onekey.spec(seed: 1, size: nil, free: nil, files: nil), to: path)
    let block = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)).prefix(4096))
    #expect(Array(block[32..<36]) == Array("NXSB".utf8))
    let stored = block[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    #expect(Fletcher64.checksum(of: block) == stored)
  }

  /// Known dentry hashes, read from the root node of a container made by apfsprogs' mkapfs.
  @Test func dentryHashMatchesMkapfs() {
    #expect(ForgeInternalsProbe.nameLengthAndHash("root", caseFold: true) == 0xB671_E405)
    #expect(ForgeInternalsProbe.nameLengthAndHash("private-dir", caseFold: true) == 0xACA6_8C0C)
  }
}

@Suite struct ForgeFailureTests {
  @Test func failedForgeLeavesNoImage() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    // No free-space target, so there is no dry run: the failure happens while writing.
    let spec = Preset.iosFull.spec(seed: 1, size: 1 << 20, free: .some(nil), files: nil)
    #expect(throws: ForgeError.self) { try APFSForger.forge(spec, to: tmp.path("small.img")) }
    #expect(!FileManager.default.fileExists(atPath: tmp.path("small.img")))
  }

  @Test func oversizedContainerIsRejected() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    #expect(throws: ForgeError.self) {
      try APFSForger.forge(Preset.macos.spec(seed: 1, size: 2 << 40, free: nil, files: nil), to: tmp.path("big"))
    }
  }
}
