// ringo-bench: throughput of the content scanner against the memory-read limit and peer tools, in one invocation on
// one mapped file. Build in release: `swift build -c release --product ringo-bench`.
//
//   ringo-bench scan --size 1G --kind mixed [--dir /tmp/ringo-bench] [--peer-bytes 256M] [--repeat 3]
//
// The file is generated once (deterministic content) under --dir and reused; it is bench data, not evidence.
import BlockScan
import Dispatch
import Foundation
import ImageAccess
import RegionMap
import TestSupport

struct BenchError: Error, CustomStringConvertible {
  var description: String
}

func parseSize(_ text: String) throws -> Int {
  let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
  if let last = text.last, let unit = units[Character(last.uppercased())], let n = Int(text.dropLast()) {
    return n * unit
  }
  guard let n = Int(text) else { throw BenchError(description: "bad size \(text)") }
  return n
}

struct Options {
  var size = 1 << 30
  var kind = "mixed"
  var dir = "/tmp/ringo-bench"
  var peerBytes = 128 << 20
  var binwalkBytes = 16 << 20
  var repeats = 3
  var skipPeers = false
  var threads = 0
  var mode = ScanMode.exact
  var command = "scan"

  init(_ args: [String]) throws {
    var i = 0
    guard let first = args.first, ["scan", "targets"].contains(first) else {
      throw BenchError(
        description:
          "usage: ringo-bench scan [--size 1G] [--kind random|zeros|text|mixed] [--dir D] [--peer-bytes 128M] [--binwalk-bytes 16M] [--repeat 3] [--threads N] [--mode exact|two-stage] [--skip-peers] | ringo-bench targets [--size 1G] [--kind random] [--dir D] [--peer-bytes 128M] [--repeat 3] [--threads N] | ringo-bench histogram"
      )
    }
    command = first
    i = 1
    func value() throws -> String {
      i += 1
      guard i < args.count else { throw BenchError(description: "missing value for \(args[i - 1])") }
      return args[i]
    }
    while i < args.count {
      switch args[i] {
      case "--size": size = try parseSize(try value())
      case "--kind": kind = try value()
      case "--dir": dir = try value()
      case "--peer-bytes": peerBytes = try parseSize(try value())
      case "--binwalk-bytes": binwalkBytes = try parseSize(try value())
      case "--repeat": repeats = max(1, Int(try value()) ?? 3)
      case "--threads": threads = Int(try value()) ?? 0
      case "--skip-peers": skipPeers = true
      case "--mode":
        let text = try value()
        guard let m = ScanMode(rawValue: text) else { throw BenchError(description: "bad mode \(text)") }
        mode = m
      default: throw BenchError(description: "unknown argument \(args[i])")
      }
      i += 1
    }
    guard ["random", "zeros", "text", "mixed"].contains(kind) else { throw BenchError(description: "bad kind \(kind)") }
  }
}

/// xoshiro256** for fast deterministic random bytes.
struct Xoshiro {
  var s: (UInt64, UInt64, UInt64, UInt64) = (0x1234_5678_9ABC_DEF0, 0x0FED_CBA9_8765_4321, 0xDEAD_BEEF_CAFE_F00D, 42)
  mutating func next() -> UInt64 {
    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
    let result = rotl(s.1 &* 5, 7) &* 9
    let t = s.1 << 17
    s.2 ^= s.0
    s.3 ^= s.1
    s.1 ^= s.2
    s.0 ^= s.3
    s.2 ^= t
    s.3 = rotl(s.3, 45)
    return result
  }
  mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
    var i = 0
    while i + 8 <= buffer.count {
      buffer.storeBytes(of: next(), toByteOffset: i, as: UInt64.self)
      i += 8
    }
    while i < buffer.count {
      buffer[i] = UInt8(truncatingIfNeeded: next())
      i += 1
    }
  }
}

func textChunk(_ count: Int, rng: inout Xoshiro) -> [UInt8] {
  let words = ["evidence", "block", "container", "volume", "the", "of", "and", "to", "recover", "image", "key",
    "snapshot", "checkpoint", "a", "is", "free", "space", "encrypted", "report", "analyst", "device", "file"]
  var out: [UInt8] = []
  out.reserveCapacity(count + 16)
  while out.count < count {
    let r = rng.next()
    out += Array(words[Int(r % UInt64(words.count))].utf8)
    out.append(r >> 32 % 12 == 0 ? 0x0A : 0x20)
  }
  return Array(out.prefix(count))
}

