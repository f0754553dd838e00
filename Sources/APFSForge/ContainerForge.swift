#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fixed positions of the container-level structures, following the shape `mkapfs` (apfsprogs) produces.
///
/// Block 0 holds the superblock copy; then the checkpoint descriptor area (map + superblock), the checkpoint data
/// area (reaper, space manager, two free-queue roots), the 16 internal-pool bitmap blocks and the internal pool
/// (chunk bitmaps and chunk-info blocks). Everything after that is handed out by the bump allocator.
struct ContainerLayout {
  let blockSize: Int
  let blockCount: UInt64
  var blocksPerChunk: UInt64 { UInt64(blockSize) * 8 }
  var chunksPerCIB: UInt64 { UInt64((blockSize - 40) / 32) }
  var cibsPerCAB: UInt64 { UInt64((blockSize - 40) / 8) }
  var chunkCount: UInt64 { (blockCount + blocksPerChunk - 1) / blocksPerChunk }
  var cibCount: UInt64 { (chunkCount + chunksPerCIB - 1) / chunksPerCIB }
  var descBase: UInt64 { 1 }
  var descBlocks: UInt64 {
    if blockCount < 512 * 1024 / 4 { return 8 }
    if blockCount < 1024 * 1024 / 4 { return 12 }
    if blockCount < 50 * 1024 * 1024 / 4 { return 20 + 60 * ((blockCount - 1024 * 1024 / 4) / (512 * 1024 / 4)) / 23 }
    return 280
  }
  var dataBase: UInt64 { descBase + descBlocks }
  /// Checkpoint data area size: newfs_apfs-like sizes as measured by apfsprogs, but in containers of 128 MiB and
  /// more at least large enough that every object outside the fixed areas gets a block number >= 1024
  /// (apfsck reports physical objects below that as "reserved object id").
  var dataBlocks: UInt64 {
    let measured = measuredDataBlocks
    guard blockCount >= 32768 else { return measured }
    return max(measured, 1024 - dataBase)
  }
  var measuredDataBlocks: UInt64 {
    if blockCount < 4545 { return 52 }
    if blockCount < 13633 { return 124 }
    if blockCount < 36353 { return 160 + 36 * ((blockCount - 13633) / 4544) }
    if blockCount < 131777 { return 308 + 4 * ((blockCount - 36353) / 4544) }
    if blockCount < 262144 { return 648 + 4 * ((blockCount - 131777) / 4544) }
    return min(27672, 992 + blockCount / 1024)
  }
  // Ephemeral objects in the data area.
  var reaperBlock: UInt64 { dataBase }
  var spacemanBlock: UInt64 { dataBase + 1 }
  var spacemanBytesNeeded: Int { 0x180 + Int(cibCount) * 8 + 8 }
  var spacemanBlocks: UInt64 { UInt64((spacemanBytesNeeded + blockSize - 1) / blockSize) }
  var ipFreeQueueBlock: UInt64 { spacemanBlock + spacemanBlocks }
  var mainFreeQueueBlock: UInt64 { ipFreeQueueBlock + 1 }
  var dataLength: UInt64 { 3 + spacemanBlocks }
  var ipBitmapBase: UInt64 { dataBase + dataBlocks }
  var ipBitmapBlocks: UInt64 { 16 }
  var ipBase: UInt64 { ipBitmapBase + ipBitmapBlocks }
  var ipBlocks: UInt64 { (chunkCount + cibCount) * 3 }
  var firstAllocatable: UInt64 { ipBase + ipBlocks }

  static let spacemanOID: UInt64 = 1024
  static let reaperOID: UInt64 = 1025
  static let ipFreeQueueOID: UInt64 = 1026
  static let mainFreeQueueOID: UInt64 = 1027
  static let firstVirtualOID: UInt64 = 1028

  func ipFreeQueueNodeLimit() -> UInt16 {
    var r: UInt64 = chunkCount < 376 ? 1 : 2 + 3 * (chunkCount - 376) / 1127
    if r == 2 { r = 3 }
    return UInt16(min(r, 0xFFFF))
  }
  func mainFreeQueueNodeLimit() -> UInt16 {
    var r: UInt64
    if blockCount < 0x40000 {
      r = 1 + (blockCount - 1) / 4544
    } else if blockCount < 0x10_0000 {
      r = 116 + (blockCount - 261_281) / 2272
    } else {
      r = 512
    }
    if r == 2 { r = 3 }
    return UInt16(r)
  }
}

