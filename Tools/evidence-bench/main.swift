// ringo-evidence-bench: reading the media of an E01 set through Ringo's evidence layer against libewf's own tools on
// the same files, in one invocation (ratios, not absolute figures, are what the run is for: the host is shared).
//
// Usage: swift run -c release ringo-evidence-bench E01 [--repeat R]
//   ringo read       EWFImage.read(into:) over the whole media, 4 MiB at a time, one libewf handle (decode only)
//   ringo read xN    the same windows decoded by N threads, one libewf handle each (WindowFeed, N = online cores)
//   ringo md5+sha1   EWFImage.mediaDigests(threads: 1): one decoding handle, MD5 and SHA-1 on their own threads
//   ringo md5+sha1 xN EWFImage.mediaDigests() (what `ringo triage` does to set `verified`): N decoding handles
//   ewfexport      ewfexport -q -u -f raw -t - E01 > /dev/null (decode + write to a pipe)
//   ewfverify      ewfverify -q E01 (decode + MD5 + stored-hash check)
//   ewfverify+sha1 ewfverify -q -d sha1 E01 (decode + MD5 + SHA-1: the same work as ringo md5+sha1)
import Evidence
import Foundation
import ImageAccess
import TestSupport

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
  print("usage: ringo-evidence-bench FILE.E01 [--repeat R]")
  exit(64)
}
let path = arguments[1]
guard FileManager.default.fileExists(atPath: path) else {
  print("\(path): no such file; make the bench inputs with Tools/evidence-bench/make-inputs.sh [DIR]"
        + " (DIR defaults to /tmp/ringo-evidence-bench)")
  exit(66)
}
let repetitions = arguments.firstIndex(of: "--repeat").flatMap { Int(arguments[$0 + 1]) } ?? 3
let clock = ContinuousClock()
func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// Best wall time of `repetitions` runs.
func best(_ body: () throws -> Void) rethrows -> Double {
  var times: [Double] = []
  for _ in 0..<repetitions { times.append(seconds(try clock.measure(body))) }
  return times.min() ?? 0
}

/// Runs `command` through `sh`; both it and the peers it names come from Tools/external-programs.tsv.
func shell(_ command: String) throws {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: try ExternalPrograms.path("sh"))
  process.arguments = ["-c", command]
  try process.run()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
}

let image = try EWFImage(firstSegment: path, cache: ChunkCache(capacityBytes: 0))
let mib = Double(image.byteCount) / Double(1 << 20)
print("media \(image.byteCount) bytes (\(Int(mib)) MiB) in \(image.segmentFiles.count) segment files, chunk \(image.chunkSize) bytes")
let read = try best {
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 16)
  defer { buffer.deallocate() }
  var offset = 0
  while offset < image.byteCount {
    let piece = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, image.byteCount - offset)])
    try image.read(into: piece, at: offset)
    offset += piece.count
  }
}
let threads = EWFImage.decodeThreads
let readParallel = try best {
  let feed = WindowFeed(windows: WindowFeed.split(0..<image.byteCount, size: 4 << 20), consumers: [0..<Int.max],
                        slots: threads + 3)
  let ran = feed.run(producers: threads, makeReader: image.makeReader, consumers: [{
    for index in feed.windows.indices { _ = try? feed.withWindow(index) { $0.count } }
  }])
  guard ran else { throw ParseError(.invalid("the \(threads + 1) decoding threads could not be created"), in: "bench", at: nil) }
}
let digestsOne = try best { _ = try image.mediaDigests(threads: 1) }
let digests = try best { _ = try image.mediaDigests() }
_ = try ExternalPrograms.path("ewfexport")  // listed and installed, or a clear error before timing anything
_ = try ExternalPrograms.path("ewfverify")
let quoted = "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
let export = try best { try shell("ewfexport -q -u -f raw -t - \(quoted) > /dev/null 2>&1") }
let verify = try best { try shell("ewfverify -q \(quoted) > /dev/null 2>&1") }
let verifySHA1 = try best { try shell("ewfverify -q -d sha1 \(quoted) > /dev/null 2>&1") }
func row(_ name: String, _ t: Double) {
  print(name.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: "%8.3f s  %8.1f MiB/s", t, mib / t))
}
row("ringo read", read)
row("ringo read x\(threads)", readParallel)
row("ringo md5+sha1", digestsOne)
row("ringo md5+sha1 x\(threads)", digests)
row("ewfexport", export)
row("ewfverify", verify)
row("ewfverify+sha1", verifySHA1)
print(String(format: "ratios (best of %d): ewfexport / ringo read %.2fx, ewfverify -d sha1 / ringo md5+sha1 x%d %.2fx, "
             + "ewfverify (MD5 only) / ringo md5+sha1 x%d %.2fx", repetitions, export / read, threads,
             verifySHA1 / digests, threads, verify / digests))
print(String(format: "decode on %d handles / 1 handle: %.2fx (read), %.2fx (md5+sha1); goal >= 1.8x on 2 cores", threads,
             read / readParallel, digestsOne / digests))
