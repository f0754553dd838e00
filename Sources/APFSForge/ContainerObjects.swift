/// Writers for the container's ephemeral and space-management objects.
extension APFSForger {
  /// Space manager (`spaceman_phys_t`), its chunk-info blocks, the chunk allocation bitmaps and the internal-pool
  /// bitmap. Blocks `[0, usedEnd)` are in use, everything after is free.
  ///
  /// The internal pool holds one bitmap block per chunk with used blocks, followed by the chunk-info blocks;
  /// the current internal-pool bitmap is entry 0 of a 16-entry ring, as `mkapfs` lays it out.
  /// On disk: `spaceman_phys_t`, `chunk_info_block_t`, Apple File System Reference §Space Manager.
  static func writeSpaceman(layout: ContainerLayout, usedEnd: UInt64, context: ForgeContext) throws(ForgeError) {
    let bs = layout.blockSize
    let perChunk = layout.blocksPerChunk
    let usedChunks = (usedEnd + perChunk - 1) / perChunk
    let firstChunkBitmap = layout.ipBase
    let firstCIB = firstChunkBitmap + usedChunks
    precondition(usedChunks + layout.cibCount <= layout.ipBlocks, "forge bug: internal pool too small")

    // Chunk bitmaps: the first usedEnd bits of the container are set.
    for c in 0..<usedChunks {
      var bitmap = BlockBuffer(size: bs)
      let chunkStart = c * perChunk
      let usedHere = min(perChunk, usedEnd - chunkStart)
      let fullBytes = Int(usedHere / 8)
      for i in 0..<fullBytes { bitmap.bytes[i] = 0xFF }
      if usedHere % 8 != 0 { bitmap.bytes[fullBytes] = UInt8((1 << (usedHere % 8)) - 1) }
      try context.sink.write(bitmap.bytes, atBlock: firstChunkBitmap + c)
    }

    // Chunk-info blocks.
    var chunk: UInt64 = 0
    for cibIndex in 0..<layout.cibCount {
      var cib = BlockBuffer(size: bs)
      var count: UInt32 = 0
      while chunk < layout.chunkCount && UInt64(count) < layout.chunksPerCIB {
        let start = chunk * perChunk
        let blocks = min(perChunk, layout.blockCount - start)
        let used = usedEnd > start ? min(blocks, usedEnd - start) : 0
        let entry = 40 + 32 * Int(count)
        cib.put(context.xid, at: entry)  // ci_xid
        cib.put(start, at: entry + 8)  // ci_addr
        cib.put(UInt32(blocks), at: entry + 16)  // ci_block_count
        cib.put(UInt32(blocks - used), at: entry + 20)  // ci_free_count
        cib.put(chunk < usedChunks ? firstChunkBitmap + chunk : 0, at: entry + 24)  // ci_bitmap_addr
        chunk += 1
        count += 1
      }
      cib.put(UInt32(cibIndex), at: 0x20)  // cib_index
      cib.put(count, at: 0x24)  // cib_chunk_info_count
      cib.sealObject(
        oid: firstCIB + cibIndex, xid: context.xid, type: ObjectType.physical | ObjectType.spacemanCIB, subtype: 0)
      try context.sink.write(cib.bytes, atBlock: firstCIB + cibIndex)
    }

    // Internal-pool bitmap (ring entry 0): chunk bitmaps and chunk-info blocks are in use.
    var ipBitmap = BlockBuffer(size: bs)
    let ipUsed = Int(usedChunks + layout.cibCount)
    for i in 0..<ipUsed { ipBitmap.bytes[i / 8] |= UInt8(1 << (i % 8)) }
    try context.sink.write(ipBitmap.bytes, atBlock: layout.ipBitmapBase)

    var sm = BlockBuffer(size: Int(layout.spacemanBlocks) * bs)
    sm.put(UInt32(bs), at: 0x20)  // sm_block_size
    sm.put(UInt32(perChunk), at: 0x24)  // sm_blocks_per_chunk
    sm.put(UInt32(layout.chunksPerCIB), at: 0x28)  // sm_chunks_per_cib
    sm.put(UInt32(layout.cibsPerCAB), at: 0x2C)  // sm_cibs_per_cab
    sm.put(layout.blockCount, at: 0x30)  // sm_dev[SD_MAIN].sm_block_count
    sm.put(layout.chunkCount, at: 0x38)  // sm_chunk_count
    sm.put(UInt32(layout.cibCount), at: 0x40)  // sm_cib_count
    sm.put(UInt32(0), at: 0x44)  // sm_cab_count
    sm.put(layout.blockCount - usedEnd, at: 0x48)  // sm_free_count
    sm.put(UInt32(0x180), at: 0x50)  // sm_addr_offset
    sm.put(UInt32(0x180 + 8 * Int(layout.cibCount)), at: 0x80)  // sm_dev[SD_TIER2].sm_addr_offset
    sm.put(UInt32(16), at: 0x94)  // sm_ip_bm_tx_multiplier
    sm.put(layout.ipBlocks, at: 0x98)  // sm_ip_block_count
    sm.put(UInt32(1), at: 0xA0)  // sm_ip_bm_size_in_blocks
    sm.put(UInt32(layout.ipBitmapBlocks), at: 0xA4)  // sm_ip_bm_block_count
    sm.put(layout.ipBitmapBase, at: 0xA8)  // sm_ip_bm_base
    sm.put(layout.ipBase, at: 0xB0)  // sm_ip_base
    // sm_fq[SFQ_IP] and sm_fq[SFQ_MAIN]: empty queues.
    sm.put(ContainerLayout.ipFreeQueueOID, at: 0xC8 + 8)  // sfq_tree_oid
    sm.put(layout.ipFreeQueueNodeLimit(), at: 0xC8 + 24)  // sfq_tree_node_limit
    sm.put(ContainerLayout.mainFreeQueueOID, at: 0xF0 + 8)
    sm.put(layout.mainFreeQueueNodeLimit(), at: 0xF0 + 24)
    sm.put(UInt16(1), at: 0x140)  // sm_ip_bm_free_head
    sm.put(UInt16(layout.ipBitmapBlocks - 1), at: 0x142)  // sm_ip_bm_free_tail
    sm.put(UInt32(0x150), at: 0x144)  // sm_ip_bm_xid_offset
    sm.put(UInt32(0x158), at: 0x148)  // sm_ip_bitmap_offset
    sm.put(UInt32(0x160), at: 0x14C)  // sm_ip_bm_free_next_offset
    sm.put(context.xid, at: 0x150)  // xid of the current internal-pool bitmap
    sm.put(UInt16(0), at: 0x158)  // the current internal-pool bitmap is ring entry 0
    // free_next: 0xFFFF for the entry in use and the tail, i+1 for the free entries in between.
    for i in 0..<Int(layout.ipBitmapBlocks) {
      let next: UInt16 = (i == 0 || i == Int(layout.ipBitmapBlocks) - 1) ? 0xFFFF : UInt16(i + 1)
      sm.put(next, at: 0x160 + 2 * i)
    }
    for i in 0..<Int(layout.cibCount) { sm.put(firstCIB + UInt64(i), at: 0x180 + 8 * i) }
    sm.sealObject(
      oid: ContainerLayout.spacemanOID, xid: context.xid, type: ObjectType.ephemeral | ObjectType.spaceman, subtype: 0)
    try context.sink.write(sm.bytes, atBlock: layout.spacemanBlock)
  }

