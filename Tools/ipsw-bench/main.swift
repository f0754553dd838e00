// Inventory benchmark: time to list a large IPSW-shaped archive with Ringo vs `unzip -l` and `7z l`, same file, same
// run. The archive is sparse (the DMG entries are holes), so it costs little disk; it is written under /tmp once and
// reused.
//
// Usage (build ringo too, so the CLI row is measured): ringo-ipsw-bench [--gib 8] [--entries 3000] [--runs 5] [--path /tmp/ringo-ipsw-bench.ipsw] [--make-only]
import Foundation
import IPSWFormat
import IPSWTestSupport
import ImageAccess
import TestSupport

var gib = 8
var entries = 3000
var runs = 5
var path = "/tmp/ringo-ipsw-bench.ipsw"
var makeOnly = false
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
  switch a {
  case "--gib": gib = Int(args.next() ?? "") ?? gib
  case "--entries": entries = Int(args.next() ?? "") ?? entries
  case "--runs": runs = Int(args.next() ?? "") ?? runs
  case "--path": path = args.next() ?? path
  case "--make-only": makeOnly = true
  default:
    print("unknown argument \(a)")
    exit(2)
  }
}

if !FileManager.default.fileExists(atPath: path) {
  var b = IPSWBuilder()
  let kernel = DERBuilder.im4p(
    type: "krnl", description: "KernelCacheBuilder-bench", payload: [0xCF, 0xFA, 0xED, 0xFE] + [UInt8](repeating: 0, count: 4096))
  b.components = [
    ("KernelCache", .init(path: "kernelcache.release.iphone13", bytes: kernel)),
    ("DeviceTree", .init(path: "Firmware/all_flash/DeviceTree.d53gap.im4p", bytes: DERBuilder.im4p(type: "dtre", description: "DeviceTree", payload: [UInt8](repeating: 7, count: 30000)))),
  ]
  b.fillerCount = max(0, entries - 6)
  let total = UInt64(gib) << 30
  b.rootFilesystem = ("096-12345-001.dmg", total)
  try b.write(to: path)
  print("wrote \(path)")
}
if makeOnly { exit(0) }

func seconds(_ body: () throws -> Void) rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func run(_ tool: String, _ arguments: [String]) throws -> Double {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: tool)
  p.arguments = arguments
  p.standardOutput = FileHandle.nullDevice
  p.standardError = FileHandle.nullDevice
  return try seconds {
    try p.run()
    p.waitUntilExit()
  }
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
var ours: [Double] = []
var oursManifests: [Double] = []
var unzip: [Double] = []
var sevenZip: [Double] = []
var cli: [Double] = []
var cliJSON: [Double] = []
// The ringo CLI built next to this tool, run as a process like unzip and 7z (process start-up included).
let ringoPath = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ringo").path
let haveCLI = FileManager.default.isExecutableFile(atPath: ringoPath)
var count = 0
for _ in 0..<runs {
  ours.append(try seconds { count = try ZIPArchive(path: path).entries.count })
  oursManifests.append(try seconds { _ = try IPSW(path: path) })
  unzip.append(try run(try ExternalPrograms.path("unzip"), ["-l", path]))
  sevenZip.append(try run(try ExternalPrograms.path("7zz"), ["l", path]))
  if haveCLI {
    cli.append(try run(ringoPath, ["ipsw", path, "--skip-digests", "--skip-kernel"]))
    cliJSON.append(try run(ringoPath, ["ipsw", path, "--skip-digests", "--skip-kernel", "--format", "json"]))
  }
}
print("archive: \(path), \(size) bytes (sparse), \(count) entries, \(runs) runs, median seconds")
print(String(format: "ringo ZIPArchive (central directory)   %.4f", median(ours)))
print(String(format: "ringo IPSW (+ both manifests parsed)   %.4f", median(oursManifests)))
if haveCLI {
  print(String(format: "ringo ipsw --skip-digests --skip-kernel  %.4f  (process; also walks every IM4P header)", median(cli)))
  print(String(format: "  same, --format json (sorted keys)      %.4f", median(cliJSON)))
}
print(String(format: "unzip -l                               %.4f", median(unzip)))
print(String(format: "7z l                                   %.4f", median(sevenZip)))
