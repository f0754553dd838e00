import APFSForge
import Foundation
import TestSupport
import Testing

/// A fresh directory under the system temp dir, removed by `cleanup()`.
struct TempDir {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-forge-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
  func cleanup() { try? FileManager.default.removeItem(at: url) }
}

struct ToolRun {
  var status: Int32
  var output: String
}

enum PeerTool {
  /// Runs a listed peer tool (Tools/external-programs.tsv). A missing tool is a test failure naming the tool and its
  /// package (CI installs it), never a skip.
  static func run(_ name: String, _ arguments: [String]) throws -> ToolRun {
    let result = try ExternalPrograms.run(name, arguments)
    return ToolRun(status: result.status, output: result.combined)
  }

}

/// Facts TSK `pstat` prints about a container.
struct PstatReport {
  struct Volume {
    var block: UInt64
    var name: String
    var role: String
    var encrypted: Bool
  }
  var blockCount: UInt64 = 0
  var freeBlocks: UInt64 = 0
  var volumes: [Volume] = []

  init(_ text: String) {
    var block: UInt64 = 0
    for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: "| ")) }) {
      if line.hasPrefix("Number of Blocks:") { blockCount = UInt64(line.split(separator: " ").last ?? "") ?? 0 }
      if line.hasPrefix("Number of Free Blocks:") { freeBlocks = UInt64(line.split(separator: " ").last ?? "") ?? 0 }
      if line.hasPrefix("APSB Block Number:") { block = UInt64(line.split(separator: " ").last ?? "") ?? 0 }
      if line.hasPrefix("Name (Role):") {
        let rest = line.dropFirst("Name (Role): ".count)
        if let open = rest.lastIndex(of: "(") {
          let name = String(rest[..<open]).trimmingCharacters(in: .whitespaces)
          let role = String(rest[rest.index(after: open)...].dropLast())
          volumes.append(Volume(block: block, name: name, role: role, encrypted: false))
        }
      }
      if line.hasPrefix("Encrypted:"), !volumes.isEmpty {
        volumes[volumes.count - 1].encrypted = line.contains("Yes")
      }
    }
  }
}

/// What TSK 4.11 prints for a role (it names only the roles it knows).
func tskRoleName(_ role: UInt16) -> String {
  switch role {
  case VolumeRole.none: "No specific role"
  case VolumeRole.system: "System"
  case VolumeRole.user: "User"
  case VolumeRole.recovery: "Recovery"
  case VolumeRole.vm: "VM"
  case VolumeRole.preboot: "Preboot"
  case VolumeRole.installer: "Installer"
  default: "Unknown"
  }
}

/// The paths `fls -r -p` lists for one volume, as a set ("d/d" entries get a trailing "/").
func flsPaths(image: String, volumeBlock: UInt64) throws -> Set<String> {
  let run = try PeerTool.run("fls", ["-f", "apfs", "-P", "apfs", "-B", String(volumeBlock), "-r", "-p", image])
  #expect(run.status == 0, "fls failed: \(run.output)")
  var paths = Set<String>()
  for line in run.output.split(separator: "\n") {
    guard let tab = line.firstIndex(of: "\t") else { continue }
    let path = String(line[line.index(after: tab)...])
    paths.insert(line.hasPrefix("d/d") ? path + "/" : path)
  }
  return paths
}
