// ringo-dmg-bench: DMG read throughput per codec against the codec's own speed on the same chunk bytes.
//
// Usage: swift run -c release ringo-dmg-bench [--size-mib N] [--repeat R] [--cache-mib C] [--fixtures DIR]
// Generated images go to the system temp dir (/tmp/ringo-dmg-bench-<codec>-<N>MiB.dmg) and are reused.
import TestSupport
import Codecs
import DiskImage
import DiskImageTestSupport
import Foundation
import ImageAccess

struct Options {
  var sizeMiB = 32
  var repetitions = 3
  var cacheMiB = 32
  var fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures/dmg").path

  init(_ arguments: [String]) {
    var i = 1
    while i < arguments.count {
      let value = i + 1 < arguments.count ? arguments[i + 1] : ""
      switch arguments[i] {
      case "--size-mib": sizeMiB = Int(value) ?? sizeMiB; i += 1
      case "--repeat": repetitions = Int(value) ?? repetitions; i += 1
      case "--cache-mib": cacheMiB = Int(value) ?? cacheMiB; i += 1
      case "--fixtures": fixtures = value; i += 1
      default: print("unknown argument \(arguments[i])"); exit(64)
      }
      i += 1
    }
  }
}

let options = Options(CommandLine.arguments)
let clock = ContinuousClock()

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// Makes (or reuses) a generated image of `sizeMiB` MiB in 1 MiB chunks (hdiutil's default chunk size).
func generatedImage(_ storage: UDIFWriter.Storage, name: String) throws -> String {
  let path = NSTemporaryDirectory() + "ringo-dmg-bench-\(name)-\(options.sizeMiB)MiB.dmg"
  if FileManager.default.fileExists(atPath: path) { return path }
  var random = SeededRandom(seed: 0xD36B)
  var chunks: [UDIFWriter.Chunk] = []
  for _ in 0..<options.sizeMiB {
    chunks.append(.init(storage, bytes: random.compressibleBytes(1 << 20)))
  }
  let bytes = UDIFWriter.make(partitions: [.init(name: "disk image (Apple_APFS : 1)", chunks: chunks)])
  try Data(bytes).write(to: URL(fileURLWithPath: path))
  return path
}

/// Expands the whole virtual disk through UDIFImage (fresh image each time, so the chunk cache starts cold).
func readThroughDMG(_ path: String, passes: Int) throws -> (bytes: Int, seconds: Double) {
  var best = Double.infinity
  var total = 0
  for _ in 0..<options.repetitions {
    var touched: UInt64 = 0
    var bytes = 0
    let elapsed = try clock.measure {
      for _ in 0..<passes {
        var limits = UDIFImage.Limits()
        limits.cacheBytes = options.cacheMiB << 20
        let udif = try UDIFImage(source: MappedImage(path: path), limits: limits)
        var offset = 0
        while offset < udif.byteCount {
          let end = min(udif.byteCount, offset + (1 << 20))
          try udif.withBytes(offset..<end) { buffer in
            touched &+= UInt64(buffer[0]) &+ UInt64(buffer[buffer.count - 1])
          }
          offset = end
        }
        bytes += udif.byteCount
      }
    }
    if touched == 42 { print("") }  // keeps the reads observable
    best = min(best, seconds(elapsed))
    total = bytes
  }
  return (total, best)
}

/// Reads only the compressed chunks through UDIFImage (opened before the clock starts, cache cold) and decodes the
/// same chunk bytes directly with the codec, alternating the two each repetition so machine noise hits both alike.
func compressedChunks(_ path: String, passes: Int) throws -> (bytes: Int, viaDMG: Double, direct: Double, codecs: String) {
  let file = try MappedImage(path: path)
  let locations = try UDIFImage(source: file).chunkLocations.filter { $0.type.codec != nil }
  var names = Set<String>()
  var bestDMG = Double.infinity
  var bestDirect = Double.infinity
  var total = 0
  for _ in 0..<options.repetitions {
    var limits = UDIFImage.Limits()
    limits.cacheBytes = options.cacheMiB << 20
    let images = try (0..<passes).map { _ in try UDIFImage(source: file, limits: limits) }
    var touched: UInt64 = 0
    let viaDMG = try clock.measure {
      for udif in images {
        for location in locations {
          try udif.withBytes(location.virtualRange) { touched &+= UInt64($0[0]) }
        }
      }
    }
    var bytes = 0
    let direct = try clock.measure {
      for _ in 0..<passes {
        for location in locations {
          var codec = location.type.codec!
          bytes += try file.withBytes(location.storedRange) { input in
            if codec == .xz, input.first != 0xFD { codec = .lzma }
            names.insert(codec.rawValue)
            return try codec.decompress(input, expectedSize: location.virtualRange.count, limit: 64 << 20).count
          }
        }
      }
    }
    if touched == 42 { print("") }
    bestDMG = min(bestDMG, seconds(viaDMG))
    bestDirect = min(bestDirect, seconds(direct))
    total = bytes
  }
  return (total, bestDMG, bestDirect, names.sorted().joined(separator: "+"))
}

func row(_ label: String, _ path: String, passes: Int) throws {
  let disk = try readThroughDMG(path, passes: passes)
  let chunks = try compressedChunks(path, passes: passes)
  let mib = Double(1 << 20)
  func f(_ x: Double) -> String { x.isNaN || x.isInfinite ? "-" : String(format: "%.1f", x) }
  let hasChunks = chunks.bytes > 0
  print(
    "| \(label) | \(hasChunks ? chunks.codecs : "-") | \(f(Double(disk.bytes) / mib / disk.seconds)) | "
      + "\(f(Double(chunks.bytes) / mib)) | \(hasChunks ? f(Double(chunks.bytes) / mib / chunks.viaDMG) : "-") | "
      + "\(hasChunks ? f(Double(chunks.bytes) / mib / chunks.direct) : "-") | "
      + "\(hasChunks ? f(chunks.viaDMG / chunks.direct) : "-") |")
}

print("ringo-dmg-bench: best of \(options.repetitions); MiB/s of expanded bytes; chunk cache \(options.cacheMiB) MiB")
print(
  "| image | codec | whole disk via DMG, MiB/s (open included) | compressed chunk MiB | chunks via DMG MiB/s | "
    + "codec alone MiB/s | DMG time / codec time |")
print("|---|---|---|---|---|---|---|")
for (storage, name) in [(UDIFWriter.Storage.zlib, "zlib"), (.bzip2, "bzip2"), (.xz, "xz"), (.raw, "raw")] {
  let path = try generatedImage(storage, name: name)
  try row("generated \(options.sizeMiB) MiB, \(name) chunks", path, passes: 1)
}
let fixtureNames = [
  "keramics_hfsplus_adc.dmg", "keramics_hfsplus_lzfse.dmg", "keramics_hfsplus_zlib.dmg", "keramics_hfsplus_bzip2.dmg",
  "keramics_hfsplus_lzma.dmg", "hdimac_test-disk-image-apfs.dmg",
]
for name in fixtureNames {
  let path = options.fixtures + "/" + name
  guard FileManager.default.fileExists(atPath: path) else { print("missing fixture \(path)"); exit(1) }
  try row("fixture \(name) ×16", path, passes: 16)
}
