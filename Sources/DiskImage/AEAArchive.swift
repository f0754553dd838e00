import Codecs
import Crypto
import ImageAccess
import _CryptoExtras

/// An Apple Encrypted Archive (`AEA1`) opened with its key: profile 0 (signed, not encrypted: MACs only) and profile 1
/// (symmetric key: AES-256-CTR + HMAC-SHA256). Other profiles are named and refused.
///
/// Layout (python-aea 1.1 `aea.py`, Apple's libAppleArchive AEA profiles; all little-endian): 12-byte header (`AEA1`,
/// profile u24, scrypt strength u8, auth-data size u32), auth data, signature (128 bytes in profile 0), the profile-0
/// "public key" field (32 bytes: the symmetric key in clear), main salt (32), root-header MAC (32), encrypted root
/// header (48: original size u64, archive size u64, segment size u32, segments per cluster u32, compression char,
/// checksum u8), first cluster MAC (32); then clusters: encrypted segment headers (original u32, stored u32,
/// checksum), the next cluster's MAC, one MAC per segment, segment data.
///
/// Keys: main key = HKDF-SHA256(ikm = symmetric key, salt = main salt, info = `AEA_AMK` ‖ profile u24 ‖ scrypt u8
/// [‖ signing public key, X9.62 uncompressed, for signed profiles]); root header key = HKDF(main, `AEA_RHEK`);
/// cluster key = HKDF(main, `AEA_CK` ‖ index u32, 32 bytes); cluster header key = HKDF(cluster, `AEA_CHEK`); segment
/// key = HKDF(cluster, `AEA_SK` ‖ index u32). A key of 80 bytes is MAC key ‖ AES key ‖ CTR IV; MAC = HMAC-SHA256(mac
/// key, salt ‖ data ‖ salt length u64). Every MAC is checked before its bytes are decrypted or used.
///
/// The index of segments is built once (every cluster header verified); segments are then decoded on demand, so
/// ``AEASource`` gives random access without writing plaintext anywhere.
public struct AEAArchive: Sendable {
  public struct Failure: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case unsupportedProfile, keyMissing, wrongKeyOrTampered, damaged, unsupported }
    public var kind: Kind
    public var structure: String
    public var offset: Int?
    public var message: String
    public var description: String {
      "\(structure)" + (offset.map { " at offset \($0)" } ?? "") + ": \(message)"
    }
  }

  struct Segment: Sendable {
    var archiveOffset: Int
    var storedSize: Int
    var originalSize: Int
    var plainOffset: Int
    var cluster: UInt32
    var index: UInt32
    var mac: [UInt8]
    var checksum: [UInt8]
  }

  public let profile: UInt32
  public let originalSize: Int
  public let segmentSize: Int
  public let segmentsPerCluster: Int
  /// Root-header compression character (`-`, `e`, `f`, `z`, `x`, `4`, `b`).
  public let compression: Character
  /// 0 none, 1 Murmur64A, 2 SHA-256.
  public let checksumKind: UInt8
  /// Bytes after the last cluster (padding), not part of the payload.
  public let trailingBytes: Int
  public var segmentCount: Int { segments.count }
  public var clusterCount: Int { Int(segments.last.map { $0.cluster + 1 } ?? 0) }

  let source: any ByteSource
  /// Signed profiles: the 128-byte signature field, and the end of the signed bytes (through the first cluster MAC).
  let signatureField: Range<Int>?
  let signedEnd: Int
  /// Signed profiles: the signer's P-256 key (X9.62) from the auth data that the root header's MAC accepted.
  public let authDataSigner: [UInt8]?
  let mainKey: [UInt8]
  let keySize: Int
  let segments: [Segment]

  static let maxSegmentSize = 1 << 28
  static let maxSegmentsPerCluster = 1 << 16

  /// Profile names (Apple's `AEAProfile`).
  public static func profileName(_ profile: UInt32) -> String {
    switch profile {
    case 0: "0 (signed, not encrypted)"
    case 1: "1 (symmetric key: AES-CTR + HMAC-SHA256)"
    case 2: "2 (symmetric key, signed)"
    case 3: "3 (ECDHE-P256 to a recipient key)"
    case 4: "4 (ECDHE-P256, signed)"
    case 5: "5 (password, scrypt)"
    default: "\(profile) (unknown)"
    }
  }

  /// Opens the archive at the start of `source`. `symmetricKey` (32 bytes) is needed for profile 1.
  ///
  /// - Throws: ``Failure`` with the structure and offset: a missing or wrong key (the root header's MAC fails), a
  ///   tampered cluster header, an unsupported profile or compression.
  public static func open(_ source: any ByteSource, symmetricKey: [UInt8]?) throws(Failure) -> AEAArchive {
    func damaged(_ e: ParseError) -> Failure {
      Failure(kind: .damaged, structure: e.structure, offset: e.offset, message: e.description)
    }
    do {
      let head = try source.reader(at: 0, length: 12, structure: "AEA1 header")
      guard try head.u32(0) == 0x3141_4541 else {
        throw Failure(kind: .damaged, structure: "AEA1 header", offset: 0, message: "no AEA1 magic")
      }
      let word = try head.u32(4)
      let profile = word & 0x00FF_FFFF
      let scrypt = UInt8(word >> 24)
      let authSize = Int(try head.u32(8))
      guard authSize <= AEAHeader.maximumAuthDataLength else {
        throw Failure(kind: .damaged, structure: "AEA1 header", offset: 8, message: "auth data of \(authSize) bytes")
      }
      let signatureSize: Int
      let publicKeySize: Int
      switch profile {
      case 0: (signatureSize, publicKeySize) = (128, 32)
      case 1: (signatureSize, publicKeySize) = (0, 0)
      default:
        throw Failure(kind: .unsupportedProfile, structure: "AEA1 header", offset: 4,
                      message: "profile \(profileName(profile)) is recognised but not supported (profiles 0 and 1 are)")
      }
      let auth = try source.read(12..<(12 + authSize))
      var position = 12 + authSize + signatureSize
      let publicKey = try source.read(position..<(position + publicKeySize))
      position += publicKeySize
      let salt = try source.read(position..<(position + 32))
      let rootMAC = try source.read((position + 32)..<(position + 64))
      let rootOffset = position + 64
      let rootData = try source.read(rootOffset..<(rootOffset + 48))
      var clusterMAC = try source.read((rootOffset + 48)..<(rootOffset + 80))
      position = rootOffset + 80

      let info = Array("AEA_AMK".utf8) + [UInt8(profile & 0xFF), UInt8(profile >> 8 & 0xFF), UInt8(profile >> 16 & 0xFF), scrypt]
      let ikm: [UInt8]
      let keySize: Int
      var signers: [[UInt8]] = [[]]
      if profile == 0 {
        signers = signingPublicKeyCandidates(in: auth)
        guard !signers.isEmpty else {
          throw Failure(kind: .unsupported, structure: "AEA1 auth data", offset: 12,
                        message: "profile 0 needs the signer's P-256 public key in the auth data; none found")
        }
        ikm = publicKey
        keySize = 32
      } else {
        guard let symmetricKey else {
          throw Failure(kind: .keyMissing, structure: "AEA1 header", offset: 4,
                        message: "profile \(profileName(profile)) needs its 32-byte key (--aea-key or --aea-key-file)")
        }
        guard symmetricKey.count == 32 else {
          throw Failure(kind: .keyMissing, structure: "AEA key", offset: nil,
                        message: "the key must be 32 bytes (base64 of 32 bytes), got \(symmetricKey.count)")
        }
        ikm = symmetricKey
        keySize = 80
      }
      // The signing key enters the main key: of the candidates in the auth data, the one the root MAC accepts.
      var opened: (mainKey: [UInt8], root: [UInt8], signer: [UInt8])? = nil
      var firstFailure: Failure? = nil
      for signer in signers {
        let mainKey = derive(ikm, salt: salt, info: info + signer, count: 32)
        let rootKey = derive(mainKey, info: Array("AEA_RHEK".utf8), count: keySize)
        do {
          let root = try verifyAndDecrypt(
            rootKey, rootData, salt: clusterMAC + auth, mac: rootMAC, structure: "AEA root header", offset: rootOffset,
            wrongKeyHint: profile == 1)
          opened = (mainKey, root, signer)
          break
        } catch {
          firstFailure = firstFailure ?? error
        }
      }
      guard let (mainKey, root, signer) = opened else { throw firstFailure! }
      let r = ByteReader(root, base: rootOffset, structure: "AEA root header")
      let originalSize = try r.u64(0)
      let segmentSize = Int(try r.u32(16))
      let perCluster = Int(try r.u32(20))
      let compression = Character(UnicodeScalar(try r.u8(24)))
      let checksumKind = try r.u8(25)
      guard segmentSize > 0, segmentSize <= maxSegmentSize else {
        throw damaged(ParseError(.valueOutOfRange(field: "segment size", value: UInt64(segmentSize)), in: "AEA root header", at: rootOffset + 16))
      }
      guard perCluster > 0, perCluster <= maxSegmentsPerCluster else {
        throw damaged(ParseError(.valueOutOfRange(field: "segments per cluster", value: UInt64(perCluster)), in: "AEA root header", at: rootOffset + 20))
      }
      guard checksumKind <= 2 else {
        throw damaged(ParseError(.valueOutOfRange(field: "checksum algorithm", value: UInt64(checksumKind)), in: "AEA root header", at: rootOffset + 25))
      }
      guard "-efzx".contains(compression) else {
        throw Failure(kind: .unsupported, structure: "AEA root header", offset: rootOffset + 24,
                      message: "compression '\(compression)' (\(compressionName(compression))) is not supported")
      }
      // Each segment expands to at most segmentSize bytes and costs at least 32 bytes of MAC in the archive.
      guard originalSize <= UInt64(Int.max / 2),
        originalSize / UInt64(segmentSize) <= UInt64(source.byteCount / 32 + 1)
      else {
        throw damaged(ParseError(.valueOutOfRange(field: "original size", value: originalSize), in: "AEA root header", at: rootOffset))
      }
      let checksumSize = [0, 8, 32][Int(checksumKind)]
      let headerSize = 8 + checksumSize
      var segments: [Segment] = []
      var produced = 0
      var cluster: UInt32 = 0
      while produced < Int(originalSize) {
        let clusterOffset = position
        let clusterKey = derive(mainKey, info: Array("AEA_CK".utf8) + le32(cluster), count: 32)
        let headerKey = derive(clusterKey, info: Array("AEA_CHEK".utf8), count: keySize)
        let headers = try source.read(position..<(position + headerSize * perCluster))
        position += headerSize * perCluster
        let nextMAC = try source.read(position..<(position + 32))
        position += 32
        let macs = try source.read(position..<(position + 32 * perCluster))
        position += 32 * perCluster
        let plain = try verifyAndDecrypt(
          headerKey, headers, salt: nextMAC + macs, mac: clusterMAC, structure: "AEA cluster \(cluster) header",
          offset: clusterOffset, wrongKeyHint: false)
        let h = ByteReader(plain, base: clusterOffset, structure: "AEA cluster \(cluster) header")
        for index in 0..<perCluster where produced < Int(originalSize) {
          let original = Int(try h.u32(index * headerSize))
          let stored = Int(try h.u32(index * headerSize + 4))
          guard original <= segmentSize, stored <= max(original, segmentSize), original > 0 || stored == 0 else {
            throw damaged(ParseError(.valueOutOfRange(field: "segment \(index) size", value: UInt64(original)),
                                     in: "AEA cluster \(cluster) header", at: clusterOffset + index * headerSize))
          }
          guard original > 0 else { continue }
          try source.checkRange(position, stored, structure: "AEA cluster \(cluster) segment \(index)")
          segments.append(Segment(
            archiveOffset: position, storedSize: stored, originalSize: original, plainOffset: produced,
            cluster: cluster, index: UInt32(index), mac: Array(macs[(32 * index)..<(32 * index + 32)]),
            checksum: try h.bytes(index * headerSize + 8, checksumSize)))
          position += stored
          produced += original
        }
        guard produced <= Int(originalSize) else {
          throw damaged(ParseError(.invalid("segments hold more than the root header's \(originalSize) bytes"),
                                   in: "AEA cluster \(cluster) header", at: clusterOffset))
        }
        clusterMAC = nextMAC
        cluster += 1
      }
      return AEAArchive(
        profile: profile, originalSize: Int(originalSize), segmentSize: segmentSize, segmentsPerCluster: perCluster,
        compression: compression, checksumKind: checksumKind, trailingBytes: max(0, source.byteCount - position),
        source: source, signatureField: signatureSize > 0 ? (12 + authSize)..<(12 + authSize + signatureSize) : nil,
        signedEnd: rootOffset + 80, authDataSigner: signer.isEmpty ? nil : signer, mainKey: mainKey, keySize: keySize,
        segments: segments)
    } catch let failure as Failure {
      throw failure
    } catch let error as ParseError {
      throw damaged(error)
    } catch {
      throw Failure(kind: .damaged, structure: "AEA", offset: nil, message: "\(error)")
    }
  }

  /// The plaintext of segment `i`: MAC checked, decrypted, decompressed, checksum checked.
  func segment(_ i: Int) throws(Failure) -> [UInt8] {
    let s = segments[i]
    let structure = "AEA cluster \(s.cluster) segment \(s.index)"
    let stored: [UInt8]
    do { stored = try source.read(s.archiveOffset..<(s.archiveOffset + s.storedSize)) } catch {
      throw Failure(kind: .damaged, structure: structure, offset: s.archiveOffset, message: "\(error)")
    }
    let clusterKey = Self.derive(mainKey, info: Array("AEA_CK".utf8) + Self.le32(s.cluster), count: 32)
    let key = Self.derive(clusterKey, info: Array("AEA_SK".utf8) + Self.le32(s.index), count: keySize)
    let data = try Self.verifyAndDecrypt(
      key, stored, salt: [], mac: s.mac, structure: structure, offset: s.archiveOffset, wrongKeyHint: false)
    var plain = data
    if s.originalSize > s.storedSize {
      plain = try expand(data, size: s.originalSize, structure: structure, offset: s.archiveOffset)
    }
    guard plain.count == s.originalSize else {
      throw Failure(kind: .damaged, structure: structure, offset: s.archiveOffset,
                    message: "decoded to \(plain.count) bytes, its header says \(s.originalSize)")
    }
    let computed: [UInt8]
    switch checksumKind {
    case 1: computed = Self.le64(Murmur64A.hash(plain, seed: 0xE223_6FDC_26A5_F6D2))
    case 2: computed = Array(SHA256.hash(data: plain))
    default: computed = []
    }
    guard computed == s.checksum else {
      throw Failure(kind: .wrongKeyOrTampered, structure: structure, offset: s.archiveOffset,
                    message: "the segment's checksum does not match its plaintext")
    }
    return plain
  }

  func expand(_ data: [UInt8], size: Int, structure: String, offset: Int) throws(Failure) -> [UInt8] {
    let codecs: [Codec]
    switch compression {
    case "e": codecs = [.lzfse]
    case "f": codecs = [.lzvn]
    case "z": codecs = [.zlib, .deflate]
    case "x": codecs = [.xz, .lzma]
    default: codecs = []
    }
    var last: CodecError? = nil
    for codec in codecs {
      do { return try codec.decompress(data, expectedSize: size, limit: size) } catch { last = error }
    }
    throw Failure(kind: .damaged, structure: structure, offset: offset,
                  message: "\(Self.compressionName(compression)) decompression failed: \(last.map { "\($0)" } ?? "no codec")")
  }

  /// Streams the whole payload in order.
  public func decode(_ write: ([UInt8]) throws -> Void) throws {
    for i in segments.indices { try write(try segment(i)) }
  }

  public static func compressionName(_ c: Character) -> String {
    switch c {
    case "-": "none"
    case "4": "LZ4"
    case "b": "LZBITMAP"
    case "e": "LZFSE"
    case "f": "LZVN"
    case "x": "LZMA"
    case "z": "zlib"
    default: "unknown"
    }
  }

  static func derive(_ ikm: [UInt8], salt: [UInt8] = [], info: [UInt8], count: Int) -> [UInt8] {
    HKDF<SHA256>.deriveKey(
      inputKeyMaterial: SymmetricKey(data: ikm), salt: salt, info: info, outputByteCount: count
    ).withUnsafeBytes { Array($0) }
  }

  static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
  static func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

  /// Checks HMAC-SHA256(key[0..<32], salt ‖ data ‖ len(salt) u64) against `mac`, then (80-byte keys) decrypts with
  /// AES-256-CTR (key[32..<64], IV key[64..<80]).
  static func verifyAndDecrypt(
    _ key: [UInt8], _ data: [UInt8], salt: [UInt8], mac: [UInt8], structure: String, offset: Int, wrongKeyHint: Bool
  ) throws(Failure) -> [UInt8] {
    let macKey = SymmetricKey(data: key[0..<32])
    var authenticated = HMAC<SHA256>(key: macKey)
    authenticated.update(data: salt)
    authenticated.update(data: data)
    authenticated.update(data: le64(UInt64(salt.count)))
    guard Array(authenticated.finalize()) == mac else {
      throw Failure(kind: .wrongKeyOrTampered, structure: structure, offset: offset,
                    message: wrongKeyHint ? "HMAC-SHA256 mismatch: a wrong key, or the header was altered"
                      : "HMAC-SHA256 mismatch: the bytes were altered (nothing of them was used)")
    }
    guard key.count == 80 else { return data }
    do {
      let nonce = try AES._CTR.Nonce(nonceBytes: key[64..<80])
      return Array(try AES._CTR.decrypt(data, using: SymmetricKey(data: key[32..<64]), nonce: nonce))
    } catch {
      throw Failure(kind: .damaged, structure: structure, offset: offset, message: "AES-CTR failed: \(error)")
    }
  }

  /// Candidates for the signer's P-256 key (X9.62 uncompressed, 65 bytes starting 04) in the auth data: inside a
  /// DER SubjectPublicKeyInfo, or a 65-byte binary-plist data object (`4F 10 41`, Apple's `SigningPublicKey`). At
  /// most 16; the caller keeps the one the root header's MAC accepts.
  static func signingPublicKeyCandidates(in auth: [UInt8]) -> [[UInt8]] {
    let spki: [UInt8] = [
      0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A, 0x86, 0x48,
      0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ]
    let plistData: [UInt8] = [0x4F, 0x10, 0x41]
    var out: [[UInt8]] = []
    for prefix in [plistData, spki] where auth.count >= prefix.count + 65 {
      for start in 0...(auth.count - prefix.count - 65) where auth[start] == prefix[0] && out.count < 16 {
        if auth[start..<(start + prefix.count)].elementsEqual(prefix), auth[start + prefix.count] == 0x04 {
          out.append(Array(auth[(start + prefix.count)..<(start + prefix.count + 65)]))
        }
      }
    }
    return out
  }
}