func gzipped(_ input: [UInt8], dir: String) throws -> [UInt8] {
  let inPath = dir + "/gzip-in.tmp"
  let outPath = dir + "/gzip-out.tmp"
  _ = FileManager.default.createFile(atPath: inPath, contents: Data(input))
  _ = FileManager.default.createFile(atPath: outPath, contents: nil)
  defer {
    try? FileManager.default.removeItem(atPath: inPath)
    try? FileManager.default.removeItem(atPath: outPath)
  }
  let p = Process()
  p.executableURL = URL(fileURLWithPath: try ExternalPrograms.path("gzip"))
  p.arguments = ["-c", "-6", "-n", inPath]
  p.standardOutput = FileHandle(forWritingAtPath: outPath)
  try p.run()
  p.waitUntilExit()
  return Array(FileManager.default.contents(atPath: outPath) ?? Data())
}

/// Writes the bench file unless it exists with the right size. Content is deterministic per kind.
func ensureFile(_ o: Options) throws -> String {
  try FileManager.default.createDirectory(atPath: o.dir, withIntermediateDirectories: true)
  let path = "\(o.dir)/\(o.kind)-\(o.size >> 20)M.img"
  if let attrs = try? FileManager.default.attributesOfItem(atPath: path),
    (attrs[.size] as? NSNumber)?.intValue == o.size
  {
    return path
  }
  print("generating \(path) …")
  _ = FileManager.default.createFile(atPath: path, contents: nil)
  guard let handle = FileHandle(forWritingAtPath: path) else { throw BenchError(description: "cannot write \(path)") }
  defer { try? handle.close() }
  var rng = Xoshiro()
  let chunk = 8 << 20
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
  defer { buffer.deallocate() }
  let text = textChunk(chunk, rng: &rng)
  let compressed: [UInt8] = o.kind == "mixed" ? try gzipped(textChunk(4 * chunk, rng: &rng), dir: o.dir) : []
  var written = 0
  var index = 0
  while written < o.size {
    let n = min(chunk, o.size - written)
    let part = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n])
    var kind = o.kind
    if kind == "mixed" { kind = ["zeros", "text", "random", "compressed"][index % 4] }
    switch kind {
    case "random": rng.fill(part)
    case "zeros": part.initializeMemory(as: UInt8.self, repeating: 0)
    case "text": text.withUnsafeBytes { part.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    default:
      for i in 0..<n { part[i] = compressed[(index * 1_000_003 + i) % compressed.count] }
    }
    try handle.write(contentsOf: Data(bytesNoCopy: part.baseAddress!, count: n, deallocator: .none))
    written += n
    index += 1
  }
  return path
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// CPU seconds used by the whole process (user + system, all threads).
func processCPU() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Wall seconds and CPU seconds of one measurement (best of the repeats, each chosen separately).
struct Timing {
  var wall = Double.infinity
  var cpu = Double.infinity
}

/// Best-of-`repeats` wall time and CPU time of `body`. With other jobs on the machine, wall time includes waiting for
/// a core; CPU time does not, so CPU-time figures are closer to what an idle machine gives (for a run on `threads`
/// threads, CPU time is divided by the thread count to give the span of one thread).
func best(_ repeats: Int, threads: Int = 1, _ body: () throws -> Void) rethrows -> Timing {
  var timing = Timing()
  for _ in 0..<repeats {
    let t0 = now()
    let c0 = processCPU()
    try body()
    timing.wall = min(timing.wall, Double(now() - t0) / 1e9)
    timing.cpu = min(timing.cpu, (processCPU() - c0) / Double(threads))
  }
  return timing
}

/// Paired ratios: in each of `repeats` rounds the baseline and the measured body run back to back, and the round's
/// ratio is baseline time / measured time (wall). The median of the rounds is far less sensitive to a machine whose
/// speed drifts between rows (other guests on the host) than a ratio of two best-of figures taken seconds apart.
func pairedRatio(_ repeats: Int, baseline: () throws -> Void, measured: () throws -> Void) rethrows -> (
  median: Double, low: Double, high: Double
) {
  var ratios: [Double] = []
  for _ in 0..<max(1, repeats) {
    var t0 = now()
    try baseline()
    let base = Double(now() - t0)
    t0 = now()
    try measured()
    ratios.append(base / Double(now() - t0))
  }
  ratios.sort()
  return (ratios[ratios.count / 2], ratios.first!, ratios.last!)
}

