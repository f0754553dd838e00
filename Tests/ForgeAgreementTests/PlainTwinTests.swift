import APFSForge
import APFSFormat
import Foundation
import TestSupport
import Testing

@testable import Triage

/// An unlocked FileVault (ONEKEY) volume against its plain twin: the forge writes the same spec and seed once really
/// encrypted (AES-XTS-128, keybags unwrapping with the password) and once without encryption (`ForgeSpec.plainTwin`).
/// Ringo must report the same files and bytes for both: what the unlock benchmark (Tools/unlock-bench) times is the
/// same work on both sides. (UnlockTests.forgedOnekeyImageMatchesDissect reads every file of both and compares
/// their bytes.)
@Suite struct PlainTwinTests {
  static func forge(_ spec: ForgeSpec, name: String) throws -> String {
    let path = try Scratch.file([], name: name)
    try FileManager.default.removeItem(atPath: path)
    _ = try APFSForger.forge(spec, to: path)
    return path
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
  }
}
