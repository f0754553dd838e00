import DiskImage
import Foundation
import ImageAccess
import Testing
import TestSupport

@testable import Evidence

/// The one container locator: raw, GPT, DMG, unknown, and a GPT whose LBAs overflow.
@Suite struct LocatorTests {
  /// A GPT disk of `sectors` 512-byte sectors whose one partition (Apple_APFS type) spans `first...last`, with
  /// correct CRCs (UEFI §5.3), and `payload` copied at byte `payloadAt`.
  static func gptDisk(sectors: Int, first: UInt64, last: UInt64, payload: [UInt8] = [], payloadAt: Int = 0) -> [UInt8] {
    var disk = [UInt8](repeating: 0, count: sectors * 512)
    func put<T: FixedWidthInteger>(_ value: T, _ at: Int) {
      withUnsafeBytes(of: value.littleEndian) { for (i, b) in $0.enumerated() { disk[at + i] = b } }
    }
    // Protective MBR.
    disk[446 + 4] = 0xEE
    disk[510] = 0x55
    disk[511] = 0xAA
    // One entry at LBA 2: Apple_APFS type GUID 7C3457EF-0000-11AA-AA11-00306543ECAC in mixed-endian storage.
    let entry = 1024
    let type: [UInt8] = [0xEF, 0x57, 0x34, 0x7C, 0x00, 0x00, 0xAA, 0x11, 0xAA, 0x11, 0x00, 0x30, 0x65, 0x43, 0xEC, 0xAC]
    for (i, b) in type.enumerated() { disk[entry + i] = b }
    disk[entry + 16] = 0x42  // unique GUID, any
    put(first, entry + 32)
    put(last, entry + 40)
    for (i, unit) in "Container".utf16.enumerated() { put(unit, entry + 56 + 2 * i) }
    let entryCount = 4
    let arrayCRC = CRC32.checksum(Array(disk[entry..<(entry + entryCount * 128)]))
    // Header at LBA 1.
    let h = 512
    for (i, b) in Array("EFI PART".utf8).enumerated() { disk[h + i] = b }
    put(UInt32(0x0001_0000), h + 8)
    put(UInt32(92), h + 12)
    put(UInt64(1), h + 24)
    put(UInt64(sectors - 1), h + 32)
    put(UInt64(34), h + 40)
    put(UInt64(sectors - 34), h + 48)
    put(UInt64(2), h + 72)
    put(UInt32(entryCount), h + 80)
    put(UInt32(128), h + 84)
    put(arrayCRC, h + 88)
    put(CRC32.checksum(Array(disk[h..<(h + 92)])), h + 16)
    for (i, b) in payload.enumerated() where payloadAt + i < disk.count { disk[payloadAt + i] = b }
    return disk
  }

  @Test func aContainerAtOffsetZeroIsRaw() throws {
    let image = try MappedImage(path: try RealImages.dissect("case_sensitive.bin"))
    let found = ContainerLocator.locate(in: image)
    #expect(found.layout == .raw)
    #expect(found.offset == 0)
    #expect(found.source?.byteCount == image.byteCount)
    #expect(found.problems.isEmpty)
  }

  @Test func theAPFSPartitionOfAGPTIsSliced() throws {
    let container = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try RealImages.dissect("case_sensitive.bin"))))
    let sectors = 64 + container.count / 512
    let disk = Self.gptDisk(sectors: sectors, first: 64, last: UInt64(sectors - 1), payload: container, payloadAt: 64 * 512)
    let found = ContainerLocator.locate(in: MemorySource(disk))
    #expect(found.layout == .gpt)
    #expect(found.offset == 64 * 512)
    #expect(found.partitions == [.init(index: 0, typeGUID: GPT.apfsPartitionType, name: "Container",
                                       offsetBytes: 64 * 512, lengthBytes: container.count)])
    #expect(found.problems.isEmpty)
    let source = try #require(found.source)
    #expect(ContainerLocator.hasContainerSuperblock(source))
  }

  @Test func anOverflowingLBAIsALocatedErrorNotATrap() throws {
    // StartingLBA × 512 leaves UInt64 (and Int); EndingLBA too.
    let disk = Self.gptDisk(sectors: 128, first: UInt64.max / 256, last: UInt64.max - 1)
    let found = ContainerLocator.locate(in: MemorySource(disk))
    #expect(found.layout == .gpt)
    #expect(found.source == nil)
    #expect(found.partitions.isEmpty)
    let problem = try #require(found.problems.first)
    #expect(problem.reason == .arithmeticOverflow(field: "StartingLBA × sector size"))
    #expect(problem.offset == 1024 + 32)  // the entry's StartingLBA field
    #expect(problem.structure == "gpt_entry 0")
  }

  @Test func aPartitionEndingBeforeItStartsIsALocatedError() throws {
    let disk = Self.gptDisk(sectors: 128, first: 100, last: 40)
    let found = ContainerLocator.locate(in: MemorySource(disk))
    #expect(found.source == nil)
    #expect(found.problems.first?.reason == .valueOutOfRange(field: "EndingLBA", value: 40))
    #expect(found.problems.first?.offset == 1024 + 40)
  }

  @Test func unknownBytesAreHandedOnWhole() throws {
    let bytes = Scratch.randomBytes(count: 64 << 10, seed: 11)
    let found = ContainerLocator.locate(in: MemorySource(bytes))
    #expect(found.layout == .unknown)
    #expect(found.offset == 0)
    #expect(found.source?.byteCount == bytes.count)
    #expect(try ContainerLocator.apfsSource(in: MemorySource(bytes)) == nil)
  }

  @Test func aDMGIsExpandedThenLocated() throws {
    let path = try RealImages.fixture("dmg/hdimac_test-disk-image-apfs.dmg")
    let opened = try OpenedEvidence.open(path: path)
    #expect(opened.format == .dmg)
    #expect(opened.expandedBytes != nil)
    let source = try #require(opened.apfsSource)
    #expect(ContainerLocator.hasContainerSuperblock(source))
    #expect(opened.stored.byteCount == (try MappedImage(path: path)).byteCount)
    #expect(opened.segments == nil)
  }

  /// An AEA archive is one more evidence format: the signed-only profile 0 opens without a key and its payload is the
  /// media (Apple's fixture holds an Apple Archive, not a disk: the decoded payload is the media, no AEA problem).
  @Test func aeaProfileZeroIsOpenedAsEvidence() throws {
    let opened = try OpenedEvidence.open(path: try RealImages.fixture("aea/contactVerificationTest.shortcut"))
    #expect(opened.format == .aea, "\(opened.problems)")
    #expect(opened.encryptedWrapper == nil)
    #expect(opened.media?.byteCount == 145_341)
    #expect(!opened.problems.contains { "\($0)".contains("AEA") }, "\(opened.problems)")
  }
}
