import DiskImage
import Foundation
import IPSWFormat
import IPSWTestSupport
import ImageAccess
import Testing

@Suite("IPSW manifests, digests, space estimate and inventory")
struct IPSWTests {
  static func builder(binary: Bool = false) throws -> IPSWBuilder {
    var b = IPSWBuilder()
    b.binaryPlists = binary
    let kernel = DERBuilder.im4p(
      type: "krnl", description: "KernelCacheBuilder-2405", payload: try Fixtures.vector("kernel.complzss"))
    b.components = [
      ("KernelCache", .init(path: "kernelcache.release.iphone13", bytes: kernel)),
      ("DeviceTree", .init(path: "Firmware/all_flash/DeviceTree.d53gap.im4p", bytes: DERBuilder.im4p(type: "dtre", description: "DT", payload: Array(repeating: 7, count: 3000)),
        deflate: true)),
      ("iBoot", .init(path: "Firmware/all_flash/iBoot.d53g.RELEASE.im4p", bytes: DERBuilder.im4p(type: "ibot", description: "iBoot", payload: Array(repeating: 9, count: 2000)))),
      ("RestoreRamDisk", .init(path: "096-99999-001.dmg", bytes: Array(repeating: 1, count: 4096))),
    ]
    return b
  }

  @Test("BuildManifest and Restore.plist, XML and binary", arguments: [false, true])
  func manifests(binary: Bool) throws {
    let dir = try makeTemporaryDirectory("manifest")
    defer { removeTemporaryDirectory(dir) }
    let path = dir + "/x.ipsw"
    try Self.builder(binary: binary).write(to: path)
    let ipsw = try IPSW(path: path)
    #expect(ipsw.issues.isEmpty)
    let m = try #require(ipsw.buildManifest)
    #expect(m.productVersion == "17.4" && m.productBuildVersion == "21E219" && m.manifestVersion == 1)
    #expect(m.supportedProductTypes == ["iPhone13,2"])
    #expect(m.identities.count == 2)
    let update = m.identities[1]
    #expect(update.boardID == 0x0C && update.chipID == 0x8101 && update.securityDomain == 1)
    #expect(update.variant == "Customer Upgrade Install (IPSW)" && update.restoreBehavior == "Update")
    #expect(update.isUpdate && !m.identities[0].isUpdate)
    #expect(update.deviceClass == "d53gap")
    #expect(update.minimumSystemPartitionMiB == 9000)
    #expect(update.systemPartitionPaddingMiB == [16: 260, 32: 320, 64: 640, 128: 1280])
    #expect(update.component("KernelCache")?.path == "kernelcache.release.iphone13")
    #expect(update.component("KernelCache")?.digest?.count == 48)
    #expect(update.component("KernelCache")?.personalize == true)
    let r = try #require(ipsw.restorePlist)
    #expect(r.devices.first?.boardConfig == "d53gap" && r.devices.first?.chipID == 0x8101)
    #expect(r.minimumSystemPartitionMiB == ["096-12345-001.dmg": 9000])
    #expect(r.systemPartitionPaddingMiB["d53g"]?[64] == 640)
    #expect(ipsw.rootFilesystemEntry?.name == "096-12345-001.dmg")
    #expect(ipsw.rootFilesystemEntry?.uncompressedSize == 1 << 20)
  }

