import APFSForge
import APFSFormat
import Foundation
import TestSupport
import Testing

@testable import Triage

/// An unlocked FileVault (ONEKEY) volume against its plain twin: the forge writes the same spec and seed once really
/// encrypted (AES-XTS-128, keybags unwrapping with the password) and once without encryption (`ForgeSpec.plainTwin`).
/// Ringo must report the same files and bytes for both, and read the same bytes from every file: what the unlock
/// benchmark (Tools/unlock-bench) times is the same work on both sides.
@Suite struct PlainTwinTests {
  static func forge(_ spec: ForgeSpec, name: String) throws -> String {
    let path = try Scratch.file([], name: name)
    try FileManager.default.removeItem(atPath: path)
    _ = try APFSForger.forge(spec, to: path)
    return path
  }

  /// Every path under the root with the bytes of its regular files (nil for other kinds).
  static func listing(_ tree: FileSystemTree) throws -> [String: [UInt8]?] {
    var out: [String: [UInt8]?] = [:]
    var stack: [(UInt64, String)] = [(FileSystemTree.rootDirectoryID, "")]
    let contents = FileContents(tree: tree)
    while let (directory, prefix) = stack.popLast() {
      for child in try tree.children(of: directory) {
        let path = prefix + child.name
        switch child.kind {
        case .directory:
          out[path + "/"] = .some(nil)
          stack.append((child.fileID, path + "/"))
        case .regular:
          let inode = try #require(try tree.inode(child.fileID))
          var bytes: [UInt8] = []
          try contents.stream(inode) { bytes += $0 }
          out[path] = bytes
        default:
          out[path] = .some(nil)
        }
      }
    }
    return out
  }

  @Test func unlockedImageAndItsPlainTwinGiveTheSameFilesAndBytes() throws {
    let spec = Preset.onekey.spec(seed: 19, size: nil, free: nil, files: 40)
    #expect(spec.password != nil)
    let twinSpec = spec.plainTwin
    #expect(twinSpec.password == nil && !twinSpec.softwareCrypto)
    #expect(twinSpec.volumes.allSatisfy { $0.encryption == .none })
    let encrypted = try Self.forge(spec, name: "onekey.img")
    let plain = try Self.forge(twinSpec, name: "onekey-plain.img")
    // The images differ (the twin is not the encrypted one): the volume's first metadata block is ciphertext in one.
    #expect(try Data(contentsOf: URL(fileURLWithPath: encrypted)) != Data(contentsOf: URL(fileURLWithPath: plain)))

    var options = TriageOptions()
    options.hash = false
    let twinReport = try Triage.run(path: plain, options: options, toolVersion: "test")
    options.credential = Credential(password: try #require(spec.password))
    let unlockedReport = try Triage.run(path: encrypted, options: options, toolVersion: "test")
    let unlocked = try #require(unlockedReport.container?.volumes.first)
    let twin = try #require(twinReport.container?.volumes.first)
    #expect(unlocked.unlock?.state == "unlocked")
    #expect(unlocked.encryption == "onekey" && twin.encryption == "none")
    #expect(unlocked.countsSource == "tree" && twin.countsSource == "tree")
    #expect(unlocked.files == twin.files && unlocked.directories == twin.directories)
    #expect(unlocked.symlinks == twin.symlinks)
    let unlockedBytes = try #require(unlocked.fileBytes)
    let twinBytes = try #require(twin.fileBytes)
    #expect(unlockedBytes.plaintext + unlockedBytes.encrypted == twinBytes.plaintext + twinBytes.encrypted)
    #expect(unlockedBytes.encrypted > 0 && twinBytes.encrypted == 0)

    let unlockedSession = try VolumeSession.open(path: encrypted, volumeName: nil, credential: options.credential)
    let twinSession = try VolumeSession.open(path: plain, volumeName: nil)
    let unlockedFiles = try Self.listing(unlockedSession.tree)
    let twinFiles = try Self.listing(twinSession.tree)
    #expect(unlockedFiles.count > 40)
    #expect(unlockedFiles.keys.sorted() == twinFiles.keys.sorted())
    let differing = unlockedFiles.keys.filter { unlockedFiles[$0]! != twinFiles[$0]! }
    #expect(differing.isEmpty, "files whose bytes differ: \(differing.sorted().prefix(5))")
    #expect(unlockedFiles.values.contains { ($0?.count ?? 0) > 4096 }, "some file spans several blocks")
  }
}
