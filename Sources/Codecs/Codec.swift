/// A decompression format Ringo can expand: the codecs used by UDIF chunks, APFS `decmpfs` files and kernelcaches.
///
/// Every decoder is bounded: it never produces more than `limit` bytes (decompression bombs end in
/// ``CodecError/Reason/outputLimitExceeded(limit:)``), and hostile input (bad back-references, truncated streams,
/// absurd header sizes) ends in a ``CodecError`` that names the input offset, never a trap.
///
/// ```swift
/// let plain = try Codec.zlib.decompress(chunkBytes, expectedSize: 1 << 20, limit: 1 << 20)
/// ```
public enum Codec: String, Sendable, CaseIterable, CustomStringConvertible {
  /// zlib-wrapped deflate (RFC 1950), as in UDIF 0x80000005 chunks and APFS decmpfs type 3/4.
  case zlib
  /// Raw deflate (RFC 1951), as in ZIP method 8.
  case deflate
  /// bzip2 (`BZh`), as in UDIF 0x80000006 chunks.
  case bzip2
  /// An xz stream (`FD 37 7A 58 5A 00`), as hdiutil writes in UDIF 0x80000008 chunks.
  case xz
  /// Raw LZMA1 in the `.lzma` ("alone") container, which some UDIF writers use for 0x80000008.
  case lzma
  /// Apple Data Compression, UDIF 0x80000004.
  case adc
  /// LZVN without a block header (APFS decmpfs type 7/8 payloads).
  case lzvn
  /// An LZFSE stream of `bvx-`/`bvx1`/`bvx2`/`bvxn` blocks ending in `bvx$` (UDIF 0x80000007).
  case lzfse
  /// Apple's `complzss` kernelcache container (header, then LZSS data at 0x180).
  case complzss

  public var description: String { rawValue }

  /// Expands `input`.
  ///
  /// - Parameters:
  ///   - input: the compressed bytes.
  ///   - expectedSize: when known (UDIF chunk sector count, decmpfs size), the exact output size; anything else is
  ///     an error (``CodecError/Reason/sizeMismatch(expected:actual:)``).
  ///   - limit: the most bytes the decoder may produce. Must be set from what the caller can afford: with a known
  ///     `expectedSize` (≤ `limit`) the output is allocated up front.
  /// - Returns: the decompressed bytes.
  /// - Throws: ``CodecError`` with the input offset of the problem when known.
  public func decompress(
    _ input: UnsafeRawBufferPointer, expectedSize: Int? = nil, limit: Int
  ) throws(CodecError) -> [UInt8] {
    if let expectedSize {
      guard expectedSize >= 0, expectedSize < Int.max else {
        throw CodecError(self, .invalidParameter("expected size \(expectedSize) is out of range"), at: nil)
      }
      guard expectedSize <= limit else {
        throw CodecError(self, .outputLimitExceeded(limit: limit), at: nil)
      }
    }
    if self == .complzss {
      return try ComplzssDecoder.decompress(input, expectedSize: expectedSize, limit: limit)
    }
    guard let expectedSize else {
      let output = BoundedOutput(codec: self, expectedSize: nil, limit: limit, inputCount: input.count)
      try decode(input, into: output)
      return output.finish()
    }
    // Known size: decode straight into the array's storage (no final copy). Capacity is one byte more than
    // expected, so a stream that runs long is caught by the same cap check as everywhere else.
    var failure: CodecError?
    let output = [UInt8](unsafeUninitializedCapacity: expectedSize &+ 1) { buffer, initialized in
      let output = BoundedOutput(
        wrapping: buffer.baseAddress!, capacity: expectedSize &+ 1, codec: self, expectedSize: expectedSize, limit: limit)
      do throws(CodecError) {
        try decode(input, into: output)
        initialized = output.count
      } catch {
        failure = error
        initialized = 0
      }
    }
    if let failure { throw failure }
    guard output.count == expectedSize else {
      throw CodecError(self, .sizeMismatch(expected: expectedSize, actual: output.count), at: nil)
    }
    return output
  }

  /// Runs this codec's decoder into `output` (every codec but complzss, whose header sets the size).
  func decode(_ input: UnsafeRawBufferPointer, into output: BoundedOutput) throws(CodecError) {
    switch self {
    case .zlib: try ZlibDecoder.decode(input, raw: false, into: output)
    case .deflate: try ZlibDecoder.decode(input, raw: true, into: output)
    case .bzip2: try BZip2Decoder.decode(input, into: output)
    case .xz: try LZMADecoder.decode(input, container: .xz, into: output)
    case .lzma: try LZMADecoder.decode(input, container: .alone, into: output)
    case .adc: try ADCDecoder.decode(input, into: output)
    case .lzvn: try LZVNDecoder.decodeStream(input, into: output)
    case .lzfse: try LZFSEDecoder.decode(input, into: output)
    case .complzss: throw CodecError(self, .invalidParameter("complzss is decoded with its header"), at: nil)
    }
  }

  /// Expands a byte collection (copied to contiguous storage first if it is not contiguous already).
  public func decompress<C: Collection>(
    _ input: C, expectedSize: Int? = nil, limit: Int
  ) throws(CodecError) -> [UInt8] where C.Element == UInt8 {
    let attempt = { (buffer: UnsafeRawBufferPointer) -> Result<[UInt8], CodecError> in
      do throws(CodecError) {
        return .success(try decompress(buffer, expectedSize: expectedSize, limit: limit))
      } catch {
        return .failure(error)
      }
    }
    if let result = input.withContiguousStorageIfAvailable({ attempt(UnsafeRawBufferPointer($0)) }) {
      return try result.get()
    }
    return try Array(input).withUnsafeBytes { attempt($0) }.get()
  }
}

/// Why a stream could not be decompressed, and where in the *compressed input* the problem was found.
public struct CodecError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Reason: Sendable, Equatable {
    /// The input ended before the stream did.
    case truncated
    /// The stream is malformed (bad opcode, bad table, back-reference before the start, …).
    case corrupt(String)
    /// Decoding would produce more than `limit` bytes.
    case outputLimitExceeded(limit: Int)
    /// The stream decoded to a different size than the caller (or the stream header) said.
    case sizeMismatch(expected: Int, actual: Int)
    /// A stored checksum does not match the decoded data.
    case checksumMismatch(stored: UInt32, computed: UInt32)
    /// The C library reported an error it has no better name for.
    case library(code: Int32, message: String)
    /// The caller passed something unusable.
    case invalidParameter(String)
  }

  public var codec: Codec
  public var reason: Reason
  /// Offset in the compressed input where the problem was detected, when known.
  public var inputOffset: Int?

  public init(_ codec: Codec, _ reason: Reason, at inputOffset: Int?) {
    self.codec = codec
    self.reason = reason
    self.inputOffset = inputOffset
  }

  public var reasonText: String {
    switch reason {
    case .truncated: "input truncated"
    case let .corrupt(text): "corrupt stream: \(text)"
    case let .outputLimitExceeded(limit): "output would exceed the limit of \(limit) bytes"
    case let .sizeMismatch(expected, actual): "decoded \(actual) bytes, expected \(expected)"
    case let .checksumMismatch(stored, computed):
      "checksum mismatch: stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16))"
    case let .library(code, message): "library error \(code): \(message)"
    case let .invalidParameter(text): "invalid parameter: \(text)"
    }
  }

  public var description: String {
    if let inputOffset {
      return "\(codec) at input byte \(inputOffset) (0x\(String(inputOffset, radix: 16))): \(reasonText)"
    }
    return "\(codec): \(reasonText)"
  }
}