/// Runs `body(range)` on `threads` equal slices of `0..<size` in parallel.
func parallel(_ threads: Int, size: Int, _ body: @Sendable @escaping (Range<Int>) throws -> Void) throws {
  let slice = ((size / threads + 4095) / 4096) * 4096
  let failures = ErrorBox()
  DispatchQueue.concurrentPerform(iterations: threads) { t in
    let start = min(size, t * slice)
    let end = t == threads - 1 ? size : min(size, start + slice)
    do { try body(start..<end) } catch { failures.set(error) }
  }
  if let error = failures.error { throw error }
}

final class ErrorBox: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: (any Error)?
  var error: (any Error)? { lock.withLock { stored } }
  func set(_ e: any Error) { lock.withLock { stored = e } }
}

final class Sink: @unchecked Sendable {
  private let lock = NSLock()
  private var value: UInt64 = 0
  func add(_ v: UInt64) { lock.withLock { value &+= v } }
  var total: UInt64 { lock.withLock { value } }
}

/// Runs a shell command, killed after `limit` seconds; returns elapsed seconds or nil on timeout/failure.
/// Every program the command names must be in Tools/external-programs.tsv (checked with shfmt, as the tests do).
func runPeer(_ command: String, limit: Double) -> Double? {
  let p = Process()
  do {
    let listed = Set(try ExternalPrograms.entries().map(\.name))
    let unlisted = try ShellCommands.programs(inScript: command).subtracting(listed)
    guard unlisted.isEmpty else { throw ExternalPrograms.NotListed(name: unlisted.sorted().joined(separator: ", ")) }
    p.executableURL = URL(fileURLWithPath: try ExternalPrograms.path("sh"))
  } catch {
    print("peer not run: \(error)")
    return nil
  }
  p.arguments = ["-c", command]
  p.standardOutput = FileHandle.nullDevice
  p.standardError = FileHandle.nullDevice
  let t0 = now()
  do { try p.run() } catch { return nil }
  let deadline = t0 + UInt64(limit * 1e9)
  while p.isRunning {
    if now() > deadline {
      p.terminate()
      p.waitUntilExit()
      return nil
    }
    usleep(20_000)
  }
  guard p.terminationStatus == 0 else { return nil }
  return Double(now() - t0) / 1e9
}

func loadAverage() -> String {
  (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ")
    ?? "?"
}

func peakRSSMiB() -> Double {
  var usage = rusage()
  getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
  return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
}

/// `ringo-bench histogram`: the in-cache speed of the scanner's counting kernel and of the whole statistics step,
/// on 2 MiB of random bytes cut into 4 KiB blocks (L2-resident), best of 15 alternating rounds. This is the bound for
/// any block that needs the full histogram; Tools/scan-bench/histogram.sh runs the same loop in C next to it.
func histogramBound() {
  let size = 2 << 20
  var rng = Xoshiro()
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
  defer { buffer.deallocate() }
  rng.fill(buffer)
  let scratch = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: BlockKernels.histogramScratchCount)
  defer { scratch.deallocate() }
  var sink: UInt64 = 0
  var best = (histogram: 0.0, statistics: 0.0)
  let rounds = 20
  for _ in 0..<15 {
    var t0 = now()
    for _ in 0..<rounds {
      var offset = 0
      while offset < size {
        BlockKernels.histogram(UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + 4096)]), into: scratch)
        sink &+= UInt64(scratch[7])
        offset += 4096
      }
    }
    best.histogram = max(best.histogram, Double(size * rounds) / Double(now() - t0))
    t0 = now()
    for _ in 0..<rounds {
      var offset = 0
      while offset < size {
        let stats = BlockStats(of: UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + 4096)]), scratch: scratch)
        sink &+= UInt64(stats.chiSquare)
        offset += 4096
      }
    }
    best.statistics = max(best.statistics, Double(size * rounds) / Double(now() - t0))
  }
  print(String(format: "in cache, 4 KiB random blocks, best of 15: histogram %.2f GB/s; histogram + entropy + chi-square %.2f GB/s", best.histogram, best.statistics))
  if sink == 42 { print("") }
}

