import ImageAccess

/// An opened APFS container: the checkpoint in use, its space manager, object map and volumes.
///
/// This is the facade of the container layer (image → container → volumes). ``open(_:)`` follows the mount order of
/// the Apple File System Reference: block 0, then the newest checkpoint in the descriptor area whose superblock,
/// checkpoint maps, space manager, object map and volume superblocks all verify; an older checkpoint is used (and
/// ``usedFallbackCheckpoint`` set) when a newer one fails, with the reason kept in ``checkpointAttempts``.
public struct APFSContainer: Sendable {
  /// A volume slot of `nx_fs_oid`, resolved or not.
  public struct VolumeEntry: Sendable {
    public var index: Int
    public var objectID: ObjectID
    public var physicalAddress: PhysicalBlock?
    public var superblock: APFSSuperblock?
    public var error: ParseError?
  }

  public let source: any ByteSource
  public let blockSize: Int
  /// The superblock of the checkpoint in use.
  public let superblock: NXSuperblock
  /// Block 0's superblock, when it parsed.
  public let blockZero: NXSuperblock?
  public let spaceManager: SpaceManager
  /// Physical block of the space manager (resolved through the checkpoint map).
  public let spacemanAddress: UInt64
  public let objectMap: ObjectMap
  public let volumes: [VolumeEntry]
  public let checkpointAttempts: [CheckpointAttempt]
  public let anomalies: [ContainerAnomaly]

  public var checkpointTransactionID: UInt64 { superblock.transactionID }
  public var usedFallbackCheckpoint: Bool {
    checkpointAttempts.contains { if case .skipped = $0.outcome { true } else { false } }
  }
  /// The container keybag locker (`nx_keylocker`) is set.
  public var hasKeybag: Bool { superblock.keylockerBlock != 0 }
  /// Bytes the superblock says the container spans.
  public var declaredByteCount: UInt64 { superblock.blockCount &* UInt64(blockSize) }

  /// Why a container could not be opened.
  public enum OpenFailure: Error, Sendable {
    /// No APFS container superblock at the start of the source.
    case notAPFS(ParseError)
    /// A container superblock exists but no checkpoint could be used.
    case damaged(blockZero: NXSuperblock?, attempts: [CheckpointAttempt], anomalies: [ContainerAnomaly], error: ParseError)
  }

  /// The most checkpoint superblocks tried; the descriptor area of a real container holds far fewer.
  public static let checkpointLimit = 4096

