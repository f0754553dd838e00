import Codecs
import ImageAccess

/// What Ringo could learn about a kernelcache IM4P: its type and description, encryption (key bags), compression,
/// and, once decompressed, the kernel version string.
public struct KernelcacheFacts: Sendable, Equatable {
  public var path: String
  public var im4pType: String
  public var im4pDescription: String
  public var payloadFormat: PayloadFormat
  public var payloadSize: Int
  public var keybags: [Keybag]
  /// From the LZSS header or the IM4P compression element.
  public var compressedSize: Int?
  public var uncompressedSize: Int?
  public var appendedDataSize: Int?
  /// True when the payload was decompressed (and, for LZSS, its Adler-32 checked by the codec).
  public var decompressed: Bool
  /// Why it was not decompressed, or what went wrong.
  public var decompressionNote: String?
  /// The FAT wrapper was stripped (single-arch universal Mach-O, since iOS 13.2).
  public var strippedFATWrapper: Bool
  /// "Darwin Kernel Version ..." found in the decompressed kernel.
  public var kernelVersion: String?
  /// BuildManifest `Manifest.KernelCache.Info.Personalize` / `Trusted` of the identity it came from.
  public var personalize: Bool?
  public var trusted: Bool?

  public var isEncrypted: Bool { !keybags.isEmpty }
}

/// Kernelcache payload handling: decompression through `Codecs` (complzss, LZFSE/LZVN), FAT stripping, version string.
public enum Kernelcache {
  /// Decompressed kernelcaches beyond this are refused (real ones are 20–120 MiB).
  public static let maxDecompressedBytes = 512 << 20

  /// Analyses the IM4P in `source`, decompressing its payload when the format is known and not encrypted.
  public static func analyse(
    _ source: any ByteSource, path: String, decompress: Bool = true, limit: Int = maxDecompressedBytes
  ) throws -> KernelcacheFacts {
    let im4p = try IM4P(parsing: source)
    var facts = KernelcacheFacts(
      path: path, im4pType: im4p.type, im4pDescription: im4p.description, payloadFormat: im4p.payloadFormat,
      payloadSize: im4p.payload.count, keybags: im4p.keybags,
      compressedSize: im4p.lzssHeader.map { Int($0.compressedSize) },
      uncompressedSize: im4p.lzssHeader.map { Int($0.uncompressedSize) }
        ?? im4p.compressionUncompressedSize.map { Int(clamping: $0) },
      appendedDataSize: im4p.lzssHeader?.appendedDataSize, decompressed: false, decompressionNote: nil,
      strippedFATWrapper: false, kernelVersion: nil)
    guard decompress else {
      facts.decompressionNote = "not requested"
      return facts
    }
    if im4p.isEncrypted && !im4p.payloadFormat.isCompressed && im4p.payloadFormat != .machO {
      facts.decompressionNote = "payload is encrypted (key bags present); the keys are wrapped with the device GID key"
      return facts
    }
    let codec: Codec?
    switch im4p.payloadFormat {
    case .lzss: codec = .complzss
    case .lzfse, .lzvn, .lzfseRaw, .lzfseV1: codec = .lzfse
    case .machO, .fatMachO: codec = nil
    default:
      facts.decompressionNote = "payload format not recognised"
      return facts
    }
    guard im4p.payload.count <= limit else {
      facts.decompressionNote = "payload of \(im4p.payload.count) bytes exceeds the \(limit)-byte limit"
      return facts
    }
    var kernel: [UInt8]
    do {
      kernel = try source.withBytes(im4p.payload) { payload -> [UInt8] in
        guard let codec else { return Array(payload) }
        let expected = codec == .complzss ? facts.uncompressedSize : nil
        return try codec.decompress(payload, expectedSize: expected, limit: limit)
      }
    } catch let error as CodecError {
      facts.decompressionNote =
        "decompression failed: \(error.description)"
          + (error.inputOffset.map { " (payload offset \($0), file offset \(im4p.payload.lowerBound + $0))" } ?? "")
      return facts
    }
    facts.decompressed = codec != nil
    if facts.uncompressedSize == nil, codec != nil { facts.uncompressedSize = kernel.count }
    if let thin = try? thinFAT(kernel) {
      kernel = thin
      facts.strippedFATWrapper = true
    }
    facts.kernelVersion = kernelVersion(in: kernel)
    return facts
  }

  /// The first architecture of a universal (FAT) Mach-O, or nil when `bytes` is not FAT.
  ///
  /// On disk: `fat_header` {magic 0xCAFEBABE, nfat_arch} and `fat_arch` {cputype, cpusubtype, offset, size, align},
  /// all big-endian (mach-o/fat.h).
  public static func thinFAT(_ bytes: [UInt8]) throws -> [UInt8]? {
    let reader = ByteReader(bytes, base: 0, structure: "fat_header")
    guard bytes.count >= 8, try reader.be32(0) == 0xCAFE_BABE else { return nil }
    let count = try reader.be32(4)
    guard count >= 1, count <= 64 else {
      throw ParseError(.valueOutOfRange(field: "nfat_arch", value: UInt64(count)), in: "fat_header", at: 4)
    }
    let offset = Int(try reader.be32(8 + 8))
    let size = Int(try reader.be32(8 + 12))
    return try reader.bytes(offset, size)
  }

  /// Finds "Darwin Kernel Version …" and returns it up to the terminating NUL (at most 256 bytes).
  public static func kernelVersion(in bytes: [UInt8]) -> String? {
    let needle = Array("Darwin Kernel Version ".utf8)
    guard bytes.count >= needle.count else { return nil }
    var i = 0
    let last = bytes.count - needle.count
    while i <= last {
      if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) {
        var end = i
        let stop = min(bytes.count, i + 256)
        while end < stop, bytes[end] != 0, bytes[end] != 0x0A { end += 1 }
        return String(decoding: bytes[i..<end], as: UTF8.self)
      }
      i += 1
    }
    return nil
  }
}
