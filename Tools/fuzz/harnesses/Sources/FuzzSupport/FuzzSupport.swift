import CFuzzerDriver
import APFSFormat
import Codecs
import ImageAccess

#if canImport(Glibc)
  import Glibc
#endif

/// The running harness's body (one per process; set once by ``runFuzzer(_:_:_:)`` before libFuzzer starts).
nonisolated(unsafe) private var harness: ([UInt8]) -> Void = { _ in }

/// libFuzzer's per-input entry point: hands the input to the harness as an array (libFuzzer may pass a null pointer
/// for the empty input).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  harness(data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
  return 0
}

/// Runs libFuzzer over `body`; each harness's `main` calls this.
public func runFuzzer(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ body: @escaping ([UInt8]) -> Void
) -> CInt {
  harness = body
  var argc = argc
  var argv = argv
  return LLVMFuzzerRunDriver(&argc, &argv) { testOneInput($0, $1) }
}

/// APFS objects carry a Fletcher-64 checksum that random mutation never gets right, so every `blockSize` block whose
/// stored checksum is not zero gets the right one: mutations then reach the fields behind the check, and a zeroed
/// checksum (which the fuzzer finds at once) still exercises the mismatch path.
public func fixAPFSChecksums(_ image: inout [UInt8], blockSize: Int = 4096) {
  var start = 0
  while start + blockSize <= image.count {
    let stored = image[start..<start + 8].reduce(0) { $0 | UInt64($1) }
    if stored != 0 {
      let sum = image.withUnsafeBytes { Fletcher64.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<start + blockSize])) }
      for i in 0..<8 { image[start + i] = UInt8(truncatingIfNeeded: sum >> (8 * UInt64(i))) }
    }
    start += blockSize
  }
}

/// The input padded with zeros to a whole number of `blockSize` blocks (at least one).
public func paddedToBlocks(_ input: [UInt8], blockSize: Int = 4096) -> [UInt8] {
  let blocks = max(1, (input.count + blockSize - 1) / blockSize)
  return input + [UInt8](repeating: 0, count: blocks * blockSize - input.count)
}

/// GPT headers and entry arrays carry CRC-32s; like the APFS checksums they are recomputed (for 512- and 4096-byte
/// sectors) unless the stored header CRC is zero.
public func fixGPTChecksums(_ disk: inout [UInt8]) {
  for sector in [512, 4096] where disk.count >= sector + 92 {
    guard disk[sector..<sector + 8].elementsEqual(Array("EFI PART".utf8)) else { continue }
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(disk[at + $1]) << (8 * UInt32($1)) } }
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(disk[at + $1]) << (8 * UInt64($1)) } }
    func put(_ value: UInt32, at: Int) { for i in 0..<4 { disk[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) } }
    guard u32(sector + 16) != 0 else { continue }
    let entriesLBA = u64(sector + 72)
    let count = Int(u32(sector + 80))
    let size = Int(u32(sector + 84))
    let (start, overflow) = entriesLBA.multipliedReportingOverflow(by: UInt64(sector))
    if !overflow, count <= 1024, size <= 4096, start <= UInt64(disk.count), Int(start) + count * size <= disk.count {
      put(CRC32.checksum(Array(disk[Int(start)..<Int(start) + count * size])), at: sector + 88)
    }
    let headerSize = Int(u32(sector + 12))
    if headerSize >= 92, headerSize <= sector, sector + headerSize <= disk.count {
      put(0, at: sector + 16)
      put(CRC32.checksum(Array(disk[sector..<sector + headerSize])), at: sector + 16)
    }
  }
}

/// Drains `source` in pieces, at most `limit` bytes, ignoring errors past the first (what a reader of a damaged
/// image does): makes every chunk decoder run on the bytes it covers.
public func drain(_ source: any ByteSource, limit: Int = 8 << 20, piece: Int = 64 << 10) {
  var offset = 0
  let end = min(source.byteCount, limit)
  while offset < end {
    let next = min(end, offset + piece)
    _ = try? source.withBytes(offset..<next) { $0.count }
    offset = next
  }
}

/// The codec harnesses' body: bounded output (at most 4 MiB whatever the input claims); a stream that decodes must
/// decode the same way into a buffer of its exact size and, unless `shorterMayPass`, be refused by one byte less.
public func fuzzCodec(_ codec: Codec, _ input: [UInt8], shorterMayPass: Bool = false) {
  guard let out = try? codec.decompress(input, limit: 4 << 20) else { return }
  guard let again = try? codec.decompress(input, expectedSize: out.count, limit: 4 << 20), again == out else {
    fatalError("\(codec): the stream decodes to \(out.count) bytes unbounded but not into a buffer of that size")
  }
  if !shorterMayPass, !out.isEmpty, (try? codec.decompress(input, expectedSize: out.count - 1, limit: 4 << 20)) != nil {
    fatalError("\(codec): a stream of \(out.count) bytes was accepted as \(out.count - 1)")
  }
}

/// A scratch folder made once per process (libFuzzer's -jobs/-fork run several) under `$FUZZ_SCRATCH`, else `$TMPDIR`,
/// else /tmp, for the harnesses whose parser takes file names (libewf, split raw sets, sparse bundles, the whole
/// triage). Removed when the process exits normally.
public let scratchFolder: String = {
  let base = (getenv("FUZZ_SCRATCH") ?? getenv("TMPDIR")).map { String(cString: $0) } ?? "/tmp"
  var template = Array("\(base)/ringo-fuzz-XXXXXX".utf8CString)
  guard let made = mkdtemp(&template) else { fatalError("cannot make a scratch folder under \(base)") }
  let path = String(cString: made)
  scratchToRemove = path
  atexit { if let path = scratchToRemove { removeTree(path) } }
  return path
}()

nonisolated(unsafe) private var scratchToRemove: String? = nil

/// Removes `path` and, for a folder, everything under it (the scratch folder holds plain files and folders only).
public func removeTree(_ path: String) {
  if let dir = opendir(path) {
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
      if name != ".", name != ".." { removeTree(path + "/" + name) }
    }
    closedir(dir)
    rmdir(path)
  } else {
    unlink(path)
  }
}

/// Writes `bytes` to `path` (created or truncated); a write that fails is a harness error, not a finding to hide.
public func writeScratchFile(_ path: String, _ bytes: some Collection<UInt8>) {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
  guard fd >= 0 else { fatalError("cannot write \(path)") }
  defer { close(fd) }
  let copy = Array(bytes)
  var written = 0
  copy.withUnsafeBytes { buffer in
    while written < buffer.count {
      let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
      guard n > 0 else { fatalError("cannot write \(path)") }
      written += n
    }
  }
}

/// Reads `source` in pieces of odd sizes that straddle every `boundary` (segment or band edges), at most `limit`
/// bytes in all: the cross-boundary assembly paths run, not only the zero-copy ones.
public func drainAcross(_ source: any ByteSource, boundaries: [Int], limit: Int = 8 << 20) {
  for edge in boundaries where edge > 0 && edge < source.byteCount {
    for (before, after) in [(1, 1), (7, 4096), (4097, 3)] {
      let lower = max(0, edge - before)
      let upper = min(source.byteCount, edge + after)
      _ = try? source.withBytes(lower..<upper) { $0.count }
    }
  }
  drain(source, limit: limit, piece: 65_537)
}