/// MurmurHash64A (Austin Appleby, public domain), the AEA checksum kind 1. A hash, not a cipher.
enum Murmur64A {
  static func hash(_ data: [UInt8], seed: UInt64) -> UInt64 {
    let m: UInt64 = 0xC6A4_A793_5BD1_E995
    let r: UInt64 = 47
    var h = seed ^ (UInt64(data.count) &* m)
    let blocks = data.count / 8
    for i in 0..<blocks {
      var k = (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[i * 8 + $1]) << (8 * UInt64($1)) }
      k = k &* m
      k ^= k >> r
      k = k &* m
      h ^= k
      h = h &* m
    }
    let tail = data.count & 7
    if tail > 0 {
      for j in stride(from: tail - 1, through: 0, by: -1) { h ^= UInt64(data[blocks * 8 + j]) << (8 * UInt64(j)) }
      h = h &* m
    }
    h ^= h >> r
    h = h &* m
    h ^= h >> r
    return h
  }
}

/// Random access to the decoded payload of an ``AEAArchive``: segments are decoded on demand (MACs checked every
/// time a segment is decoded) and kept in a bounded ``ImageAccess/ChunkCache`` (the evidence layer passes the shared
/// one). Nothing is written to disk.
public final class AEASource: ByteSource {
  public let archive: AEAArchive
  private let cache: ChunkCache
  private let cacheOwner: ChunkCache.Owner

