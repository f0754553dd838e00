import APFSForge
import Crypto
import Foundation
import ImageAccess
import TestSupport
import Testing

@testable import APFSFormat

/// FileVault (ONEKEY) unlock on the real macOS-made images of dissect.apfs 1.1 (`encrypted.bin`, and the
/// HFS+-converted `jhfs_encrypted.bin`, both with password `password`): keybags, KEKs, hint, unlock, and the same
/// files, sizes and contents as dissect.apfs lists after its own unlock (run live as the oracle).
@Suite struct UnlockTests {
  static let password = "password"

  static func open(_ name: String) throws -> (APFSContainer, APFSSuperblock) {
    let container = try APFSContainer.open(try MappedImage(path: try RealImages.dissect(name)))
    let volume = try #require(container.volumes.first?.superblock)
    return (container, volume)
  }

  @Test func containerKeybagDecryptsWithTheContainerUUID() throws {
    let (container, volume) = try Self.open("encrypted.bin")
    let bag = try Keybag.read(
      container: container, block: container.superblock.keylockerBlock,
      blockCount: container.superblock.keylockerBlockCount, uuid: container.superblock.uuid, kind: .container)
    #expect(!bag.wasPlaintext)
    #expect(bag.offset == 97 * 4096)  // apfs-notes §5.1: keylocker paddr 97
    #expect(bag.entries(for: volume.uuid, tag: .volumeKey).count == 1)
    #expect(bag.entries(for: volume.uuid, tag: .volumeUnlockRecords).count == 1)
  }

  @Test func volumeKeyringHasHintAndPasswordKEK() throws {
    let (container, volume) = try Self.open("encrypted.bin")
    let ring = VolumeKeyring.read(container: container, volume: volume)
    #expect(ring.problem == nil, "\(ring.problem?.message ?? "")")
    #expect(ring.hint == "It's 'password'")  // apfs-notes §3.8
    #expect(ring.passwordRecordCount >= 1)
    #expect(ring.records.allSatisfy { $0.blob?.hmacIsValid == true })
    #expect(ring.vek?.hmacIsValid == true)
    #expect(ring.kekEntries["hfs-converted"] == nil)
  }

  @Test func convertedVolumeKEKsAreNamed() throws {
    let (container, volume) = try Self.open("jhfs_encrypted.bin")
    let ring = VolumeKeyring.read(container: container, volume: volume)
    #expect(ring.problem == nil, "\(ring.problem?.message ?? "")")
    #expect((ring.kekEntries["hfs-converted"] ?? 0) >= 1)
    #expect(ring.vek?.isConverted == true)
  }

  @Test(arguments: ["encrypted.bin", "jhfs_encrypted.bin"])
  func wrongPasswordIsItsOwnOutcome(image: String) throws {
    let (container, volume) = try Self.open(image)
    let ring = VolumeKeyring.read(container: container, volume: volume)
    guard case .wrongCredentials = ring.unlock(with: Credential(password: "Password")) else {
      Issue.record("a wrong password must give .wrongCredentials")
      return
    }
    guard case .wrongCredentials = ring.unlock(with: Credential(recoveryKey: "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")) else {
      Issue.record("a wrong recovery key must give .wrongCredentials")
      return
    }
  }

  /// Every path with its size and SHA-256 (regular files), read through Ringo's unlocked view.
  static func ringoListing(_ tree: FileSystemTree) throws -> [String: Entry] {
    var out: [String: Entry] = [:]
    var stack: [(UInt64, String)] = [(FileSystemTree.rootDirectoryID, "")]
    let contents = FileContents(tree: tree)
    while let (directory, prefix) = stack.popLast() {
      for child in try tree.children(of: directory) {
        let path = prefix + child.name
        switch child.kind {
        case .directory:
          out[path + "/"] = Entry(size: 0, sha256: nil)
          stack.append((child.fileID, path + "/"))
        case .regular:
          let inode = try #require(try tree.inode(child.fileID))
          var hasher = SHA256()
          var size = 0
          try contents.stream(inode) { piece in
            hasher.update(data: piece)
            size += piece.count
          }
          out[path] = Entry(size: size, sha256: hasher.finalize().map { String(format: "%02x", $0) }.joined())
        default:
          out[path] = Entry(size: nil, sha256: nil)
        }
      }
    }
    return out
  }