  /// Opens the container at the start of `source`.
  ///
  /// - Throws: ``OpenFailure``; never traps on hostile input.
  public static func open(_ source: any ByteSource) throws(OpenFailure) -> APFSContainer {
    var anomalies: [ContainerAnomaly] = []
    // 1. Block 0; when it is unusable, the newest valid superblock among the first blocks (the checkpoint
    //    descriptor area normally starts at block 1), so a zeroed or overwritten block 0 does not lose the container.
    var zero: NXSuperblock
    var zeroReader: ByteReader
    var blockZeroTrusted = true
    do {
      (zero, zeroReader) = try readSuperblock(source, at: 0, blockSize: nil)
    } catch let blockZeroError {
      guard let (found, foundReader, address) = probeForSuperblock(source) else {
        throw .notAPFS(blockZeroError)
      }
      zero = found
      zeroReader = foundReader
      blockZeroTrusted = false
      anomalies.append(ContainerAnomaly(
        code: "block-zero-invalid",
        message: "block 0 holds no usable container superblock (\(blockZeroError.description)); using the valid "
          + "superblock with xid \(found.transactionID) found at block \(address)",
        offset: 0))
    }
    let blockSize = Int(zero.blockSize)
    if blockZeroTrusted {
      do {
        try zeroReader.verifyObjectChecksum(structure: "nx_superblock_t")
      } catch {
        blockZeroTrusted = false
        anomalies.append(ContainerAnomaly(
          code: "block-zero-checksum", message: "block 0 superblock: \(error.reasonText)", offset: 0))
      }
    }

    let declared = zero.blockCount.multipliedReportingOverflow(by: UInt64(blockSize))
    if declared.overflow || declared.partialValue > UInt64(Int.max) {
      throw .damaged(
        blockZero: zero, attempts: [], anomalies: anomalies,
        error: ParseError(.arithmeticOverflow(field: "nx_block_count"), in: "nx_superblock_t", at: 0x28))
    }

    let reader = BlockReader(source: source, blockSize: blockSize, blockCount: zero.blockCount)

    // 2. Candidate superblocks in the checkpoint descriptor area.
    var candidates: [(NXSuperblock, UInt64)] = []
    var attempts: [CheckpointAttempt] = []
    if zero.descriptorAreaIsTree {
      anomalies.append(ContainerAnomaly(
        code: "checkpoint-tree-unsupported",
        message: "the checkpoint descriptor area is a B-tree, which Ringo does not walk yet; using block 0 only",
        offset: 0x68))
    } else {
      let count = min(UInt64(zero.descriptorAreaBlockCount), UInt64(checkpointLimit))
      for index in 0..<count {
        let address = zero.checkpointDescriptorBase &+ index
        guard let block = try? reader.block(address) else { continue }
        guard (try? block.u32(0x20)) == NXSuperblock.magic, let sb = try? NXSuperblock(parsing: block) else {
          continue
        }
        do {
          try block.verifyObjectChecksum(structure: "nx_superblock_t")
          try block.expectObjectType(.nxSuperblock, structure: "nx_superblock_t")
          candidates.append((sb, address))
        } catch {
          attempts.append(CheckpointAttempt(transactionID: sb.transactionID, block: address, outcome: .skipped(error)))
        }
      }
    }
    if candidates.isEmpty && attempts.isEmpty && blockZeroTrusted {
      candidates.append((zero, 0))  // no ring found: fall back to block 0 itself
    }
    candidates.sort { $0.0.transactionID > $1.0.transactionID }

    // 3. The newest candidate whose objects all verify.
    var lastError: ParseError? = nil
    for (candidate, address) in candidates {
      do {
        if candidate.uuid != zero.uuid || candidate.blockSize != zero.blockSize {
          throw ParseError(.invalid("UUID or block size differs from block 0"), in: "nx_superblock_t",
                           at: Int(address) * blockSize)
        }
        let opened = try openCheckpoint(candidate, reader: reader)
        attempts.append(CheckpointAttempt(transactionID: candidate.transactionID, block: address, outcome: .used))
        for (other, otherAddress) in candidates where other.transactionID < candidate.transactionID {
          attempts.append(CheckpointAttempt(transactionID: other.transactionID, block: otherAddress, outcome: .notNeeded))
        }
        attempts.sort { $0.transactionID > $1.transactionID }
        if zero.transactionID != candidate.transactionID {
          anomalies.append(ContainerAnomaly(
            code: "stale-block-zero",
            message: "block 0 holds xid \(zero.transactionID); the checkpoint area holds xid \(candidate.transactionID)",
            offset: 0))
        }
        let available = UInt64(source.byteCount)
        if declared.partialValue > available {
          let missing = declared.partialValue - available
          anomalies.append(ContainerAnomaly(
            code: "image-truncated",
            message: "the container declares \(zero.blockCount) blocks of \(blockSize) bytes "
              + "(\(declared.partialValue) bytes) but the image holds \(available): \(missing) bytes missing "
              + "(truncated image or a partition not aligned to the block size)",
            offset: Int(available)))
        }
        return APFSContainer(
          source: source, blockSize: blockSize, superblock: candidate, blockZero: zero,
          spaceManager: opened.spaceManager, spacemanAddress: opened.spacemanAddress, objectMap: opened.objectMap, volumes: opened.volumes,
          checkpointAttempts: attempts, anomalies: anomalies)
      } catch {
        let parseError = (error as? ParseError) ?? ParseError(.invalid("\(error)"), in: "checkpoint", at: nil)
        lastError = parseError
        attempts.append(CheckpointAttempt(
          transactionID: candidate.transactionID, block: address, outcome: .skipped(parseError)))
      }
    }
    attempts.sort { $0.transactionID > $1.transactionID }
    throw .damaged(
      blockZero: zero, attempts: attempts, anomalies: anomalies,
      error: lastError ?? ParseError(.invalid("no valid checkpoint superblock"), in: "checkpoint descriptor area",
                                     at: byteOffset(block: zero.checkpointDescriptorBase, blockSize: blockSize)))
  }