  /// An idle reaper. On disk: `nx_reaper_phys_t`.
  static func writeReaper(layout: ContainerLayout, context: ForgeContext) throws(ForgeError) {
    var r = BlockBuffer(size: layout.blockSize)
    r.put(UInt64(1), at: 0x20)  // nr_next_reap_id
    r.put(UInt32(1), at: 0x40)  // nr_flags: NR_BHM_FLAG
    r.put(UInt32(layout.blockSize - 112), at: 0x6C)  // nr_state_buffer_size
    r.sealObject(
      oid: ContainerLayout.reaperOID, xid: context.xid, type: ObjectType.ephemeral | ObjectType.reaper, subtype: 0)
    try context.sink.write(r.bytes, atBlock: layout.reaperBlock)
  }

  /// An empty free-queue B-tree root (ephemeral, fixed 16-byte keys and 8-byte values, ghosts allowed).
  static func writeEmptyFreeQueue(at block: UInt64, oid: UInt64, context: ForgeContext) throws(ForgeError) {
    let bs = context.blockSize
    var n = BlockBuffer(size: bs)
    let toc = (bs - 56) / (16 + 8 + 4) * 4
    n.put(UInt16(1 | 2 | 4), at: 32)  // ROOT | LEAF | FIXED_KV_SIZE
    n.put(UInt16(toc), at: 42)  // btn_table_space.len
    n.put(UInt16(bs - 56 - toc - 40), at: 46)  // btn_free_space.len
    n.put(UInt16(0xFFFF), at: 48)
    n.put(UInt16(0xFFFF), at: 52)
    let info = bs - 40
    n.put(UInt32(0x8 | 0x4), at: info)  // EPHEMERAL | ALLOW_GHOSTS
    n.put(UInt32(bs), at: info + 4)
    n.put(UInt32(16), at: info + 8)
    n.put(UInt32(8), at: info + 12)
    n.put(UInt32(16), at: info + 16)
    n.put(UInt32(8), at: info + 20)
    n.put(UInt64(1), at: info + 32)  // bt_node_count
    n.sealObject(oid: oid, xid: context.xid, type: ObjectType.ephemeral | ObjectType.btree, subtype: ObjectType.freeQueue)
    try context.sink.write(n.bytes, atBlock: block)
  }