  struct Entry: Decodable, Equatable, CustomStringConvertible {
    var size: Int?
    var sha256: String?
    var description: String { "\(size.map(String.init) ?? "-") \(sha256 ?? "-")" }
  }

  struct Oracle: Decodable {
    var files: [String: Entry]?
    var error: String?
  }

  static func dissect(_ image: String, password: String) throws -> Oracle {
    let script = RealImages.packageRoot.appendingPathComponent("Tests/APFSFormatTests/Oracle/dissect_unlocked_listing.py")
    let python = ProcessInfo.processInfo.environment["RINGO_PYTHON"] ?? "python3"
    let (status, output) = try RealImages.run(python, [script.path, image, password])
    try #require(status == 0, "dissect.apfs oracle failed (pip install dissect.apfs==1.1): \(output)")
    let json = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") })
    return try JSONDecoder().decode(Oracle.self, from: Data(json.utf8))
  }

  @Test(arguments: ["encrypted.bin", "jhfs_encrypted.bin"])
  func unlockedListingMatchesDissect(image: String) throws {
    let path = try RealImages.dissect(image)
    let (container, volume) = try Self.open(image)
    let ring = VolumeKeyring.read(container: container, volume: volume)
    let locked = try FileSystemTree(container: container, volume: volume)
    guard case let .unlocked(key, method, user) = ring.unlock(with: Credential(password: Self.password)) else {
      Issue.record("the right password did not unlock \(image)")
      return
    }
    #expect(method == .password)
    #expect(ring.records.contains { $0.uuid == user })
    let ours = try Self.ringoListing(locked.unlocked(with: key))
    let theirs = try #require(try Self.dissect(path, password: Self.password).files)
    #expect(ours.count == theirs.count)
    #expect(ours.count >= 19)
    for (name, entry) in theirs.sorted(by: { $0.key < $1.key }) {
      #expect(ours[name] == entry, "\(image): \(name): ringo \(ours[name]?.description ?? "missing"), dissect \(entry)")
    }
    // Without the key the tree cannot be walked.
    #expect(throws: (any Error).self) { _ = try locked.children(of: FileSystemTree.rootDirectoryID) }
  }