  /// The byte offset of `block`, or nil when it is past what an offset can hold (an on-disk block number is any
  /// 64-bit value; found by fuzzing: `Int(_:)` trapped on a checkpoint descriptor base past `Int.max`).
  static func byteOffset(block: UInt64, blockSize: Int) -> Int? {
    let (bytes, overflow) = block.multipliedReportingOverflow(by: UInt64(max(0, blockSize)))
    return overflow || bytes > UInt64(Int.max) ? nil : Int(bytes)
  }

  /// Reads and parses a container superblock at byte `offset` (block size from the superblock itself).
  static func readSuperblock(_ source: any ByteSource, at offset: Int, blockSize: Int?) throws(ParseError)
    -> (NXSuperblock, ByteReader)
  {
    do {
      let probe = try source.reader(
        at: offset, length: min(max(0, source.byteCount - offset), blockSize ?? 4096), structure: "nx_superblock_t")
      let parsed = try NXSuperblock(parsing: probe)
      let reader = try source.reader(at: offset, length: Int(parsed.blockSize), structure: "nx_superblock_t")
      return (try NXSuperblock(parsing: reader), reader)
    } catch let error as ParseError {
      throw error
    } catch {
      throw ParseError(.invalid("\(error)"), in: "nx_superblock_t", at: offset)
    }
  }

  /// The newest checksum-valid container superblock among the first ``probeBlocks`` 4 KiB blocks after block 0.
  static let probeBlocks = 256
  static func probeForSuperblock(_ source: any ByteSource) -> (NXSuperblock, ByteReader, Int)? {
    var best: (NXSuperblock, ByteReader, Int)? = nil
    for block in 1..<probeBlocks where (block + 1) * 4096 <= source.byteCount {
      guard let (sb, reader) = try? readSuperblock(source, at: block * 4096, blockSize: 4096),
        Int(sb.blockSize) == 4096,
        (try? reader.verifyObjectChecksum(structure: "nx_superblock_t")) != nil,
        sb.header.type == .nxSuperblock
      else { continue }
      if best == nil || sb.transactionID > best!.0.transactionID { best = (sb, reader, block) }
    }
    return best
  }

  private struct OpenedCheckpoint {
    var spaceManager: SpaceManager
    var spacemanAddress: UInt64
    var objectMap: ObjectMap
    var volumes: [VolumeEntry]
  }

