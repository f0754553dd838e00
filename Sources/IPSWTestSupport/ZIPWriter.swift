#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import ImageAccess
import Foundation
import IPSWFormat

/// Writes ZIP archives for tests and benchmarks: stored and deflated entries, data descriptors, ZIP64 (forced or
/// when sizes need it), and sparse all-zero entries (the file gets a hole, the CRC is computed arithmetically).
///
/// Deflated entries take already-compressed bytes (from ``Deflate`` or hand-made streams) so the writer itself has no
/// compressor dependency. Writes only to a path the caller chooses (tests use the system temp directory).
public final class ZIPWriter {
  public enum Payload {
    /// The entry's uncompressed bytes, stored as they are.
    case stored([UInt8])
    /// Raw-deflate bytes plus the uncompressed size and CRC-32 they decode to.
    case deflated(compressed: [UInt8], uncompressedSize: UInt64, crc32: UInt32)
    /// `count` zero bytes, stored; written as a hole.
    case zeros(UInt64)
  }

  /// Where the parts of the finished archive landed, so tests can corrupt them precisely.
  public struct Layout: Sendable {
    public var centralDirectoryOffset: UInt64 = 0
    public var centralDirectorySize: UInt64 = 0
    public var zip64RecordOffset: UInt64?
    public var zip64LocatorOffset: UInt64?
    public var endRecordOffset: UInt64 = 0
    public var localHeaderOffsets: [String: UInt64] = [:]
    public var dataOffsets: [String: UInt64] = [:]
    public var fileSize: UInt64 = 0
  }

  private struct Written {
    var rawName: [UInt8]
    var method: UInt16
    var flags: UInt16
    var crc: UInt32
    var compressedSize: UInt64
    var uncompressedSize: UInt64
    var localOffset: UInt64
    var unixMode: UInt16
    var zip64: Bool
  }

  private let fd: Int32
  public let path: String
  private var offset: UInt64 = 0
  private var written: [Written] = []
  public private(set) var layout = Layout()
  /// Force ZIP64 extras on every entry and the ZIP64 end records even for small archives.
  public var forceZIP64: Bool

