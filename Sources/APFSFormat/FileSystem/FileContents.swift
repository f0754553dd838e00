import Codecs
import ImageAccess

/// Streams a file's contents: plain data streams from their extents, and decmpfs-compressed files (zlib, LZVN,
/// LZFSE, uncompressed; in the attribute or in the resource fork). LZBITMAP is recognised and refused with a clear
/// error. On disk: file extents; `com.apple.decmpfs` (`fpmc` header) and `com.apple.ResourceFork` attributes.
public struct FileContents {
  public let tree: FileSystemTree

  public init(tree: FileSystemTree) { self.tree = tree }

  /// decmpfs block size: resource-fork chunks each expand to at most 64 KiB.
  static let decmpfsBlockSize = 65536

  public struct Unsupported: Error, CustomStringConvertible {
    public var description: String
  }

  /// Calls `write` with successive pieces of the file's contents.
  ///
  /// - Throws: ``ParseError`` or ``Codecs/CodecError`` for damaged data, ``Unsupported`` for encrypted data or a
  ///   compression method Ringo cannot expand.
  public func stream(_ inode: InodeRecord, _ write: ([UInt8]) throws -> Void) throws {
    if inode.isCompressed || inode.dataStream == nil,
      let decmpfs = try tree.xattrs(of: inode.objectID).first(where: { $0.name == "com.apple.decmpfs" })
    {
      try streamCompressed(inode, decmpfs, write)
      return
    }
    guard let stream = inode.dataStream else { return }  // an empty file
    try streamData(streamID: inode.privateID, size: stream.size, write)
  }

  /// Streams `size` bytes of data stream `streamID` from its extents (holes read as zeros).
  public func streamData(streamID: UInt64, size: UInt64, _ write: ([UInt8]) throws -> Void) throws {
    if tree.volume.encryption == .onekey && tree.key == nil {
      throw Unsupported(description: "the volume is encrypted (ONEKEY); its file data needs the volume key")
    }
    let blockSize = UInt64(tree.container.blockSize)
    var position: UInt64 = 0
    let chunk: UInt64 = 1 << 20
    for extent in try tree.extents(of: streamID) {
      guard position < size else { break }
      if extent.cryptoID != 0 && tree.volume.encryption == .perFile {
        throw Unsupported(description:
          "extent at logical offset \(extent.logicalAddress) is encrypted (crypto id \(extent.cryptoID)); "
          + "per-file keys are held by the device")
      }
      if extent.logicalAddress > position {  // a hole before this extent
        try writeZeros(min(extent.logicalAddress, size) - position, write)
        position = min(extent.logicalAddress, size)
      }
      let end = min(size, extent.logicalAddress &+ extent.length)
      while position < end {
        let count = min(chunk, end - position)
        if extent.isSparse {
          try writeZeros(count, write)
        } else {
          let offsetInExtent = position - extent.logicalAddress
          let start = try extent.physicalBlock.byteOffset(blockSize: Int(blockSize), structure: "j_file_extent_val_t")
          let (byteOffset, overflow) = UInt64(start).addingReportingOverflow(offsetInExtent)
          guard !overflow, byteOffset <= UInt64(Int.max) else {
            throw ParseError(.arithmeticOverflow(field: "phys_block_num"), in: "j_file_extent_val_t", at: nil)
          }
          if let key = tree.key, tree.volume.encryption == .onekey {
            try write(try decryptedRange(key: key, extent: extent, offsetInExtent: offsetInExtent, count: count))
          } else {
            try write(try tree.container.source.read(Int(byteOffset)..<(Int(byteOffset) + Int(count))))
          }
        }
        position += count
      }
    }
    if position < size { try writeZeros(size - position, write) }
  }

  /// `count` bytes of an extent of an unlocked ONEKEY volume, from `offsetInExtent`: the whole 512-byte units
  /// covering them are read and decrypted in one call (tweak `crypto_id × block_size / 512` + unit index in the extent).
  private func decryptedRange(key: VolumeKey, extent: FileExtentRecord, offsetInExtent: UInt64, count: UInt64) throws
    -> [UInt8]
  {
    let unit = UInt64(XTSCipher.unitSize)
    let first = offsetInExtent / unit
    let last = (offsetInExtent + count + unit - 1) / unit
    let blockSize = UInt64(tree.container.blockSize)
    let (base, wrapped) = extent.physicalBlock.rawValue.multipliedReportingOverflow(by: blockSize)
    let (start, overflow) = base.addingReportingOverflow(first * unit)
    let length = (last - first) * unit
    guard !wrapped, !overflow, start <= UInt64(Int.max) - length else {
      throw ParseError(.arithmeticOverflow(field: "phys_block_num"), in: "j_file_extent_val_t", at: nil)
    }
    var bytes = try tree.container.source.read(Int(start)..<Int(start + length))
    try key.cipher.decrypt(&bytes, firstUnit: extent.cryptoID &* (blockSize / unit) &+ first)
    let skip = Int(offsetInExtent - first * unit)
    return Array(bytes[skip..<(skip + Int(count))])
  }