  /// The forge's software-encrypted images (metadata and data really encrypted): Ringo's unlocked listing equals
  /// dissect.apfs's, not only the forge's own manifest.
  @Test(arguments: [UInt64(3), 44])
  func forgedOnekeyImageMatchesDissect(seed: UInt64) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-unlock-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let image = folder.appendingPathComponent("onekey.img").path
    var spec = Preset.onekey.spec(seed: seed, size: nil, free: nil, files: nil)
    spec.password = "forge pass \(seed)"
    let manifest = try APFSForger.forge(spec, to: image)
    let container = try APFSContainer.open(try MappedImage(path: image))
    let volume = try #require(container.volumes.first?.superblock)
    let ring = VolumeKeyring.read(container: container, volume: volume)
    #expect(ring.hint == "ringo-forge test password")
    guard case let .unlocked(key, _, _) = ring.unlock(with: Credential(password: "forge pass \(seed)")) else {
      Issue.record("the forge's password did not unlock its image")
      return
    }
    let ours = try Self.ringoListing(try FileSystemTree(container: container, volume: volume).unlocked(with: key))
    let theirs = try #require(try Self.dissect(image, password: "forge pass \(seed)").files)
    #expect(ours == theirs)
    #expect(Set(ours.keys.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 })
            == Set((manifest.volumes[0].paths ?? []).map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }))
    // The plain twin (same spec and seed, not encrypted) reads to the same paths, sizes and SHA-256s.
    let plainImage = folder.appendingPathComponent("onekey-plain.img").path
    _ = try APFSForger.forge(spec.plainTwin, to: plainImage)
    let plain = try APFSContainer.open(try MappedImage(path: plainImage))
    let plainVolume = try #require(plain.volumes.first?.superblock)
    #expect(plainVolume.encryption != .onekey)
    #expect(try Self.ringoListing(try FileSystemTree(container: plain, volume: plainVolume)) == ours)
    guard case .wrongCredentials = ring.unlock(with: Credential(password: "forge pass")) else {
      Issue.record("a wrong password must give .wrongCredentials on the forged image")
      return
    }
  }

  @Test func oracleAgreesAWrongPasswordFails() throws {
    let oracle = try Self.dissect(try RealImages.dissect("encrypted.bin"), password: "wrong")
    #expect(oracle.error != nil)
  }

  /// A copy of image `name` with the blocks of `block` replaced by `fill`.
  static func altered(_ name: String, block: UInt64, _ fill: (inout [UInt8]) -> Void) throws -> APFSContainer {
    let image = try MappedImage(path: try RealImages.dissect(name))
    var bytes = try image.read(0..<image.byteCount)
    var blockBytes = Array(bytes[Int(block) * 4096..<(Int(block) + 1) * 4096])
    fill(&blockBytes)
    bytes.replaceSubrange(Int(block) * 4096..<(Int(block) + 1) * 4096, with: blockBytes)
    return try APFSContainer.open(MemorySource(bytes))
  }

  @Test func damagedContainerKeybagIsALocatedError() throws {
    // One flipped byte in the second 512-byte unit: the header still decrypts, the checksum fails.
    let container = try Self.altered("encrypted.bin", block: 97) { $0[600] ^= 0x5A }
    let volume = try #require(container.volumes.first?.superblock)
    let ring = VolumeKeyring.read(container: container, volume: volume)
    let problem = try #require(ring.problem)
    #expect(problem.kind == .damaged)
    #expect(problem.offset == 97 * 4096)
    guard case .unsupported = ring.unlock(with: Credential(password: Self.password)) else {
      Issue.record("a damaged keybag must not unlock nor claim a wrong password")
      return
    }
  }

  /// Forged: the container keybag's bytes replaced by random bytes, which is what a keybag encrypted under a key
  /// held by a T2 / Apple-silicon security chip looks like to a reader without that key (apfs-fuse #105, #221).
  @Test func keybagThatDoesNotDecryptIsHardwareBound() throws {
    var random = TestSupport.SeededRandom(seed: 19)
    let container = try Self.altered("encrypted.bin", block: 97) { bytes in
      for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: random.next()) }
    }
    let volume = try #require(container.volumes.first?.superblock)
    let ring = VolumeKeyring.read(container: container, volume: volume)
    let problem = try #require(ring.problem)
    #expect(problem.kind == .hardwareBound)
    #expect(problem.offset == 97 * 4096)
    #expect(problem.message.contains("nx_uuid"))
    guard case .hardwareBound = ring.unlock(with: Credential(password: Self.password)) else {
      Issue.record("a hardware-bound keybag must never be reported as a wrong password")
      return
    }
  }

  @Test func hostileEntryLengthIsLocated() throws {
    // A plaintext keybag (as dissect also accepts) whose entry claims more bytes than the keybag holds.
    var block = [UInt8](repeating: 0, count: 4096)
    func put16(_ v: UInt16, _ at: Int) { block[at] = UInt8(v & 0xFF); block[at + 1] = UInt8(v >> 8) }
    func put32(_ v: UInt32, _ at: Int) { for i in 0..<4 { block[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
    put32(0x6B65_7973, 24)
    put16(2, 0x20)
    put16(1, 0x22)
    put32(64, 0x24)
    put16(2, 0x30 + 16)
    put16(4000, 0x30 + 18)
    let checksum = Fletcher64.checksum(Array(block))
    for i in 0..<8 { block[i] = UInt8(truncatingIfNeeded: checksum >> (8 * i)) }
    #expect(throws: ParseError.self) {
      _ = try Keybag(parsing: ByteReader(block, base: 8192, structure: "container keybag"), kind: .container)
    }
    do {
      _ = try Keybag(parsing: ByteReader(block, base: 8192, structure: "container keybag"), kind: .container)
    } catch {
      #expect(error.offset == 8192 + 0x30 + 18)
    }
  }

  @Test func credentialsNeverPrintTheirSecret() {
    let credential = Credential(password: "hunter2-secret")
    #expect(!"\(credential)".contains("hunter2"))
    #expect(!String(reflecting: credential).contains("hunter2"))
    #expect(!"\(VolumeKey(vek: [UInt8](repeating: 0x41, count: 32)))".contains("41"))
  }
}