/// Forges APFS containers. Deterministic: one spec and seed give one image, byte for byte.
public enum APFSForger {
  /// Forges `spec` into a new sparse file at `path` and returns the manifest of what was written.
  ///
  /// - Throws: ``ForgeError`` for an invalid spec, a container too small for its content, or an I/O failure.
  public static func forge(_ spec: ForgeSpec, to path: String, overwrite: Bool = false) throws(ForgeError)
    -> ForgeManifest
  {
    try validate(spec)
    let bs = spec.blockSize
    let blockCount = spec.containerBytes / UInt64(bs)
    var fillerBlocks: UInt64 = 0
    var targetFree: UInt64? = nil
    if let free = spec.freeSpace {
      let wanted: UInt64
      switch free {
      case .percent(let p):
        guard p >= 0, p < 100 else { throw ForgeError("free percent must be in [0, 100): \(p)") }
        wanted = UInt64((Double(blockCount) * p / 100).rounded())
      case .bytes(let b): wanted = (b + UInt64(bs) - 1) / UInt64(bs)
      }
      targetFree = max(1, wanted)  // apfsck refuses an allocation that reaches the last block
      guard spec.volumes.contains(where: { $0.holdsFiller }) else {
        throw ForgeError("a free-space target needs a volume that holds the filler file")
      }
      // Dry run with a one-block filler: metadata size does not depend on the filler's length.
      let dry = ImageSink(dryRunBlockSize: bs, blockCount: blockCount)
      let probe = try run(spec, sink: dry, fillerBlocks: 1)
      let used = probe.allocatedBlocks
      guard blockCount >= used + targetFree!, blockCount - used - targetFree! + 1 >= 1 else {
        throw ForgeError(
          "container of \(blockCount) blocks is too small: content needs \(used) blocks and \(targetFree!) must "
            + "stay free")
      }
      fillerBlocks = blockCount - used - targetFree! + 1
    }
    let sink = try ImageSink(path: path, blockSize: bs, blockCount: blockCount, overwrite: overwrite)
    let manifest: ForgeManifest
    do {
      manifest = try run(spec, sink: sink, fillerBlocks: fillerBlocks)
      try sink.finish()
    } catch {
      unlink(path)  // never leave a half-written image behind
      throw error
    }
    if let t = targetFree, manifest.freeBlocks != t {
      throw ForgeError("forge bug: free blocks \(manifest.freeBlocks) differ from the target \(t)")
    }
    return manifest
  }