  /// The one checkpoint-mapping block: where each ephemeral object of checkpoint 1 lives.
  static func writeCheckpointMap(layout: ContainerLayout, context: ForgeContext) throws(ForgeError) {
    let bs = layout.blockSize
    var m = BlockBuffer(size: bs)
    let entries: [(UInt32, UInt32, UInt32, UInt64, UInt64)] = [
      (ObjectType.ephemeral | ObjectType.reaper, 0, UInt32(bs), ContainerLayout.reaperOID, layout.reaperBlock),
      (
        ObjectType.ephemeral | ObjectType.spaceman, 0, UInt32(Int(layout.spacemanBlocks) * bs),
        ContainerLayout.spacemanOID, layout.spacemanBlock
      ),
      (
        ObjectType.ephemeral | ObjectType.btree, ObjectType.freeQueue, UInt32(bs), ContainerLayout.ipFreeQueueOID,
        layout.ipFreeQueueBlock
      ),
      (
        ObjectType.ephemeral | ObjectType.btree, ObjectType.freeQueue, UInt32(bs), ContainerLayout.mainFreeQueueOID,
        layout.mainFreeQueueBlock
      ),
    ]
    m.put(UInt32(1), at: 0x20)  // cpm_flags: CHECKPOINT_MAP_LAST
    m.put(UInt32(entries.count), at: 0x24)  // cpm_count
    for (i, e) in entries.enumerated() {
      let o = 0x28 + 40 * i
      m.put(e.0, at: o)  // cpm_type
      m.put(e.1, at: o + 4)  // cpm_subtype
      m.put(e.2, at: o + 8)  // cpm_size
      m.put(e.3, at: o + 24)  // cpm_oid
      m.put(e.4, at: o + 32)  // cpm_paddr
    }
    m.sealObject(
      oid: layout.descBase, xid: context.xid, type: ObjectType.physical | ObjectType.checkpointMap, subtype: 0)
    try context.sink.write(m.bytes, atBlock: layout.descBase)
  }

  /// A container keybag (`media_keybag_t`, type 'keys') with one VOLUME_KEY entry per ONEKEY volume.
  ///
  /// Not real: a real keybag is AES-XTS encrypted with the container UUID and the entry holds a VEK wrapped by a
  /// KEK derived from the user's password. Here the block is plaintext and the wrapped-key blob is random.
  static func writeContainerKeybag(
    at block: UInt64, volumes: [VolumeBuilder.Result], seed: UInt64, context: ForgeContext
  ) throws(ForgeError) {
    var kb = BlockBuffer(size: context.blockSize)
    var g = SeededRandom.derived(seed, 0x4B45_5953)
    var offset = 0x30  // kl_entries, after kb_locker_t's 16-byte header at 0x20
    var count: UInt16 = 0
    for v in volumes where v.manifest.encryption == .oneKey {
      let uuid = uuidBytes(v.manifest.uuid)
      let blob = (0..<40).map { _ in UInt8(truncatingIfNeeded: g.next()) }
      kb.put(bytes: uuid, at: offset)  // ke_uuid
      kb.put(UInt16(2), at: offset + 16)  // ke_tag: KB_TAG_VOLUME_KEY
      kb.put(UInt16(blob.count), at: offset + 18)  // ke_keylen
      kb.put(bytes: blob, at: offset + 24)  // ke_keydata
      offset += (24 + blob.count + 15) & ~15
      count += 1
    }
    kb.put(UInt16(2), at: 0x20)  // kl_version
    kb.put(count, at: 0x22)  // kl_nkeys
    kb.put(UInt32(offset - 0x30), at: 0x24)  // kl_nbytes
    kb.sealObject(oid: block, xid: context.xid, type: ObjectType.physical | ObjectType.containerKeybag, subtype: 0)
    try context.sink.write(kb.bytes, atBlock: block)
  }

