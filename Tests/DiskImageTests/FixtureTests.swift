import TestSupport
import DiskImage
import Foundation
import ImageAccess
import Testing

/// The real sample files in ../shared/fixtures (provenance and expected hashes in its README.md).
enum Fixtures {
  static let dmgFolder = RealImages.sharedFixtures.appendingPathComponent("dmg")

  static func path(_ name: String) -> String { dmgFolder.appendingPathComponent(name).path }

  /// Opens a fixture read-only; a missing fixture is a test failure (thrown), never a skip.
  static func open(_ name: String) throws -> MappedImage { try MappedImage(path: path(name)) }

  struct Expanded: Sendable, CustomStringConvertible {
    var file: String, size: Int, sha256: String, chunkType: ChunkType
    var description: String { file }
  }

  /// From /work/shared/fixtures/README.md.
  static let expanded: [Expanded] = [
    .init(file: "keramics_hfsplus_adc.dmg", size: 1_964_032, sha256: "d27324bc2d352649e8ca2733c48e2730fa09cb0970086c1bc71e534e215a3e99", chunkType: .adc),
    .init(file: "keramics_hfsplus_bzip2.dmg", size: 1_964_032, sha256: "b918c2606696b5067dcc4297ba5b08b2573dfeaf737a44f1110f27a10a3d4a0c", chunkType: .bzip2),
    .init(file: "keramics_hfsplus_lzfse.dmg", size: 1_964_032, sha256: "5f3091e9c5698a1de3006f3dba629b60c0c88585d0202f1b65cfdca876848aa9", chunkType: .lzfse),
    .init(file: "keramics_hfsplus_lzma.dmg", size: 1_964_032, sha256: "b144d0fedfa63d6c4dfa65904bca85fda67aa40b166f1d147ef5de28b7db8bc8", chunkType: .lzma),
    .init(file: "keramics_hfsplus_zlib.dmg", size: 1_964_032, sha256: "d3fc84894c6a387275cd71087096268873031221db7fd29647de4ddad88316ad", chunkType: .zlib),
    .init(file: "hdimac_test-disk-image-apfs.dmg", size: 10_537_472, sha256: "8893f6d3e2ba1342ba30ad4ae0b519de1c431dd6466e988f68b94af11a8fc27f", chunkType: .zlib),
  ]
}

@Suite struct FixtureDMGTests {
  @Test(arguments: Fixtures.expanded)
  func expandsToTheRecordedSizeAndHash(_ fixture: Fixtures.Expanded) throws {
    let image = try Fixtures.open(fixture.file)
    guard case .udif(let udif) = try DiskImageDetector.open(image) else {
      Issue.record("\(fixture.file) not detected as UDIF")
      return
    }
    #expect(udif.byteCount == fixture.size)
    #expect((udif.chunkCounts[fixture.chunkType] ?? 0) > 0, "no \(fixture.chunkType) chunks")
    #expect(udif.uncoveredByteCount == 0)
    #expect(try EvidenceHash.sha256(of: udif) == fixture.sha256)
    // Small odd-sized reads across chunk edges give the same bytes as one big read.
    let whole = try udif.read(0..<udif.byteCount)
    var offset = 0
    var step = 1
    while offset < udif.byteCount {
      let end = min(udif.byteCount, offset + step)
      #expect(try udif.read(offset..<end) == Array(whole[offset..<end]), "range \(offset)..<\(end)")
      offset = end
      step = step * 3 + 511
    }
  }

  @Test func apfsDMGHoldsAGPTWithAnAPFSContainerAtSector40() throws {
    let image = try Fixtures.open("hdimac_test-disk-image-apfs.dmg")
    let udif = try UDIFImage(source: image)
    #expect(udif.partitions.contains { $0.name.contains("Apple_APFS") })
    let header = try udif.reader(at: 512, length: 92, structure: "GPT header")
    #expect(try header.bytes(0, 8) == Array("EFI PART".utf8))
    let entriesLBA = Int(try header.u64(72))
    let entryCount = Int(try header.u32(80))
    let entrySize = Int(try header.u32(84))
    #expect(entrySize == 128)
    // Apple_APFS type GUID 7C3457EF-0000-11AA-AA11-00306543ECAC in GPT mixed-endian storage.
    let apfsType: [UInt8] = [0xEF, 0x57, 0x34, 0x7C, 0x00, 0x00, 0xAA, 0x11, 0xAA, 0x11, 0x00, 0x30, 0x65, 0x43, 0xEC, 0xAC]
    var apfsFirstLBA: Int?
    for i in 0..<min(entryCount, 128) {
      let entry = try udif.reader(at: entriesLBA * 512 + i * entrySize, length: entrySize, structure: "GPT entry")
      if try entry.bytes(0, 16) == apfsType { apfsFirstLBA = Int(try entry.u64(32)) }
    }
    #expect(apfsFirstLBA == 40)
    let superblock = try udif.reader(at: 40 * 512, length: 4096, structure: "nx_superblock_t")
    #expect(try superblock.bytes(32, 4) == Array("NXSB".utf8))
    #expect(try superblock.u32(36) == 4096)
    #expect(try superblock.u64(40) == 2563)
  }

  /// 7-Zip (Debian `7zip`, whose program is `7zz`) reads the same DMG and lists the three files of the APFS volume.
  @Test func sevenZipListsTheAPFSFiles() throws {
    let result = try ExternalPrograms.run("7zz", ["l", Fixtures.path("hdimac_test-disk-image-apfs.dmg")])
    #expect(result.status == 0, "\(result.errors)")
    for name in ["file-a.txt", "file-b.txt", "file-c.txt"] {
      #expect(result.output.contains(name), "7zz l did not list \(name)")
    }
  }

  @Test func libmodiBlockTableHasTwoEntries() throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("libmodi_udif_block_table.1"))))
    #expect(bytes.count == 284)
    let table = try BlockTable(parsing: ByteReader(bytes, structure: "mish"))
    #expect(table.chunks.count == 2)
    #expect(table.chunks[0].type == .zlib)
    #expect(table.chunks[0].sectorCount == 1)
    #expect(table.chunks[1].type == .terminator)
    #expect(table.sectorCount == 1)
    #expect(table.buffersNeeded == 0x808)
    #expect(table.checksumType == 2)
  }

  @Test func libmodiKolyParses() throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("libmodi_udif_resource_file.1"))))
    let koly = try KolyTrailer(parsing: ByteReader(bytes, structure: "koly"))
    #expect(koly.version == 4)
    #expect(koly.headerSize == 512)
    #expect(koly.flags == 1)
    #expect(koly.xmlOffset > 0)
    #expect(koly.xmlOffset == koly.dataForkLength)
    #expect(koly.sectorCount > 0)
  }

  @Test func libmodiXMLPlistParses() throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("libmodi_udif_xml_plist.1"))))
    let fork = try ResourceFork(parsingXML: bytes, at: 0)
    #expect(fork.blkx.count >= 2)
    #expect(fork.blkx[0].id == -1)
    #expect(fork.blkx[0].name.contains("MBR"))
    for entry in fork.blkx {
      let table = try BlockTable(parsing: ByteReader(entry.data, structure: "mish"))
      #expect(table.chunks.last?.type == .terminator)
    }
  }

  @Test func missingFixtureFailsLoudly() {
    #expect(throws: ImageError.self) { try Fixtures.open("no-such-fixture.dmg") }
  }
}