  @Test("space estimate: pure function, tiers, sources cited")
  func spaceEstimate() throws {
    let table = [16: 260, 32: 320, 64: 640, 128: 1280]
    let exact = try #require(
      SpaceEstimate.compute(
        minimumSystemPartitionMiB: 9000, minimumSource: "M", padding: table, paddingSource: "P", deviceCapacityGB: 64))
    #expect(exact.estimatedMiB == 9640 && exact.estimatedBytes == 9640 << 20 && exact.isEstimate)
    #expect(exact.sources == ["M", "P[\"64\"]"])
    let between = SpaceEstimate.compute(
      minimumSystemPartitionMiB: 9000, minimumSource: "M", padding: table, paddingSource: "P", deviceCapacityGB: 100)
    #expect(between?.paddingKeyGB == 64)
    let small = SpaceEstimate.compute(
      minimumSystemPartitionMiB: 9000, minimumSource: "M", padding: table, paddingSource: "P", deviceCapacityGB: 8)
    #expect(small?.paddingKeyGB == 16)
    let none = SpaceEstimate.compute(
      minimumSystemPartitionMiB: 100, minimumSource: "M", padding: [:], paddingSource: nil, deviceCapacityGB: 64)
    #expect(none?.estimatedMiB == 100 && none?.paddingMiB == nil && none?.sources == ["M"])
    #expect(
      SpaceEstimate.compute(
        minimumSystemPartitionMiB: Int.max, minimumSource: "M", padding: [1: 1], paddingSource: "P",
        deviceCapacityGB: 1) == nil)
    #expect(
      SpaceEstimate.compute(
        minimumSystemPartitionMiB: -1, minimumSource: "M", padding: [:], paddingSource: nil, deviceCapacityGB: 1)
        == nil)

    let dir = try makeTemporaryDirectory("space")
    defer { removeTemporaryDirectory(dir) }
    try Self.builder().write(to: dir + "/x.ipsw")
    let ipsw = try IPSW(path: dir + "/x.ipsw")
    let e = try #require(ipsw.spaceEstimate(deviceCapacityGB: 128))
    #expect(e.estimatedMiB == 9000 + 1280)
    #expect(e.sources[0] == "BuildManifest.plist BuildIdentities[1].Info.MinimumSystemPartition")
    // Restore.plist alone (old IPSWs).
    let restoreOnly = SpaceEstimate.estimate(buildManifest: nil, restorePlist: ipsw.restorePlist, deviceCapacityGB: 32)
    #expect(restoreOnly?.estimatedMiB == 9000 + 320)
    #expect(restoreOnly?.sources == [
      "Restore.plist MinimumSystemPartition[\"096-12345-001.dmg\"]", "Restore.plist SystemPartitionPadding[\"d53g\"][\"32\"]",
    ])
  }

  @Test("real Restore.plist shape (iPhone7,2 12H321): per-DMG minimum and per-board padding")
  func realRestoreShape() throws {
    let plist: [String: Any] = [
      "ProductType": "iPhone7,2", "ProductVersion": "8.4.1", "ProductBuildVersion": "12H321",
      "MinimumSystemPartition": ["058-24566-023.dmg": 2682],
      "SystemPartitionPadding": ["n61": ["8": 180, "16": 260, "32": 320, "64": 640, "128": 1280, "1024": 1280]],
      "SystemRestoreImages": ["User": "058-24566-023.dmg"],
      "DeviceMap": [["BDID": 6, "BoardConfig": "n61ap", "CPID": 28672, "Platform": "t7000", "SCEP": 1]],
    ]
    let bytes = [UInt8](try PropertyListSerialization.data(fromPropertyList: plist, format: .binary, options: 0))
    let restore = try RestorePlist(parsing: bytes)
    let e = try #require(SpaceEstimate.estimate(buildManifest: nil, restorePlist: restore, deviceCapacityGB: 16))
    #expect(e.estimatedMiB == 2682 + 260)
    #expect(restore.devices[0].chipID == 0x7000)
  }

  @Test("manifest that is not a property list is an issue, not a crash")
  func badManifest() throws {
    let dir = try makeTemporaryDirectory("badmanifest")
    defer { removeTemporaryDirectory(dir) }
    let w = try ZIPWriter(path: dir + "/x.ipsw")
    try w.add("BuildManifest.plist", .stored(Array("<plist><dict><key>oops".utf8)))
    try w.finish()
    let ipsw = try IPSW(path: dir + "/x.ipsw")
    #expect(ipsw.buildManifest == nil)
    #expect(ipsw.issues.first?.structure == "BuildManifest.plist")
    #expect(ipsw.spaceEstimate(deviceCapacityGB: 64) == nil)
  }

  @Test("digest verification: match, mismatch and missing per component")
  func digests() throws {
    let dir = try makeTemporaryDirectory("digests")
    defer { removeTemporaryDirectory(dir) }
    var b = try Self.builder()
    b.wrongDigests = ["iBoot"]
    b.missingFiles = ["RestoreRamDisk"]
    try b.write(to: dir + "/x.ipsw")
    let ipsw = try IPSW(path: dir + "/x.ipsw")
    let checks = ipsw.verifyDigests()
    let status = Dictionary(uniqueKeysWithValues: checks.map { ($0.component, $0.status) })
    #expect(status["KernelCache"] == "match")
    #expect(status["DeviceTree"] == "match")  // deflated entry, hashed after decoding
    #expect(status["iBoot"] == "mismatch")
    #expect(status["RestoreRamDisk"] == "missing")
    #expect(status["OS"] == "no-digest")
    #expect(checks.first { $0.component == "KernelCache" }?.identities == [0, 1])
    #expect(checks.first { $0.component == "KernelCache" }?.algorithm == "sha384")
  }

  @Test("kernelcache facts through the archive, with personalisation flags")
  func kernelcacheInArchive() throws {
    let dir = try makeTemporaryDirectory("kc")
    defer { removeTemporaryDirectory(dir) }
    try Self.builder().write(to: dir + "/x.ipsw")
    let ipsw = try IPSW(path: dir + "/x.ipsw")
    let facts = try #require(try ipsw.kernelcacheFacts())
    #expect(facts.path == "kernelcache.release.iphone13")
    #expect(facts.im4pType == "krnl" && facts.payloadFormat == .lzss && !facts.isEncrypted)
    #expect(facts.kernelVersion?.hasPrefix("Darwin Kernel Version 23.4.0") == true)
    #expect(facts.personalize == true && facts.trusted == true)
  }

  @Test("IM4M digests compared with a BuildManifest identity")
  func ticketComparison() throws {
    let ticket = try IM4M(parsing: Fixtures.sharedBytes("img4/IM4M"))
    let krnl = try #require(ticket.image("krnl")?.digest)
    let identity = BuildIdentity(
      index: 0, boardID: 0x0E, chipID: 0x8015, securityDomain: 1, productType: nil, productMarketingVersion: nil,
      variant: nil, restoreBehavior: nil, deviceClass: nil, buildNumber: nil, minimumSystemPartitionMiB: nil,
      systemPartitionPaddingMiB: [:], osVarContentSize: nil,
      components: [
        ManifestComponent(name: "KernelCache", path: "k", digest: krnl, trusted: true, personalize: true),
        ManifestComponent(name: "iBoot", path: "i", digest: [UInt8](repeating: 0, count: 48), trusted: true,
          personalize: true),
        ManifestComponent(name: "Cryptex1,SystemOS", path: "c", digest: [1], trusted: true, personalize: true),
        ManifestComponent(name: "NotAnImage", path: "n", digest: [1], trusted: nil, personalize: nil),
      ])
    let result = IPSW.compare(ticket: ticket, identity: identity)
    #expect(result.map(\.status) == ["match", "mismatch", "not-in-ticket"])
  }

  @Test("root filesystem DMG opens through DiskImage in place: UDIF, expanded size, APFS superblock reachable")
  func rootFilesystemThroughDiskImage() throws {
    let dir = try makeTemporaryDirectory("rootfs")
    defer { removeTemporaryDirectory(dir) }
    var b = try Self.builder()
    let dmg = try Fixtures.sharedBytes("dmg/hdimac_test-disk-image-apfs.dmg")
    b.rootFilesystem = ("096-54321-001.dmg", UInt64(dmg.count))
    b.rootFilesystemBytes = dmg
    try b.write(to: dir + "/x.ipsw")
    let ipsw = try IPSW(path: dir + "/x.ipsw")
    guard case .udif(let udif)? = try ipsw.openRootFilesystem() else {
      Issue.record("root filesystem did not open as UDIF")
      return
    }
    #expect(udif.byteCount == 10_537_472)
    // The Apple_APFS partition starts at sector 40; the container superblock's magic is at +32.
    #expect(try udif.read((40 * 512 + 32)..<(40 * 512 + 36)) == Array("NXSB".utf8))
    var options = IPSWInventory.Options()
    options.verifyDigests = false
    let inventory = IPSWInventory(ipsw: ipsw, path: "x", options: options)
    let row = try #require(inventory.diskImages.first { $0.name == "096-54321-001.dmg" })
    #expect(row.role == "root-filesystem" && row.container == "udif" && row.expandedSizeBytes == 10_537_472)
    #expect(inventory.errors.isEmpty, "\(inventory.errors)")
  }
}