  /// Decoded segments go to `cache`; without one, the source keeps its own of 16 MiB.
  public init(_ archive: AEAArchive, cache: ChunkCache? = nil) {
    self.archive = archive
    self.cache = cache ?? ChunkCache(capacityBytes: 16 << 20)
    cacheOwner = self.cache.makeOwner()
  }
  public var byteCount: Int { archive.originalSize }

  func segmentBytes(_ index: Int) throws(AEAArchive.Failure) -> [UInt8] {
    if let hit = cache.get(cacheOwner, index) { return hit }
    let bytes = try archive.segment(index)
    cache.put(cacheOwner, index, bytes)
    return bytes
  }

  public func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    try checkRange(range.lowerBound, range.count, structure: "AEA payload")
    guard !range.isEmpty else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    let segments = archive.segments
    // The first segment whose plaintext ends after the range's start.
    var low = 0
    var high = segments.count - 1
    while low < high {
      let mid = (low + high) / 2
      if segments[mid].plainOffset + segments[mid].originalSize <= range.lowerBound { low = mid + 1 } else { high = mid }
    }
    var out: [UInt8] = []
    out.reserveCapacity(range.count)
    var index = low
    while out.count < range.count, index < segments.count {
      let s = segments[index]
      let bytes = try segmentBytes(index)
      let from = max(range.lowerBound, s.plainOffset) - s.plainOffset
      let to = min(range.upperBound, s.plainOffset + s.originalSize) - s.plainOffset
      out += bytes[from..<to]
      index += 1
    }
    return try out.withUnsafeBytes(body)
  }
}