  private func writeZeros(_ count: UInt64, _ write: ([UInt8]) throws -> Void) throws {
    var left = count
    while left > 0 {
      let n = min(left, 1 << 20)
      try write([UInt8](repeating: 0, count: Int(n)))
      left -= n
    }
  }

  /// The whole contents of an attribute: embedded data, or its data stream.
  public func attributeData(_ xattr: XAttrRecord, limit: Int) throws -> [UInt8] {
    if let data = xattr.embeddedData { return data }
    guard let streamID = xattr.streamID, let stream = xattr.stream else { return [] }
    guard stream.size <= UInt64(limit) else {
      throw ParseError(.limitExceeded(what: "attribute \(xattr.name) size", limit: limit), in: "j_xattr_val_t", at: nil)
    }
    var out: [UInt8] = []
    try streamData(streamID: streamID, size: stream.size) { out += $0 }
    return out
  }

  private func streamCompressed(_ inode: InodeRecord, _ decmpfs: XAttrRecord, _ write: ([UInt8]) throws -> Void)
    throws
  {
    let header = try attributeData(decmpfs, limit: 1 << 24)
    let r = ByteReader(header, structure: "decmpfs_disk_header")
    guard try r.be32(0) == 0x6670_6D63 else {  // "fpmc" stored as bytes f p m c
      throw ParseError(.badMagic(expected: 0x6670_6D63, found: UInt64(try r.be32(0))), in: "decmpfs_disk_header", at: nil)
    }
    let method = try r.u32(4)
    let size = try r.u64(8)
    guard size <= 1 << 40 else {
      throw ParseError(.valueOutOfRange(field: "uncompressed_size", value: size), in: "decmpfs_disk_header", at: nil)
    }
    let codec: Codec?
    switch method {
    case 3, 4: codec = .zlib
    case 7, 8: codec = .lzvn
    case 11, 12: codec = .lzfse
    case 1, 9, 10: codec = nil
    default:
      throw Unsupported(description: "decmpfs method \(method) (\(CompressionMethod.name(method))) is not supported yet")
    }
    func expand(_ chunk: ArraySlice<UInt8>, expected: Int) throws -> [UInt8] {
      guard let first = chunk.first else { return [] }
      switch method {
      case 3, 4:
        if first & 0x0F == 0x0F { return Array(chunk.dropFirst()) }
      case 7, 8:
        if first == 0x06 { return Array(chunk.dropFirst()) }
      case 11, 12:
        if first == 0xFF { return Array(chunk.dropFirst()) }
      default:
        return Array(chunk.dropFirst())
      }
      return try codec!.decompress(Array(chunk), expectedSize: nil, limit: max(expected, Self.decmpfsBlockSize))
    }
    if method & 1 == 1 {  // in the attribute, after the 16-byte header
      let data = try expand(header[16...], expected: Int(size))
      guard data.count == Int(size) else {
        throw ParseError(.invalid("decmpfs expanded to \(data.count) bytes, header says \(size)"),
                         in: "decmpfs_disk_header", at: nil)
      }
      try write(data)
      return
    }
    guard let fork = try tree.xattrs(of: inode.objectID).first(where: { $0.name == "com.apple.ResourceFork" }) else {
      throw ParseError(.invalid("compressed file has no resource fork"), in: "decmpfs", at: nil)
    }
    let rsrc = try attributeData(fork, limit: 1 << 30)
    let rr = ByteReader(rsrc, structure: "decmpfs resource fork")
    let blocks = Int((size + UInt64(Self.decmpfsBlockSize) - 1) / UInt64(Self.decmpfsBlockSize))
    var entries: [(Int, Int)] = []
    if method == 4 || method == 10 {
      let dataOffset = Int(try rr.be32(0))
      let count = Int(try rr.u32(dataOffset + 4))
      guard count == blocks else {
        throw ParseError(.valueOutOfRange(field: "block count", value: UInt64(count)), in: "decmpfs resource fork",
                         at: nil)
      }
      for index in 0..<count {
        let offset = Int(try rr.u32(dataOffset + 8 + 8 * index))
        let length = Int(try rr.u32(dataOffset + 12 + 8 * index))
        entries.append((dataOffset + 4 + offset, length))
      }
    } else {
      for index in 0..<blocks {
        let start = Int(try rr.u32(4 * index))
        let end = Int(try rr.u32(4 * index + 4))
        guard end >= start else {
          throw ParseError(.valueOutOfRange(field: "chunk offset", value: UInt64(end)), in: "decmpfs resource fork",
                           at: nil)
        }
        entries.append((start, end - start))
      }
    }
    var produced = 0
    for (index, (offset, length)) in entries.enumerated() {
      try rr.check(offset, length)
      let expected = min(Self.decmpfsBlockSize, Int(size) - index * Self.decmpfsBlockSize)
      let data = try expand(rsrc[offset..<(offset + length)], expected: expected)
      produced += data.count
      try write(data)
    }
    guard produced == Int(size) else {
      throw ParseError(.invalid("decmpfs expanded to \(produced) bytes, header says \(size)"), in: "decmpfs", at: nil)
    }
  }
}