/// The prefix of the bench file that the peers read, written once as a file of its own (so `ent` reads a file, not
/// a pipe from `head`, whose speed swung with the host's load).
func ensurePrefix(_ path: String, bytes: Int, o: Options) throws -> String {
  let prefix = "\(o.dir)/prefix-\(o.kind)-\(bytes >> 20)M.img"
  if let attrs = try? FileManager.default.attributesOfItem(atPath: prefix), (attrs[.size] as? NSNumber)?.intValue == bytes {
    return prefix
  }
  let image = try MappedImage(path: path)
  _ = FileManager.default.createFile(atPath: prefix, contents: nil)
  guard let handle = FileHandle(forWritingAtPath: prefix) else { throw BenchError(description: "cannot write \(prefix)") }
  defer { try? handle.close() }
  try image.forEachWindow(in: 0..<min(bytes, image.byteCount), windowSize: 8 << 20) { _, b in
    try handle.write(contentsOf: Data(bytes: b.baseAddress!, count: b.count))
  }
  return prefix
}

/// Classes per block of a content map (blocks of 4 KiB), for comparing two scans block by block.
func blockClasses(_ result: ScanResult, size: Int) -> [RegionClass] {
  var out = [RegionClass](repeating: .unknown, count: (size + 4095) / 4096)
  for run in result.regions.runs {
    for block in (run.offset / 4096)..<((run.end + 4095) / 4096) { out[block] = run.regionClass }
  }
  return out
}

func classSummary(_ result: ScanResult, size: Int) -> String {
  [RegionClass.zero, .text, .compressed, .encrypted, .apfsObject, .unknown].compactMap { cls in
    guard let bytes = result.bytesByClass[cls], bytes > 0 else { return nil }
    return "\(cls.rawValue) \(String(format: "%.2f", 100 * Double(bytes) / Double(max(1, size)))) %"
  }.joined(separator: ", ")
}

