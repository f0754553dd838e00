#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why forging failed: a bad request, a container too small for the content, or a system call error.
public struct ForgeError: Error, Sendable, CustomStringConvertible, Equatable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Where forged blocks go. `dryRun` only counts (used to size the filler before the real pass).
final class ImageSink {
  let blockSize: Int
  let blockCount: UInt64
  private let fd: Int32  // -1 in a dry run
  private(set) var blocksWritten: UInt64 = 0

  /// A dry-run sink: nothing is written.
  init(dryRunBlockSize blockSize: Int, blockCount: UInt64) {
    self.blockSize = blockSize
    self.blockCount = blockCount
    fd = -1
  }

  /// Creates `path` (refusing to replace an existing file unless `overwrite`) as a sparse file of the container's size.
  init(path: String, blockSize: Int, blockCount: UInt64, overwrite: Bool) throws(ForgeError) {
    self.blockSize = blockSize
    self.blockCount = blockCount
    var flags = O_WRONLY | O_CREAT | O_CLOEXEC
    flags |= overwrite ? O_TRUNC : O_EXCL
    let opened = open(path, flags, 0o644)
    guard opened >= 0 else {
      throw ForgeError("cannot create \(path): \(String(cString: strerror(errno)))")
    }
    fd = opened
    let (bytes, overflow) = blockCount.multipliedReportingOverflow(by: UInt64(blockSize))
    guard !overflow, bytes <= UInt64(Int64.max), ftruncate(fd, off_t(bytes)) == 0 else {
      let reason = String(cString: strerror(errno))
      close(fd)
      throw ForgeError("cannot size \(path) to \(blockCount) blocks: \(reason)")
    }
  }

  deinit { if fd >= 0 { close(fd) } }

  var isDryRun: Bool { fd < 0 }

  /// Writes whole blocks at `block`; an all-zero buffer is skipped so that the file stays sparse.
  func write(_ bytes: [UInt8], atBlock block: UInt64) throws(ForgeError) {
    precondition(bytes.count % blockSize == 0, "forge bug: partial block write")
    precondition(block + UInt64(bytes.count / blockSize) <= blockCount, "forge bug: write past the container")
    blocksWritten += UInt64(bytes.count / blockSize)
    guard fd >= 0 else { return }
    if bytes.allSatisfy({ $0 == 0 }) { return }
    var done = 0
    let base = off_t(block) * off_t(blockSize)
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { raw in
        pwrite(fd, raw.baseAddress! + done, bytes.count - done, base + off_t(done))
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw ForgeError("write at block \(block) failed: \(String(cString: strerror(errno)))")
      }
      done += n
    }
  }

  func finish() throws(ForgeError) {
    guard fd >= 0 else { return }
    if fsync(fd) != 0 { throw ForgeError("fsync failed: \(String(cString: strerror(errno)))") }
  }
}

/// The structural owner of a block, as recorded in the manifest (contract strings of `RegionClass`).
public enum BlockOwner: String, Codable, Sendable {
  case containerMetadata = "container-metadata"
  case volumeMetadata = "volume-metadata"
  case filePlaintext = "file-plaintext"
  case fileEncrypted = "file-encrypted"
  case free
}

/// A run of blocks with one owner; runs are kept in offset order and merged with equal neighbours.
public struct BlockRun: Codable, Sendable, Equatable {
  public var start: UInt64
  public var count: UInt64
  public var owner: BlockOwner
  public var volume: Int?  // index in nx_fs_oid, for volume-owned blocks
}

/// A bump allocator over the container's blocks that also records who owns each block.
struct BlockAllocator {
  let blockCount: UInt64
  private(set) var next: UInt64
  private(set) var runs: [BlockRun] = []
  var recordRuns = true

  init(blockCount: UInt64, first: UInt64) {
    self.blockCount = blockCount
    next = first
  }

  /// Records `count` blocks at `start` as owned (for fixed-position structures).
  mutating func claim(_ start: UInt64, _ count: UInt64, _ owner: BlockOwner, volume: Int? = nil) {
    guard count > 0, recordRuns else { return }
    if var last = runs.last, last.owner == owner, last.volume == volume, last.start + last.count == start {
      last.count += count
      runs[runs.count - 1] = last
    } else {
      runs.append(BlockRun(start: start, count: count, owner: owner, volume: volume))
    }
  }

  /// Allocates `count` contiguous blocks; the last block of the container is never handed out (apfsck rejects a
  /// range that ends at the final block).
  mutating func allocate(_ count: UInt64, _ owner: BlockOwner, volume: Int? = nil) throws(ForgeError) -> UInt64 {
    let (end, overflow) = next.addingReportingOverflow(count)
    guard !overflow, end < blockCount else {
      throw ForgeError(
        "container too small: needed \(count) more block(s) at block \(next) of \(blockCount); "
          + "raise --size or lower the content")
    }
    let start = next
    next = end
    claim(start, count, owner, volume: volume)
    return start
  }
}