  static func validate(_ spec: ForgeSpec) throws(ForgeError) {
    guard spec.blockSize == 4096 else { throw ForgeError("only 4096-byte blocks are supported") }
    guard spec.containerBytes % UInt64(spec.blockSize) == 0 else {
      throw ForgeError("container size must be a multiple of the block size")
    }
    let blocks = spec.containerBytes / UInt64(spec.blockSize)
    guard blocks >= 256 else { throw ForgeError("container must be at least 1 MiB") }
    // One internal-pool bitmap block and no chunk-info address blocks (what apfsck supports) limit the size.
    guard blocks <= 1 << 28 else { throw ForgeError("containers larger than 1 TiB are not supported") }
    guard (1...100).contains(spec.volumes.count) else { throw ForgeError("a container holds 1 to 100 volumes") }
    for v in spec.volumes {
      guard !v.name.isEmpty, v.name.utf8.count < 256 else { throw ForgeError("bad volume name length: \(v.name)") }
      let names = [v.name] + v.topDirectories
      for n in names where !n.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x2F }) || n.isEmpty {
        throw ForgeError("names must be printable ASCII without '/': \(n)")
      }
      guard v.files >= 0, v.subdirectories >= 0, v.symlinks >= 0, v.hardLinks >= 0, v.xattrEvery >= 0,
        v.fileSizes.lowerBound >= 0, v.files <= 50_000_000, v.subdirectories <= 10_000_000
      else { throw ForgeError("negative or absurd counts in volume \(v.name)") }
      if v.encryption == .perFile && v.protectionClasses.isEmpty {
        throw ForgeError("per-file encrypted volume \(v.name) needs protection classes")
      }
    }
  }

  static func run(_ spec: ForgeSpec, sink: ImageSink, fillerBlocks: UInt64) throws(ForgeError) -> ForgeManifest {
    let bs = spec.blockSize
    let layout = ContainerLayout(blockSize: bs, blockCount: sink.blockCount)
    guard layout.firstAllocatable + 16 < layout.blockCount else { throw ForgeError("container too small") }
    var allocator = BlockAllocator(blockCount: layout.blockCount, first: layout.firstAllocatable)
    allocator.claim(0, layout.firstAllocatable, .containerMetadata)
    let context = ForgeContext(sink: sink, allocator: allocator, firstVirtualOID: ContainerLayout.firstVirtualOID)

    var volumes: [VolumeBuilder.Result] = []
    for (i, v) in spec.volumes.enumerated() {
      var builder = VolumeBuilder(
        spec: v, index: i, seed: spec.seed, fillerBlocks: v.holdsFiller ? fillerBlocks : 0, context: context,
        recordPaths: spec.manifestPaths)
      builder.password = spec.password
      volumes.append(try builder.build())
    }

    // Container object map: volume oid -> volume superblock.
    let omapBlock = try context.allocator.allocate(1, .containerMetadata)
    var shape = BTreeShape.omap
    shape.owner = .containerMetadata
    let omapTree = BTreeBuilder(shape: shape, context: context, volume: nil) {
      FSRecord.u64($0, 0) < FSRecord.u64($1, 0)
    }
    for v in volumes {
      try omapTree.append(
        key: FSRecord.le(v.oid) + FSRecord.le(context.xid), value: omapValue(paddr: v.superblockBlock, bs: UInt64(bs)))
    }
    let omapRoot = try omapTree.finish()
    try writeOmapObject(at: omapBlock, treeRoot: omapRoot, manuallyManaged: true, context: context)

    var uuidGen = SeededRandom.derived(spec.seed, 0xC0_7A1E)
    let containerUUID = (0..<16).map { _ in UInt8(truncatingIfNeeded: uuidGen.next()) }
    var keybag: (block: UInt64, count: UInt64)? = nil
    if spec.softwareCrypto {
      if volumes.contains(where: { $0.secrets != nil }) {
        var unlockRecords: [(uuid: [UInt8], block: UInt64)] = []
        for v in volumes {
          guard let secrets = v.secrets else { continue }
          let block = try context.allocator.allocate(1, .containerMetadata)
          try writeVolumeKeybag(at: block, secrets: secrets, context: context)
          unlockRecords.append((secrets.volumeUUID, block))
        }
        let block = try context.allocator.allocate(1, .containerMetadata)
        try writeRealContainerKeybag(
          at: block, containerUUID: containerUUID, volumes: volumes, unlockRecords: unlockRecords, context: context)
        keybag = (block, 1)
      } else {
        let block = try context.allocator.allocate(1, .containerMetadata)
        try writeContainerKeybag(at: block, volumes: volumes, seed: spec.seed, context: context)
        keybag = (block, 1)
      }
    }

    // Everything is allocated now: [0, usedEnd) is in use, the rest is free.
    let usedEnd = context.allocator.next
    try writeSpaceman(layout: layout, usedEnd: usedEnd, context: context)
    try writeReaper(layout: layout, context: context)
    for (block, oid) in [
      (layout.ipFreeQueueBlock, ContainerLayout.ipFreeQueueOID),
      (layout.mainFreeQueueBlock, ContainerLayout.mainFreeQueueOID),
    ] {
      try writeEmptyFreeQueue(at: block, oid: oid, context: context)
    }
    try writeCheckpointMap(layout: layout, context: context)

    var nx = BlockBuffer(size: bs)
    nx.put(UInt32(0x4253_584E), at: 0x20)  // nx_magic "NXSB"
    nx.put(UInt32(bs), at: 0x24)  // nx_block_size
    nx.put(layout.blockCount, at: 0x28)  // nx_block_count
    nx.put(UInt64(2), at: 0x40)  // nx_incompatible_features: NX_INCOMPAT_VERSION2
    nx.put(bytes: containerUUID, at: 0x48)  // nx_uuid
    nx.put(context.nextVirtualOID, at: 0x58)  // nx_next_oid
    nx.put(context.xid + 1, at: 0x60)  // nx_next_xid
    nx.put(UInt32(layout.descBlocks), at: 0x68)  // nx_xp_desc_blocks
    nx.put(UInt32(layout.dataBlocks), at: 0x6C)  // nx_xp_data_blocks
    nx.put(layout.descBase, at: 0x70)  // nx_xp_desc_base
    nx.put(layout.dataBase, at: 0x78)  // nx_xp_data_base
    nx.put(UInt32(2), at: 0x80)  // nx_xp_desc_next
    nx.put(UInt32(layout.dataLength), at: 0x84)  // nx_xp_data_next
    nx.put(UInt32(0), at: 0x88)  // nx_xp_desc_index
    nx.put(UInt32(2), at: 0x8C)  // nx_xp_desc_len
    nx.put(UInt32(0), at: 0x90)  // nx_xp_data_index
    nx.put(UInt32(layout.dataLength), at: 0x94)  // nx_xp_data_len
    nx.put(ContainerLayout.spacemanOID, at: 0x98)  // nx_spaceman_oid
    nx.put(omapBlock, at: 0xA0)  // nx_omap_oid
    nx.put(ContainerLayout.reaperOID, at: 0xA8)  // nx_reaper_oid
    // nx_max_file_systems: one per started 512 MiB (AFSR), but never fewer than the volumes written.
    let perSize = (spec.containerBytes + (512 << 20) - 1) / (512 << 20)
    nx.put(UInt32(min(100, max(perSize, UInt64(volumes.count)))), at: 0xB4)
    for (i, v) in volumes.enumerated() { nx.put(v.oid, at: 0xB8 + 8 * i) }  // nx_fs_oid
    if let k = keybag {
      nx.put(UInt64(0x4), at: 0x4F0)  // nx_flags: NX_CRYPTO_SW
      nx.put(k.block, at: 0x510)  // nx_keylocker.pr_start_paddr
      nx.put(k.count, at: 0x518)  // nx_keylocker.pr_block_count
    }
    let minBlockCount: UInt64 =
      spec.containerBytes < 128 << 20 ? UInt64(layout.mainFreeQueueNodeLimit()) : 8
    nx.put((minBlockCount << 32) | (4 << 16) | 1, at: 0x520)  // nx_ephemeral_info[0]
    nx.sealObject(oid: 1, xid: context.xid, type: ObjectType.ephemeral | ObjectType.nxSuperblock, subtype: 0)
    try sink.write(nx.bytes, atBlock: layout.descBase + 1)  // checkpoint superblock
    try sink.write(nx.bytes, atBlock: 0)  // block zero copy

    // Manifest: ownership runs plus the free tail.
    var runs = context.allocator.runs
    if usedEnd < layout.blockCount {
      runs.append(BlockRun(start: usedEnd, count: layout.blockCount - usedEnd, owner: .free, volume: nil))
    }
    var notReal = ["all objects belong to transaction 1: one checkpoint, no history, no snapshots, empty free queues"]
    if spec.volumes.contains(where: { $0.encryption != .none }) {
      notReal += [
        "metadata of encrypted volumes (file-system trees, object maps) is written in plaintext",
        "file data of encrypted volumes is random bytes (or zeros for a zero filler), not ciphertext of anything",
      ]
      if !spec.volumes.contains(where: { $0.encryption != .none && $0.flagEncryptedMetadata }) {
        notReal.append(
          "object-map values of encrypted volumes lack OMAP_VAL_ENCRYPTED (apfsck: 'wrong encryption flag')")
      }
    }
    if spec.volumes.contains(where: { $0.encryption == .perFile }) {
      notReal.append(
        "per-file crypto states use the file's own object id as crypto id; their wrapped keys are random bytes")
    }
    if UInt64(volumes.count) > perSize {
      notReal.append(
        "nx_max_file_systems is \(volumes.count), more than the one volume per 512 MiB the reference allows for "
          + "this container size (apfsck reports 'bad maximum volume number')")
    }
    if spec.softwareCrypto && spec.password == nil {
      notReal.append("the container keybag is written unencrypted and its wrapped VEK is random bytes")
    }
    if spec.password != nil && spec.volumes.contains(where: { $0.encryption == .oneKey }) {
      notReal.append(
        "ONEKEY volumes are really encrypted (AES-XTS-128, keybags unwrap with the password), but the KEK blob "
          + "flags, HMAC salts and PBKDF2 iteration count are the forge's choices, not taken from a Mac")
    }
    return ForgeManifest(
      preset: spec.preset, seed: spec.seed, blockSize: bs, blockCount: layout.blockCount,
      freeBlocks: layout.blockCount - usedEnd, allocatedBlocks: usedEnd, containerUUID: uuidString(containerUUID),
      softwareCrypto: spec.softwareCrypto,
      password: spec.volumes.contains(where: { $0.encryption == .oneKey }) ? spec.password : nil, volumes: volumes.map(\.manifest), blocks: runs, notReal: notReal)
  }
}
