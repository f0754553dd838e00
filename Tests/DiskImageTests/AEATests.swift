import Crypto
import Foundation
import ImageAccess
import TestSupport
import Testing

@testable import DiskImage

/// AEA decoding: the real Apple-made profile-0 fixture (decoded size and SHA-256 from ../shared/fixtures/README.md),
/// and profile-1 files written by python-aea (PyPI; an independent implementation; Apple never made these files):
/// several clusters, a short last segment, compressed and raw segments, both checksum kinds and none, auth data,
/// trailing padding, an empty payload, and a real APFS DMG; a wrong key and tampered bytes are located errors.
@Suite struct AEATests {
  static func sha256(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

  static func decode(_ source: any ByteSource, key: [UInt8]?) throws -> [UInt8] {
    let archive = try AEAArchive.open(source, symmetricKey: key)
    var out: [UInt8] = []
    try archive.decode { out += $0 }
    return out
  }

  @Test func appleProfileZeroFixtureDecodes() throws {
    let image = try MappedImage(path: try RealImages.fixture("aea/contactVerificationTest.shortcut"))
    let archive = try AEAArchive.open(image, symmetricKey: nil)
    #expect(archive.profile == 0)
    #expect(archive.compression == "e")
    #expect(archive.checksumKind == 2)
    let plain = try Self.decode(image, key: nil)
    #expect(plain.count == 145_341)
    #expect(Self.sha256(plain) == "d1b1989c7d3f8a1fccf78dca5ff7582524cecc0d5df09750ea00bc64563f273b")
    #expect(plain.starts(with: Array("AA01".utf8)))
  }

  /// AEASource keeps decoded segments in the ChunkCache it is given, within its bound, and reads the same bytes back.
  @Test func sourceKeepsSegmentsInTheGivenChunkCache() throws {
    let image = try MappedImage(path: try RealImages.fixture("aea/contactVerificationTest.shortcut"))
    let cache = ChunkCache(capacityBytes: 1 << 20)
    let source = AEASource(try AEAArchive.open(image, symmetricKey: nil), cache: cache)
    #expect(cache.heldBytes == 0)
    let first = try source.read(0..<source.byteCount)
    #expect(Self.sha256(first) == "d1b1989c7d3f8a1fccf78dca5ff7582524cecc0d5df09750ea00bc64563f273b")
    #expect(cache.heldBytes > 0 && cache.heldBytes <= cache.capacityBytes)
    #expect(try source.read(100..<4196) == Array(first[100..<4196]))
  }

  @Test func tamperedProfileZeroSegmentIsLocated() throws {
    let path = try RealImages.fixture("aea/contactVerificationTest.shortcut")
    var bytes = try MappedImage(path: path).read(0..<(try MappedImage(path: path).byteCount))
    bytes[bytes.count - 100] ^= 1
    let archive = try AEAArchive.open(MemorySource(bytes), symmetricKey: nil)
    do {
      try archive.decode { _ in }
      Issue.record("a tampered segment must fail its MAC")
    } catch let failure as AEAArchive.Failure {
      #expect(failure.kind == .wrongKeyOrTampered)
      #expect(failure.structure.contains("segment 0"))
      #expect(failure.offset != nil)
    }
  }

  /// Files written by python-aea into a temporary folder (with the shared APFS DMG as one payload).
  static func made() throws -> (folder: String, key: [UInt8]) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-aea-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let script = RealImages.packageRoot.appendingPathComponent("Tests/DiskImageTests/Oracle/make_aea.py").path
    let dmg = try RealImages.fixture("dmg/hdimac_test-disk-image-apfs.dmg")
    let python = ProcessInfo.processInfo.environment["RINGO_PYTHON"] ?? "python3"
    let (status, output) = try RealImages.run(python, [script, folder, dmg])
    try #require(status == 0 && output.contains("ok"), "python-aea failed (pip install python-aea): \(output)")
    let keyText = try String(contentsOfFile: folder + "/key", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    return (folder, [UInt8](try #require(Data(base64Encoded: keyText))))
  }

  @Test func pythonAEAFilesDecodeToTheirPlaintext() throws {
    let (folder, key) = try Self.made()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for name in ["clusters-lzfse-sha256", "zlib-murmur", "lzma-none", "raw-authdata", "empty", "apfs-dmg"] {
      let archiveBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/\(name).aea")))
      let plain = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/\(name).plain")))
      #expect(try Self.decode(MemorySource(archiveBytes), key: key) == plain, "\(name)")
      // Trailing padding after the last cluster is not payload.
      let padded = try AEAArchive.open(MemorySource(archiveBytes + [UInt8](repeating: 0, count: 4096)), symmetricKey: key)
      #expect(padded.trailingBytes == 4096)
      if name == "clusters-lzfse-sha256" {
        #expect(padded.clusterCount >= 2)
        // Random access: a range across a segment boundary.
        let source = AEASource(padded)
        #expect(try source.read(16_000..<50_000) == Array(plain[16_000..<50_000]))
      }
    }
  }

  @Test func wrongKeyAndTamperingAreLocatedErrors() throws {
    let (folder, key) = try Self.made()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/clusters-lzfse-sha256.aea")))
    var wrong = key
    wrong[0] ^= 1
    #expect(throws: AEAArchive.Failure.self) { _ = try AEAArchive.open(MemorySource(bytes), symmetricKey: wrong) }
    do {
      _ = try AEAArchive.open(MemorySource(bytes), symmetricKey: wrong)
    } catch {
      #expect(error.kind == .wrongKeyOrTampered)
      #expect(error.structure == "AEA root header")
    }
    do {
      _ = try AEAArchive.open(MemorySource(bytes), symmetricKey: nil)
      Issue.record("profile 1 without a key must fail")
    } catch {
      #expect(error.kind == .keyMissing)
    }
    // Root header (first byte of its ciphertext at 12 + 32 + 32 + 32 for no auth data), first cluster header, a
    // segment in the second cluster.
    let archive = try AEAArchive.open(MemorySource(bytes), symmetricKey: key)
    let rootHeader = 12 + 32 + 32 + 32
    let clusterHeader = rootHeader + 48 + 32
    let lateSegment = archive.segments.first { $0.cluster == 1 }!.archiveOffset + 5
    for (offset, structure) in [(rootHeader, "AEA root header"), (clusterHeader, "AEA cluster 0 header"),
                                (lateSegment, "AEA cluster 1 segment")] {
      var tampered = bytes
      tampered[offset] ^= 0x40
      do {
        let opened = try AEAArchive.open(MemorySource(tampered), symmetricKey: key)
        try opened.decode { _ in }
        Issue.record("tampering at \(offset) was not detected")
      } catch let failure as AEAArchive.Failure {
        #expect(failure.kind == .wrongKeyOrTampered, "\(failure)")
        #expect(failure.structure.hasPrefix(structure), "\(failure)")
      }
    }
  }

  @Test func otherProfilesAreNamed() throws {
    var bytes = Array("AEA1".utf8) + [3, 0, 0, 0] + [0, 0, 0, 0]
    bytes += [UInt8](repeating: 0, count: 400)
    do {
      _ = try AEAArchive.open(MemorySource(bytes), symmetricKey: nil)
      Issue.record("profile 3 must be refused")
    } catch {
      #expect(error.kind == .unsupportedProfile)
      #expect(error.message.contains("ECDHE"))
    }
  }
}