  static func uuidBytes(_ s: String) -> [UInt8] {
    let hex = Array(s.utf8.filter { $0 != 0x2D })
    var out: [UInt8] = []
    var i = 0
    while i + 1 < hex.count {
      out.append(UInt8(String(decoding: hex[i...i + 1], as: UTF8.self), radix: 16) ?? 0)
      i += 2
    }
    return out
  }

  /// Lays out a keybag (`media_keybag_t` + `kb_locker_t`) with `entries`, checksums it, encrypts it with AES-XTS
  /// keyed by `uuid ‖ uuid` and writes it.
  static func writeKeybag(
    at block: UInt64, type: UInt32, uuid: [UInt8], entries: [(uuid: [UInt8], tag: UInt16, data: [UInt8])],
    context: ForgeContext
  ) throws(ForgeError) {
    var kb = BlockBuffer(size: context.blockSize)
    var offset = 0x30
    for e in entries {
      kb.put(bytes: e.uuid, at: offset)  // ke_uuid
      kb.put(e.tag, at: offset + 16)  // ke_tag
      kb.put(UInt16(e.data.count), at: offset + 18)  // ke_keylen
      kb.put(bytes: e.data, at: offset + 24)  // ke_keydata
      offset += (24 + e.data.count + 15) & ~15
    }
    kb.put(UInt16(2), at: 0x20)  // kl_version
    kb.put(UInt16(entries.count), at: 0x22)  // kl_nkeys
    kb.put(UInt32(offset - 0x30), at: 0x24)  // kl_nbytes
    kb.sealObject(oid: block, xid: context.xid, type: type, subtype: 0)
    if !context.sink.isDryRun {
      try XTS128(key: uuid + uuid).encrypt(&kb.bytes, firstSector: block * UInt64(context.blockSize / 512))
    }
    try context.sink.write(kb.bytes, atBlock: block)
  }

  /// Volume keybag ('recs'): the password-wrapped KEK (VOLUME_UNLOCK_RECORDS, keyed by the user UUID) and the hint.
  static func writeVolumeKeybag(at block: UInt64, secrets: OneKeySecrets, context: ForgeContext) throws(ForgeError) {
    try writeKeybag(
      at: block, type: ObjectType.volumeKeybag, uuid: secrets.volumeUUID,
      entries: [
        (secrets.userUUID, 3, try secrets.wrappedKEKBlob()),  // KB_TAG_VOLUME_UNLOCK_RECORDS
        (secrets.volumeUUID, 4, Array(secrets.hint.utf8)),  // KB_TAG_VOLUME_PASSPHRASE_HINT
      ], context: context)
  }

  /// Container keybag ('keys'): per ONEKEY volume, the wrapped VEK and the location of the volume keybag.
  static func writeRealContainerKeybag(
    at block: UInt64, containerUUID: [UInt8], volumes: [VolumeBuilder.Result],
    unlockRecords: [(uuid: [UInt8], block: UInt64)], context: ForgeContext
  ) throws(ForgeError) {
    var entries: [(uuid: [UInt8], tag: UInt16, data: [UInt8])] = []
    for v in volumes {
      guard let secrets = v.secrets else { continue }
      entries.append((secrets.volumeUUID, 2, try secrets.wrappedVEKBlob()))  // KB_TAG_VOLUME_KEY
      if let record = unlockRecords.first(where: { $0.uuid == secrets.volumeUUID }) {
        entries.append((secrets.volumeUUID, 3, FSRecord.le(record.block) + FSRecord.le(UInt64(1))))  // prange_t
      }
    }
    try writeKeybag(at: block, type: ObjectType.containerKeybag, uuid: containerUUID, entries: entries, context: context)
  }
}