/// `ringo-bench targets`: the three issue-16 scanner targets in one run, each a paired ratio (every round runs the
/// baseline and the measured work back to back; median and range of the rounds):
/// two-stage mode on one thread (GB/s, and against exact mode and the read limit), the scanner against `ent` on the
/// same prefix read from a file, and N threads against one (two-stage and exact, and the read itself for the host's
/// own scaling). Also checks that two-stage classes every block of the file as exact mode does.
func targets(_ o: Options) throws {
  let path = try ensureFile(o)
  let image = try MappedImage(path: path)
  let size = image.byteCount
  let gb = Double(size) / 1e9
  let cores = o.threads > 0 ? o.threads : ContentScanner.onlineCores
  let rounds = max(5, o.repeats)
  let loadBefore = loadAverage()
  let sink = Sink()
  let window = 64 << 20
  let readPass: @Sendable (Range<Int>) throws -> Void = { range in
    var local: UInt64 = 0
    try image.forEachWindow(in: range, windowSize: window) { _, b in local &+= BlockKernels.readSum(b, prefetching: true) }
    sink.add(local)
  }
  try readPass(0..<size)  // warm the page cache (untimed)
  func scanner(_ mode: ScanMode, threads: Int) throws -> ContentScanner {
    var options = ScanOptions()
    options.mode = mode
    options.threads = threads
    return try ContentScanner(options: options)
  }
  let two1 = try scanner(.twoStage, threads: 1)
  let twoN = try scanner(.twoStage, threads: cores)
  let exact1 = try scanner(.exact, threads: 1)
  let exactN = try scanner(.exact, threads: cores)
  var last: ScanResult?
  let twoLevel = best(o.repeats) { last = two1.scan(image) }
  let twoResult = last!
  let exactLevel = best(o.repeats) { last = exact1.scan(image) }
  let exactResult = last!
  // A proxy for scaling that a loaded host does not blur: the total CPU time of the N-thread scan against the
  // 1-thread scan (more means spinning or repeated work), and the voluntary context switches it makes (sleeps on
  // locks, e.g. the kernel's mmap lock between one thread's mapping and another's unmapping).
  func cpuAndSleeps(_ s: ContentScanner) -> (cpu: Double, sleeps: Int) {
    var best = (cpu: Double.infinity, sleeps: Int.max)
    for _ in 0..<o.repeats {
      var u0 = rusage()
      getrusage(Int32(RUSAGE_SELF.rawValue), &u0)
      let c0 = processCPU()
      last = s.scan(image)
      let cpu = processCPU() - c0
      var u1 = rusage()
      getrusage(Int32(RUSAGE_SELF.rawValue), &u1)
      best = (min(best.cpu, cpu), min(best.sleeps, u1.ru_nvcsw - u0.ru_nvcsw))
    }
    return best
  }
  let twoCPU1 = cpuAndSleeps(two1)
  let twoCPUN = cpuAndSleeps(twoN)
  let exactCPU1 = cpuAndSleeps(exact1)
  let exactCPUN = cpuAndSleeps(exactN)
  let pairedRead = try pairedRatio(rounds, baseline: { try readPass(0..<size) }) { last = two1.scan(image) }
  let pairedMode = pairedRatio(rounds, baseline: { last = exact1.scan(image) }) { last = two1.scan(image) }
  let pairedTwoThreads = pairedRatio(rounds, baseline: { last = two1.scan(image) }) { last = twoN.scan(image) }
  let pairedExactThreads = pairedRatio(rounds, baseline: { last = exact1.scan(image) }) { last = exactN.scan(image) }
  let pairedReadThreads = try pairedRatio(rounds, baseline: { try readPass(0..<size) }) {
    try parallel(cores, size: size, readPass)
  }

  // ent on the same prefix, read from a file; the pipe from head once, to show what the pipe costs.
  let entBytes = min(o.peerBytes, size)
  let prefixPath = try ensurePrefix(path, bytes: entBytes, o: o)
  let prefix = try MappedImage(path: prefixPath)
  try prefix.forEachWindow(windowSize: window) { _, b in sink.add(BlockKernels.readSum(b)) }
  var entNotes: [String] = []
  if let file = runPeer("ent '\(prefixPath)'", limit: 300), let pipe = runPeer("head -c \(entBytes) '\(path)' | ent", limit: 300) {
    entNotes.append(
      String(
        format: "ent on %d MiB: %.3f GB/s reading the file, %.3f GB/s through a pipe from head (one run each)",
        entBytes >> 20, Double(entBytes) / 1e9 / file, Double(entBytes) / 1e9 / pipe))
    for (name, s) in [("two-stage", two1), ("exact", exact1)] {
      var failed = false
      let paired = pairedRatio(3, baseline: { if runPeer("ent '\(prefixPath)'", limit: 300) == nil { failed = true } }) {
        last = s.scan(prefix)
      }
      if !failed {
        entNotes.append(
          String(
            format: "paired: scanner (%@, 1 thread) / ent, same %d MiB file, 3 rounds: %.0fx (%.0f–%.0f)", name,
            entBytes >> 20, paired.median, paired.low, paired.high))
      }
    }
  } else {
    entNotes.append("ent: failed or over 300 s")
  }

  let twoBlocks = blockClasses(twoResult, size: size)
  let exactBlocks = blockClasses(exactResult, size: size)
  var pairs: [String: Int] = [:]
  for (two, exact) in zip(twoBlocks, exactBlocks) where two != exact {
    pairs["\(exact.rawValue) → \(two.rawValue)", default: 0] += 1
  }
  let differing = pairs.values.reduce(0, +)
  let differences = pairs.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
  print("")
  print("ringo-bench targets --size \(o.size >> 20)M --kind \(o.kind): \(path)")
  print(
    "cores \(cores), AVX2 build \(CPUFeatures.builtForAVX2), load average before \(loadBefore), after \(loadAverage())")
  print(
    String(
      format: "two-stage, 1 thread: %.2f GB/s wall, %.2f GB/s CPU time (best of %d); exact, 1 thread: %.2f wall, %.2f CPU",
      gb / twoLevel.wall, gb / twoLevel.cpu, o.repeats, gb / exactLevel.wall, gb / exactLevel.cpu))
  print(
    String(
      format: "paired, median of %d rounds (low–high): two-stage / read limit %.3f (%.3f–%.3f); two-stage / exact %.2fx (%.2f–%.2f)",
      rounds, pairedRead.median, pairedRead.low, pairedRead.high, pairedMode.median, pairedMode.low, pairedMode.high))
  print(
    String(
      format: "paired: %d threads / 1 thread: two-stage %.2fx (%.2f–%.2f), exact %.2fx (%.2f–%.2f), read %.2fx (%.2f–%.2f)",
      cores, pairedTwoThreads.median, pairedTwoThreads.low, pairedTwoThreads.high, pairedExactThreads.median,
      pairedExactThreads.low, pairedExactThreads.high, pairedReadThreads.median, pairedReadThreads.low,
      pairedReadThreads.high))
  let windows = (size + (8 << 20) - 1) / (8 << 20)
  print(
    String(
      format:
        "CPU time, all threads, %d threads / 1 thread (best of %d; 1.00 = no work added by threading): two-stage %.2f, exact %.2f; voluntary context switches per 8 MiB window, %d threads: two-stage %.2f, exact %.2f",
      cores, o.repeats, twoCPUN.cpu / twoCPU1.cpu, exactCPUN.cpu / exactCPU1.cpu, cores,
      Double(twoCPUN.sleeps) / Double(windows), Double(exactCPUN.sleeps) / Double(windows)))
  for note in entNotes { print(note) }
  print("classes, two-stage: \(classSummary(twoResult, size: size))")
  print("classes, exact:     \(classSummary(exactResult, size: size))")
  print(
    "blocks classed differently by two-stage and exact mode: \(differing) of \(twoBlocks.count)"
      + (differing > 0 ? " (exact → two-stage: \(differences))" : ""))
  if sink.total == 42 { print("") }
}

