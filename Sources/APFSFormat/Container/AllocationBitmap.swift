import ImageAccess

/// The space manager's allocation bitmap of the main device, read as runs of allocated and free blocks.
///
/// The space manager lists chunk-info blocks (`spaceman_cib_t`), directly or through chunk-info address blocks
/// (`spaceman_cab_t`); each chunk-info entry (`chunk_info_t`) names a bitmap block with one bit per block
/// (set = allocated), or no bitmap when the whole chunk is free. On disk: Apple File System Reference §Space Manager.
public struct AllocationBitmap: Sendable {
  /// A run of blocks with one allocation state.
  public struct Run: Sendable, Equatable {
    public var start: UInt64
    public var count: UInt64
    public var allocated: Bool
  }

  public var runs: [Run] = []
  /// Blocks of the space manager's own structures (CABs, CIBs, bitmap blocks).
  public var structureBlocks: [UInt64] = []
  public var allocatedBlocks: UInt64 = 0
  public var freeBlocks: UInt64 = 0

  /// Reads the bitmap of `container`'s main device.
  ///
  /// - Throws: ``ParseError`` for a bad address block, chunk-info block or bitmap block.
  public init(container: APFSContainer, spacemanBlock: ByteReader) throws {
    let sm = container.spaceManager
    let blockSize = container.blockSize
    let main = sm.main
    let addressCount = main.cabCount > 0 ? Int(main.cabCount) : Int(main.cibCount)
    let addressOffset = Int(main.addressOffset)
    guard addressCount <= (blockSize - min(addressOffset, blockSize)) / 8 else {
      throw ParseError(.valueOutOfRange(field: "sm_cib_count/sm_cab_count", value: UInt64(addressCount)),
                       in: "spaceman_phys_t", at: spacemanBlock.absolute(0x40))
    }
    var cibAddresses: [UInt64] = []
    for index in 0..<addressCount {
      cibAddresses.append(try spacemanBlock.u64(addressOffset + 8 * index))
    }
    if main.cabCount > 0 {
      var expanded: [UInt64] = []
      for cab in cibAddresses {
        let block = try container.block(cab)
        try block.verifyObjectChecksum(structure: "spaceman_cab_t")
        try block.expectObjectType(.spacemanCAB, structure: "spaceman_cab_t")
        structureBlocks.append(cab)
        let count = Int(try block.u32(36))
        guard count <= (blockSize - 40) / 8 else {
          throw ParseError(.valueOutOfRange(field: "cab_cib_count", value: UInt64(count)), in: "spaceman_cab_t",
                           at: block.absolute(36))
        }
        for index in 0..<count { expanded.append(try block.u64(40 + 8 * index)) }
      }
      cibAddresses = expanded
    }
    var next: UInt64 = 0
    func add(_ start: UInt64, _ count: UInt64, _ allocated: Bool) {
      guard count > 0 else { return }
      if allocated { allocatedBlocks += count } else { freeBlocks += count }
      if let last = runs.last, last.allocated == allocated, last.start + last.count == start {
        runs[runs.count - 1].count += count
      } else {
        runs.append(Run(start: start, count: count, allocated: allocated))
      }
    }
    let blockCount = container.superblock.blockCount
    for cib in cibAddresses {
      let block = try container.block(cib)
      try block.verifyObjectChecksum(structure: "spaceman_cib_t")
      try block.expectObjectType(.spacemanCIB, structure: "spaceman_cib_t")
      structureBlocks.append(cib)
      let count = Int(try block.u32(36))
      guard count <= (blockSize - 40) / 32 else {
        throw ParseError(.valueOutOfRange(field: "cib_chunk_info_count", value: UInt64(count)), in: "spaceman_cib_t",
                         at: block.absolute(36))
      }
      for index in 0..<count {
        let at = 40 + 32 * index
        let chunkStart = try block.u64(at + 8)
        let chunkBlocks = UInt64(try block.u32(at + 16) & 0x000F_FFFF)
        let chunkFree = UInt64(try block.u32(at + 20) & 0x000F_FFFF)
        let bitmapAddress = try block.u64(at + 24)
        guard chunkStart == next, chunkBlocks <= blockCount - min(chunkStart, blockCount) else {
          throw ParseError(.valueOutOfRange(field: "ci_addr", value: chunkStart), in: "chunk_info_t",
                           at: block.absolute(at + 8))
        }
        if bitmapAddress == 0 {
          // No bitmap: the whole chunk is free.
          add(chunkStart, chunkBlocks, chunkFree < chunkBlocks)
        } else {
          let bitmap = try container.block(bitmapAddress)
          structureBlocks.append(bitmapAddress)
          guard chunkBlocks <= UInt64(bitmap.count) * 8 else {
            throw ParseError(.valueOutOfRange(field: "ci_block_count", value: chunkBlocks), in: "chunk_info_t",
                             at: block.absolute(at + 16))
          }
          var runStart: UInt64 = 0
          var runState = false
          for bit in 0..<chunkBlocks {
            let byte = bitmap.bytes[Int(bit >> 3)]
            let state = byte & (1 << UInt8(bit & 7)) != 0
            if bit == 0 {
              runState = state
            } else if state != runState {
              add(chunkStart + runStart, bit - runStart, runState)
              runStart = bit
              runState = state
            }
          }
          add(chunkStart + runStart, chunkBlocks - runStart, runState)
        }
        next = chunkStart + chunkBlocks
      }
    }
  }
}