  /// Verifies one checkpoint: its mapping blocks, the space manager, the object map and every volume superblock.
  private static func openCheckpoint(_ sb: NXSuperblock, reader: BlockReader) throws -> OpenedCheckpoint {
    let xid = sb.transactionID
    // Checkpoint-mapping blocks precede the superblock in the ring.
    var ephemeral: [ObjectID: PhysicalBlock] = [:]
    let ringSize = UInt64(sb.descriptorAreaBlockCount)
    let mapBlocks = sb.checkpointDescriptorLength > 0 ? UInt64(sb.checkpointDescriptorLength) - 1 : 0
    guard ringSize > 0, mapBlocks < ringSize else {
      throw ParseError(.valueOutOfRange(field: "nx_xp_desc_len", value: UInt64(sb.checkpointDescriptorLength)),
                       in: "nx_superblock_t", at: nil)
    }
    for step in 0..<mapBlocks {
      let address = sb.checkpointDescriptorBase &+ (UInt64(sb.checkpointDescriptorIndex) &+ step) % ringSize
      let block = try reader.block(address)
      try block.verifyObjectChecksum(structure: "checkpoint_map_phys_t")
      let map = try CheckpointMap(parsing: block)
      guard map.header.transactionID == xid else {
        throw ParseError(.invalid("checkpoint map xid \(map.header.transactionID) != superblock xid \(xid)"),
                         in: "checkpoint_map_phys_t", at: block.base + 16)
      }
      for mapping in map.mappings { ephemeral[mapping.objectID] = mapping.physicalAddress }
      if map.isLast { break }
    }
    guard let spacemanAddress = ephemeral[sb.spacemanOID] else {
      throw ParseError(.invalid("space manager oid \(sb.spacemanOID) not in the checkpoint map"),
                       in: "checkpoint_map_phys_t", at: nil)
    }
    let spacemanBlock = try reader.block(spacemanAddress)
    try spacemanBlock.verifyObjectChecksum(structure: "spaceman_phys_t")
    let spaceManager = try SpaceManager(parsing: spacemanBlock)

    let objectMap = try ObjectMap(
      at: sb.objectMapOID, maxTransactionID: TransactionID(xid), nodeLimit: reader.nodeLimit, readBlock: reader.block)

    var volumes: [VolumeEntry] = []
    for (index, oid) in sb.volumeOIDs.enumerated() {
      guard let mapping = objectMap.lookup(oid) else {
        throw ParseError(.invalid("volume oid \(oid) has no object-map entry at xid \(xid)"), in: "omap", at: nil)
      }
      let block = try reader.block(mapping.physicalAddress)
      try block.verifyObjectChecksum(structure: "apfs_superblock_t")
      let volume = try APFSSuperblock(parsing: block)
      volumes.append(VolumeEntry(
        index: index, objectID: oid, physicalAddress: mapping.physicalAddress, superblock: volume, error: nil))
    }
    return OpenedCheckpoint(spaceManager: spaceManager, spacemanAddress: spacemanAddress.rawValue, objectMap: objectMap, volumes: volumes)
  }

  /// Reads block `address` of this container.
  public func block(_ address: UInt64) throws -> ByteReader {
    try BlockReader(source: source, blockSize: blockSize, blockCount: superblock.blockCount).block(address)
  }

  /// Reads block `address` and decrypts it with a volume key (AES-XTS-128, tweak = `address × block_size / 512`):
  /// the metadata of an unlocked ONEKEY volume.
  public func decryptedBlock(_ address: UInt64, key: VolumeKey) throws -> ByteReader {
    let stored = try block(address)
    var bytes = stored.bytes
    try key.cipher.decrypt(&bytes, firstUnit: address &* UInt64(blockSize / XTSCipher.unitSize))
    return ByteReader(bytes, base: stored.base, structure: stored.structure)
  }

  /// Reads physical block `address` decrypted with a volume key.
  public func decryptedBlock(_ address: PhysicalBlock, key: VolumeKey) throws -> ByteReader {
    try decryptedBlock(address.rawValue, key: key)
  }

  /// Reads physical block `address` of this container.
  public func block(_ address: PhysicalBlock) throws -> ByteReader { try block(address.rawValue) }
}

/// Reads whole blocks by physical address, refusing addresses beyond the container.
extension APFSContainer {
  /// Most nodes one B-tree walk of this container may visit: its block count, capped at 50 million (a tree cannot
  /// have more nodes than the container has blocks; the cap bounds time on absurd counts).
  var nodeLimit: Int { Int(min(superblock.blockCount, 50_000_000)) }
}

struct BlockReader: Sendable {
  let source: any ByteSource
  let blockSize: Int
  let blockCount: UInt64

  var nodeLimit: Int { Int(min(blockCount, 50_000_000)) }

  func block(_ address: UInt64) throws -> ByteReader {
    guard address < blockCount, address <= UInt64(Int.max / blockSize) else {
      throw ParseError(.valueOutOfRange(field: "physical block address", value: address), in: "block", at: nil)
    }
    let offset = Int(address) * blockSize
    return try source.reader(at: offset, length: blockSize, structure: "block \(address)")
  }

  func block(_ address: PhysicalBlock) throws -> ByteReader { try block(address.rawValue) }
}