func main() throws {
  if let message = CPUFeatures.unsupportedBuildMessage { throw BenchError(description: message) }
  if CommandLine.arguments.dropFirst().first == "histogram" {
    histogramBound()
    return
  }
  let o = try Options(Array(CommandLine.arguments.dropFirst()))
  if o.command == "targets" {
    try targets(o)
    return
  }
  let path = try ensureFile(o)
  let image = try MappedImage(path: path)
  let size = image.byteCount
  let cores = o.threads > 0 ? o.threads : ContentScanner.onlineCores
  let window = 64 << 20
  let gb = Double(size) / 1e9
  let loadBefore = loadAverage()
  let sink = Sink()

  // Warm the page cache (untimed).
  try image.forEachWindow(windowSize: window) { _, b in sink.add(BlockKernels.readSum(b)) }

  func perBlock(_ range: Range<Int>, _ kernel: (UnsafeRawBufferPointer) -> UInt64) throws {
    var local: UInt64 = 0
    try image.forEachWindow(in: range, windowSize: window) { _, b in
      var i = 0
      while i < b.count {
        let n = min(4096, b.count - i)
        local &+= kernel(UnsafeRawBufferPointer(rebasing: b[i..<(i + n)]))
        i += n
      }
    }
    sink.add(local)
  }

  var rows: [(name: String, wall: Double, cpu: Double?)] = []  // GB/s by wall time and by CPU time
  let read1 = try best(o.repeats) {
    try image.forEachWindow(windowSize: window) { _, b in sink.add(BlockKernels.readSum(b)) }
  }
  rows.append(("read limit (SIMD sum), 1 thread", gb / read1.wall, gb / read1.cpu))
  let readPrefetch1 = try best(o.repeats) {
    try image.forEachWindow(windowSize: window) { _, b in sink.add(BlockKernels.readSum(b, prefetching: true)) }
  }
  rows.append(("read limit with prefetch, 1 thread", gb / readPrefetch1.wall, gb / readPrefetch1.cpu))
  let readN = try best(o.repeats, threads: cores) {
    try parallel(cores, size: size) { r in
      var local: UInt64 = 0
      try image.forEachWindow(in: r, windowSize: window) { _, b in local &+= BlockKernels.readSum(b) }
      sink.add(local)
    }
  }
  rows.append(("read limit (SIMD sum), \(cores) threads", gb / readN.wall, gb / readN.cpu / Double(cores)))
  let zero1 = try best(o.repeats) { try perBlock(0..<size) { BlockKernels.isAllZero($0) ? 1 : 0 } }
  rows.append(("zero test per 4 KiB block, 1 thread", gb / zero1.wall, gb / zero1.cpu))
  let fletcher1 = try best(o.repeats) { try perBlock(0..<size) { BlockKernels.fletcher64($0) } }
  rows.append(("Fletcher-64 per 4 KiB block, 1 thread", gb / fletcher1.wall, gb / fletcher1.cpu))
  let limits = ContentPolicy.standard.textPrecheckLimits(byteCount: 4096)
  let classes1 = try best(o.repeats) {
    try perBlock(0..<size) {
      UInt64(
        BlockKernels.byteClasses($0, stopAboveControl: limits.control, stopAboveNonPrintable: limits.nonPrintable)
          .counted)
    }
  }
  rows.append(("byte-class pre-check per 4 KiB block (stops when not text), 1 thread", gb / classes1.wall, gb / classes1.cpu))
  let scratch = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: BlockKernels.histogramScratchCount)
  defer { scratch.deallocate() }
  let stats1 = try best(o.repeats) {
    try perBlock(0..<size) { UInt64(BlockStats(of: $0, scratch: scratch).chiSquare) }
  }
  rows.append(("histogram + entropy + chi-square per 4 KiB block, 1 thread", gb / stats1.wall, gb / stats1.cpu))

  var single = ScanOptions()
  single.threads = 1
  single.mode = o.mode
  var all = ScanOptions()
  all.threads = cores
  all.mode = o.mode
  var lastResult: ScanResult?
  var lastPrefix: ScanResult?
  let scan1 = try best(o.repeats) { lastResult = try ContentScanner(options: single).scan(image) }
  rows.append(("classifier (ringo scan), 1 thread", gb / scan1.wall, gb / scan1.cpu))
  let scanN = try best(o.repeats, threads: cores) { lastResult = try ContentScanner(options: all).scan(image) }
  rows.append(("classifier (ringo scan), \(cores) threads", gb / scanN.wall, gb / scanN.cpu / Double(cores)))

  // Paired ratios against the prefetching read (the faster read loop on this machine in every run so far).
  let pairs = max(5, o.repeats)
  func readPass() throws {
    try image.forEachWindow(windowSize: window) { _, b in sink.add(BlockKernels.readSum(b, prefetching: true)) }
  }
  let pairedFletcher = try pairedRatio(pairs, baseline: readPass) {
    try perBlock(0..<size) { BlockKernels.fletcher64($0) }
  }
  let pairedZero = try pairedRatio(pairs, baseline: readPass) {
    try perBlock(0..<size) { BlockKernels.isAllZero($0) ? 1 : 0 }
  }
  let pairedScan = try pairedRatio(pairs, baseline: readPass) { lastResult = try ContentScanner(options: single).scan(image) }
  let pairedThreads = try pairedRatio(pairs, baseline: { lastResult = try ContentScanner(options: single).scan(image) }) {
    lastResult = try ContentScanner(options: all).scan(image)
  }
  var pairedNotes = [
    String(
      format: "paired, median of %d rounds (low–high): Fletcher-64 / read %.2f (%.2f–%.2f); zero test / read %.2f (%.2f–%.2f)",
      pairs, pairedFletcher.median, pairedFletcher.low, pairedFletcher.high, pairedZero.median, pairedZero.low,
      pairedZero.high),
    String(
      format: "paired: classifier 1 thread / read %.3f (%.3f–%.3f); classifier %d threads / 1 thread %.2fx (%.2f–%.2f)",
      pairedScan.median, pairedScan.low, pairedScan.high, cores, pairedThreads.median, pairedThreads.low,
      pairedThreads.high),
  ]
  if o.mode != .exact {
    var exact = single
    exact.mode = .exact
    let pairedMode = try pairedRatio(pairs, baseline: { lastResult = try ContentScanner(options: exact).scan(image) }) {
      lastResult = try ContentScanner(options: single).scan(image)
    }
    pairedNotes.append(
      String(
        format: "paired: classifier 1 thread, %@ mode / exact mode (speed-up) %.2fx (%.2f–%.2f)", o.mode.rawValue,
        pairedMode.median, pairedMode.low, pairedMode.high))
  }

  var peerNotes: [String] = []
  if !o.skipPeers {
    let entBytes = min(o.peerBytes, size)
    // ent reads the prefix from a file of its own (a pipe from head swung with the host's load), and the classifier
    // is timed on the same bytes; 3 rounds, each ent then ringo.
    let entFile = try ensurePrefix(path, bytes: entBytes, o: o)
    if let t = runPeer("ent '\(entFile)'", limit: 300) {
      rows.append(("ent (prefix \(entBytes >> 20) MiB, from a file), 1 thread", Double(entBytes) / 1e9 / t, nil))
      var entFailed = false
      let pairedEnt = try pairedRatio(3, baseline: {
        if runPeer("ent '\(entFile)'", limit: 300) == nil { entFailed = true }
      }) { lastPrefix = try ContentScanner(options: single).scan(image, ranges: [0..<entBytes]) }
      if !entFailed {
        pairedNotes.append(
          String(
            format: "paired: classifier 1 thread / ent on the same %d MiB prefix %.0fx (%.0f–%.0f), 3 rounds",
            entBytes >> 20, pairedEnt.median, pairedEnt.low, pairedEnt.high))
      }
    } else {
      peerNotes.append("ent: failed or over 300 s on \(entBytes >> 20) MiB")
    }
    let bwBytes = min(o.binwalkBytes, size)
    let prefix = "\(o.dir)/prefix-\(o.kind)-\(bwBytes >> 20)M.img"
    if !FileManager.default.fileExists(atPath: prefix) {
      _ = runPeer("head -c \(bwBytes) '\(path)' > '\(prefix)'", limit: 120)
    }
    if let t = runPeer("cd '\(o.dir)' && binwalk -E -N -q '\(prefix)'", limit: 600) {
      rows.append(("binwalk -E -N (prefix \(bwBytes >> 20) MiB)", Double(bwBytes) / 1e9 / t, nil))
    } else {
      peerNotes.append("binwalk -E: failed or over 600 s on \(bwBytes >> 20) MiB")
    }
  }

  // The read limit is the faster of the two read loops (with and without prefetch), so no ratio flatters a kernel.
  let readLimit = max(gb / read1.wall, gb / readPrefetch1.wall)
  let readLimitCPU = max(gb / read1.cpu, gb / readPrefetch1.cpu)
  print("")
  print("ringo-bench scan --size \(o.size >> 20)M --kind \(o.kind) --mode \(o.mode.rawValue): \(path)")
  print(
    "cores \(cores), AVX2 build \(CPUFeatures.builtForAVX2), CPU AVX2 \(CPUFeatures.hasAVX2), load average before \(loadBefore), after \(loadAverage())"
  )
  print("")
  print("read limit = the faster of the two 1-thread read rows")
  print("| measurement | GB/s (wall) | / read limit | GB/s per thread (CPU time) | / read limit |")
  print("|---|---:|---:|---:|---:|")
  for row in rows {
    let cpuText = row.cpu.map { String(format: "%.3f | %.3f", $0, $0 / readLimitCPU) } ?? "– | –"
    print(String(format: "| %@ | %.3f | %.3f | ", row.name, row.wall, row.wall / readLimit) + cpuText + " |")
  }
  print("")
  print(String(format: "classifier %d threads / 1 thread (wall): %.2fx", cores, scan1.wall / scanN.wall))
  print(
    String(
      format: "Fletcher-64 / read limit: %.0f %% wall, %.0f %% CPU; zero test / read limit: %.0f %% wall, %.0f %% CPU",
      100 * gb / fletcher1.wall / readLimit, 100 * gb / fletcher1.cpu / readLimitCPU,
      100 * gb / zero1.wall / readLimit, 100 * gb / zero1.cpu / readLimitCPU))
  if let ent = rows.first(where: { $0.name.hasPrefix("ent") }) {
    print(String(format: "classifier 1 thread / ent (wall): %.0fx", gb / scan1.wall / ent.wall))
  }
  if let bw = rows.first(where: { $0.name.hasPrefix("binwalk") }) {
    print(String(format: "classifier 1 thread / binwalk -E (wall): %.0fx", gb / scan1.wall / bw.wall))
  }
  for note in peerNotes { print(note) }
  for note in pairedNotes { print(note) }
  if let result = lastResult {
    let summary = [RegionClass.zero, .text, .compressed, .encrypted, .apfsObject, .unknown].map {
      "\($0.rawValue) \(String(format: "%.1f", 100 * Double(result.bytesByClass[$0] ?? 0) / Double(max(1, size)))) %"
    }.joined(separator: ", ")
    print("classes: \(summary)")
  }
  print(String(format: "peak RSS %.1f MiB (file %d MiB, windows of %d MiB)", peakRSSMiB(), size >> 20, window >> 20))
  if sink.total == 42 || lastPrefix?.scannedBytes == -1 { print("") }  // keeps the kernels' results alive
}

do {
  try main()
} catch {
  FileHandle.standardError.write(Data("ringo-bench: \(error)\n".utf8))
  exit(1)
}
