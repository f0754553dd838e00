import ImageAccess

/// The space manager's device totals: how many blocks the container has and how many are free.
/// On disk: `spaceman_phys_t` with `spaceman_device_t sm_dev[SD_COUNT]`, Apple File System Reference §Space Manager.
public struct SpaceManager: Sendable, Equatable {
  /// One device's counters. On disk: `spaceman_device_t` (48 bytes).
  public struct Device: Sendable, Equatable {
    public var blockCount: UInt64  // sm_block_count
    public var chunkCount: UInt64  // sm_chunk_count
    public var cibCount: UInt32  // sm_cib_count
    public var cabCount: UInt32  // sm_cab_count
    public var freeCount: UInt64  // sm_free_count
    public var addressOffset: UInt32  // sm_addr_offset

    init(parsing reader: ByteReader, at offset: Int) throws(ParseError) {
      blockCount = try reader.u64(offset)
      chunkCount = try reader.u64(offset + 8)
      cibCount = try reader.u32(offset + 16)
      cabCount = try reader.u32(offset + 20)
      freeCount = try reader.u64(offset + 24)
      addressOffset = try reader.u32(offset + 32)
    }
  }

  public var header: ObjectHeader
  public var blockSize: UInt32  // sm_block_size
  public var blocksPerChunk: UInt32  // sm_blocks_per_chunk
  public var chunksPerCIB: UInt32  // sm_chunks_per_cib
  public var cibsPerCAB: UInt32  // sm_cibs_per_cab
  public var main: Device  // sm_dev[SD_MAIN]
  public var tier2: Device  // sm_dev[SD_TIER2]
  public var flags: UInt32  // sm_flags
  public var internalPoolBlockCount: UInt64  // sm_ip_block_count
  public var internalPoolBitmapSizeInBlocks: UInt32  // sm_ip_bm_size_in_blocks
  public var internalPoolBitmapBlockCount: UInt32  // sm_ip_bm_block_count
  public var internalPoolBitmapBase: UInt64  // sm_ip_bm_base
  public var internalPoolBase: UInt64  // sm_ip_base
  public var reserveBlockCount: UInt64  // sm_fs_reserve_block_count
  public var reserveAllocCount: UInt64  // sm_fs_reserve_alloc_count

  public init(parsing reader: ByteReader) throws(ParseError) {
    header = try ObjectHeader(parsing: reader)
    try reader.expectObjectType(.spaceman, structure: "spaceman_phys_t")
    blockSize = try reader.u32(0x20)
    blocksPerChunk = try reader.u32(0x24)
    chunksPerCIB = try reader.u32(0x28)
    cibsPerCAB = try reader.u32(0x2C)
    main = try Device(parsing: reader, at: 0x30)
    tier2 = try Device(parsing: reader, at: 0x60)
    flags = try reader.u32(0x90)
    internalPoolBlockCount = try reader.u64(0x98)
    internalPoolBitmapSizeInBlocks = try reader.u32(0xA0)
    internalPoolBitmapBlockCount = try reader.u32(0xA4)
    internalPoolBitmapBase = try reader.u64(0xA8)
    internalPoolBase = try reader.u64(0xB0)
    reserveBlockCount = try reader.u64(0xB8)
    reserveAllocCount = try reader.u64(0xC0)
    guard main.freeCount <= main.blockCount else {
      throw ParseError(
        .valueOutOfRange(field: "sm_free_count", value: main.freeCount), in: "spaceman_phys_t",
        at: reader.absolute(0x48))
    }
  }
}
