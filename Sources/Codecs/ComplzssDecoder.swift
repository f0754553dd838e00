import CZlib

/// Apple's `complzss` kernelcache container and its LZSS payload.
///
/// Header (big-endian): `"complzss"`(8) · Adler-32 of the decoded data (4) · decoded size (4) · compressed size (4) ·
/// version (4, = 1) · zero padding to 0x180; the LZSS data starts at 0x180. Bytes after `0x180 + compressed size` are
/// appended data (the KPP image on some iOS 9+ devices) and are ignored here (see ``ComplzssHeader``).
///
/// LZSS: a 4096-byte ring buffer pre-filled with spaces (0x20) up to 4078, writing from position 4078; a flag byte
/// announces 8 items, LSB first: 1 = one literal byte, 0 = two bytes `i`, `j` giving a copy of `(j & 0x0f) + 3` bytes
/// from ring position `i | (j & 0xf0) << 4`. On disk: ipsw-notes §3.4; Okumura LZSS as used by the xnu kext loader.
public struct ComplzssHeader: Sendable, Equatable {
  public static let magic: [UInt8] = Array("complzss".utf8)
  public static let dataOffset = 0x180

  public var adler32: UInt32  // adler32 (BE)
  public var decodedSize: UInt32  // uncompressed size (BE)
  public var compressedSize: UInt32  // compressed size (BE)
  public var version: UInt32  // version (BE), 1
  /// Bytes after the LZSS data (KPP image or padding).
  public var trailingByteCount: Int

  /// Parses the 0x180-byte header of `input` and checks that the compressed data fits.
  public init(parsing input: UnsafeRawBufferPointer) throws(CodecError) {
    guard input.count >= Self.dataOffset else { throw CodecError(.complzss, .truncated, at: input.count) }
    guard input.prefix(8).elementsEqual(Self.magic) else {
      throw CodecError(.complzss, .corrupt("missing \"complzss\" signature"), at: 0)
    }
    func be32(_ offset: Int) -> UInt32 {
      UInt32(input[offset]) << 24 | UInt32(input[offset + 1]) << 16 | UInt32(input[offset + 2]) << 8
        | UInt32(input[offset + 3])
    }
    adler32 = be32(8)
    decodedSize = be32(12)
    compressedSize = be32(16)
    version = be32(20)
    guard Int(compressedSize) <= input.count - Self.dataOffset else {
      throw CodecError(.complzss, .truncated, at: input.count)
    }
    trailingByteCount = input.count - Self.dataOffset - Int(compressedSize)
  }
}

enum ComplzssDecoder {
  static let ringSize = 4096
  static let maxMatch = 18
  static let threshold = 2

  static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int?, limit: Int) throws(CodecError) -> [UInt8] {
    let header = try ComplzssHeader(parsing: input)
    let declared = Int(header.decodedSize)
    if let expectedSize, expectedSize != declared {
      throw CodecError(.complzss, .sizeMismatch(expected: expectedSize, actual: declared), at: 12)
    }
    guard declared <= limit else { throw CodecError(.complzss, .outputLimitExceeded(limit: limit), at: 12) }
    let data = UnsafeRawBufferPointer(rebasing: input[ComplzssHeader.dataOffset..<(ComplzssHeader.dataOffset + Int(header.compressedSize))])
    let output = BoundedOutput(codec: .complzss, expectedSize: declared, limit: limit, inputCount: data.count)
    try decodeLZSS(data, into: output, inputBase: ComplzssHeader.dataOffset)
    guard output.count == declared else {
      throw CodecError(.complzss, .sizeMismatch(expected: declared, actual: output.count), at: input.count)
    }
    let computed = output.count == 0
      ? UInt32(1) : UInt32(truncatingIfNeeded: adler32(1, output.base, uInt(output.count)))
    guard computed == header.adler32 else {
      throw CodecError(.complzss, .checksumMismatch(stored: header.adler32, computed: computed), at: 8)
    }
    return output.finish()
  }

  /// Decodes raw LZSS (no header) until the input ends.
  static func decodeLZSS(_ input: UnsafeRawBufferPointer, into output: BoundedOutput, inputBase: Int) throws(CodecError) {
    var ring = [UInt8](repeating: 0, count: ringSize)
    for k in 0..<(ringSize - maxMatch) { ring[k] = 0x20 }
    var r = ringSize - maxMatch
    var flags: UInt32 = 0
    var i = 0
    let count = input.count
    // Bounded: every item consumes at least one input byte.
    while i < count {
      flags >>= 1
      if flags & 0x100 == 0 {
        flags = UInt32(input[i]) | 0xFF00
        i &+= 1
        if i >= count { break }
      }
      if flags & 1 != 0 {
        let byte = input[i]
        try output.append(byte, at: inputBase &+ i)
        ring[r] = byte
        r = (r &+ 1) & (ringSize - 1)
        i &+= 1
      } else {
        guard count &- i >= 2 else {
          // A lone byte after the last pair is padding in some encoders; treat it as the end.
          break
        }
        let low = Int(input[i])
        let high = Int(input[i &+ 1])
        let position = low | (high & 0xF0) << 4
        let length = (high & 0x0F) &+ threshold &+ 1
        try output.reserve(length, at: inputBase &+ i)
        for k in 0..<length {
          let byte = ring[(position &+ k) & (ringSize - 1)]
          output.base[output.count] = byte
          output.count &+= 1
          ring[r] = byte
          r = (r &+ 1) & (ringSize - 1)
        }
        i &+= 2
      }
    }
  }
}