  /// Creates `path` (which must not exist).
  public init(path: String, forceZIP64: Bool = false) throws {
    self.path = path
    self.forceZIP64 = forceZIP64
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw WriterError("cannot create \(path): errno \(errno)") }
  }

  deinit { close(fd) }

  public struct WriterError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
  }

  private func put(_ bytes: [UInt8]) throws {
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done)) }
      guard n > 0 else { throw WriterError("write failed: errno \(errno)") }
      done += n
    }
    offset += UInt64(bytes.count)
  }

  /// Adds an entry. `dataDescriptor` sets flag bit 3, zeroes the local CRC/sizes and writes a signed descriptor after
  /// the data. `unixMode` (e.g. 0o120777 for a symlink) is stored in the external attributes.
  public func add(
    _ name: String, _ payload: Payload, dataDescriptor: Bool = false, unixMode: UInt16 = 0o100644,
    rawName: [UInt8]? = nil
  ) throws {
    let nameBytes = rawName ?? Array(name.utf8)
    let method: UInt16
    let crc: UInt32
    let compressedSize: UInt64
    let uncompressedSize: UInt64
    switch payload {
    case .stored(let bytes):
      method = 0
      crc = CRC32.checksum(bytes)
      compressedSize = UInt64(bytes.count)
      uncompressedSize = compressedSize
    case .deflated(let compressed, let size, let c):
      method = 8
      crc = c
      compressedSize = UInt64(compressed.count)
      uncompressedSize = size
    case .zeros(let count):
      method = 0
      var z = CRC32()
      z.updateZeros(count: count)
      crc = z.value
      compressedSize = count
      uncompressedSize = count
    }
    let zip64 = forceZIP64 || compressedSize >= 0xFFFF_FFFF || uncompressedSize >= 0xFFFF_FFFF
    let flags: UInt16 = (dataDescriptor ? 0x0008 : 0) | 0x0800
    let localOffset = offset
    var header = ByteWriter()
    header.u32(LocalFileHeader.signature)
    header.u16(zip64 ? 45 : 20)
    header.u16(flags)
    header.u16(method)
    header.u16(0x6000)  // 12:00
    header.u16(0x5A21)  // 2025-01-01
    header.u32(dataDescriptor ? 0 : crc)
    if zip64 {
      header.u32(0xFFFF_FFFF)
      header.u32(0xFFFF_FFFF)
    } else {
      header.u32(dataDescriptor ? 0 : UInt32(compressedSize))
      header.u32(dataDescriptor ? 0 : UInt32(uncompressedSize))
    }
    header.u16(UInt16(nameBytes.count))
    header.u16(zip64 ? 20 : 0)
    header.bytes(nameBytes)
    if zip64 {
      header.u16(0x0001)
      header.u16(16)
      header.u64(dataDescriptor ? 0 : uncompressedSize)
      header.u64(dataDescriptor ? 0 : compressedSize)
    }
    try put(header.bytes)
    layout.localHeaderOffsets[name] = localOffset
    layout.dataOffsets[name] = offset
    switch payload {
    case .stored(let bytes): try put(bytes)
    case .deflated(let compressed, _, _): try put(compressed)
    case .zeros(let count):
      offset += count
      guard ftruncate(fd, off_t(offset)) == 0 else { throw WriterError("ftruncate failed: errno \(errno)") }
    }
    if dataDescriptor {
      var d = ByteWriter()
      d.u32(0x0807_4B50)
      d.u32(crc)
      if zip64 {
        d.u64(compressedSize)
        d.u64(uncompressedSize)
      } else {
        d.u32(UInt32(compressedSize))
        d.u32(UInt32(uncompressedSize))
      }
      try put(d.bytes)
    }
    written.append(
      Written(
        rawName: nameBytes, method: method, flags: flags, crc: crc, compressedSize: compressedSize,
        uncompressedSize: uncompressedSize, localOffset: localOffset, unixMode: unixMode, zip64: zip64))
  }

  /// Writes the central directory and end records. Returns the layout.
  @discardableResult
  public func finish(comment: [UInt8] = []) throws -> Layout {
    let cdOffset = offset
    for w in written {
      let zip64 = w.zip64 || w.localOffset >= 0xFFFF_FFFF
      var h = ByteWriter()
      h.u32(CentralDirectoryEntry.signature)
      h.u16(0x0300 | 45)  // Unix, 4.5
      h.u16(zip64 ? 45 : 20)
      h.u16(w.flags)
      h.u16(w.method)
      h.u16(0x6000)
      h.u16(0x5A21)
      h.u32(w.crc)
      h.u32(zip64 ? 0xFFFF_FFFF : UInt32(w.compressedSize))
      h.u32(zip64 ? 0xFFFF_FFFF : UInt32(w.uncompressedSize))
      h.u16(UInt16(w.rawName.count))
      h.u16(zip64 ? 28 : 0)
      h.u16(0)
      h.u16(0)
      h.u16(0)
      h.u32(UInt32(w.unixMode) << 16)
      h.u32(zip64 ? 0xFFFF_FFFF : UInt32(w.localOffset))
      h.bytes(w.rawName)
      if zip64 {
        h.u16(0x0001)
        h.u16(24)
        h.u64(w.uncompressedSize)
        h.u64(w.compressedSize)
        h.u64(w.localOffset)
      }
      try put(h.bytes)
    }
    let cdSize = offset - cdOffset
    layout.centralDirectoryOffset = cdOffset
    layout.centralDirectorySize = cdSize
    let needZIP64 =
      forceZIP64 || written.count >= 0xFFFF || cdOffset >= 0xFFFF_FFFF || cdSize >= 0xFFFF_FFFF
    if needZIP64 {
      let recordOffset = offset
      var r = ByteWriter()
      r.u32(ZIP64EndOfCentralDirectory.signature)
      r.u64(44)
      r.u16(0x0300 | 45)
      r.u16(45)
      r.u32(0)
      r.u32(0)
      r.u64(UInt64(written.count))
      r.u64(UInt64(written.count))
      r.u64(cdSize)
      r.u64(cdOffset)
      try put(r.bytes)
      layout.zip64RecordOffset = recordOffset
      layout.zip64LocatorOffset = offset
      var l = ByteWriter()
      l.u32(ZIP64Locator.signature)
      l.u32(0)
      l.u64(recordOffset)
      l.u32(1)
      try put(l.bytes)
    }
    layout.endRecordOffset = offset
    var e = ByteWriter()
    e.u32(EndOfCentralDirectory.signature)
    e.u16(0)
    e.u16(0)
    let count16: UInt16 = needZIP64 ? 0xFFFF : UInt16(written.count)
    e.u16(count16)
    e.u16(count16)
    e.u32(needZIP64 ? 0xFFFF_FFFF : UInt32(cdSize))
    e.u32(needZIP64 ? 0xFFFF_FFFF : UInt32(cdOffset))
    e.u16(UInt16(comment.count))
    e.bytes(comment)
    try put(e.bytes)
    layout.fileSize = offset
    return layout
  }
}

/// Little-endian byte building for test structures.
public struct ByteWriter {
  public var bytes: [UInt8] = []
  public init() {}
  public mutating func u16(_ v: UInt16) { for i in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
  public mutating func u32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
  public mutating func u64(_ v: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
  public mutating func be32(_ v: UInt32) { for i in (0..<4).reversed() { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
  public mutating func bytes(_ b: [UInt8]) { bytes.append(contentsOf: b) }
}

/// A fresh, empty directory under the system temp dir for one test.
public func makeTemporaryDirectory(_ label: String) throws -> String {
  var template = Array("/tmp/ringo-ipsw-\(label)-XXXXXX".utf8CString)
  guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
    throw ZIPWriter.WriterError("mkdtemp failed: errno \(errno)")
  }
  return String(cString: made)
}

/// Removes a temp directory tree made by ``makeTemporaryDirectory(_:)`` (only paths under /tmp/ringo-ipsw-).
public func removeTemporaryDirectory(_ path: String) {
  guard path.hasPrefix("/tmp/ringo-ipsw-") else { return }
  try? FileManager.default.removeItem(atPath: path)
}

/// Creates a directory (test helper); returns 0 on success.
@discardableResult
public func mkdirAt(_ path: String) -> Int32 { mkdir(path, 0o755) }

/// Writes (creating or replacing) a file in a test temp directory.
public func writeFile(_ path: String, _ bytes: [UInt8]) throws {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
  guard fd >= 0 else { throw ZIPWriter.WriterError("cannot write \(path): errno \(errno)") }
  defer { close(fd) }
  var done = 0
  while done < bytes.count {
    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
    guard n > 0 else { throw ZIPWriter.WriterError("write failed: errno \(errno)") }
    done += n
  }
}
