import ImageAccess

/// Streaming raw-deflate decoder (ZIP method 8, RFC 1951 without zlib header).
///
/// The one place that knows which inflate implementation is used.
struct RawInflater {
  init() throws {
    throw ParseError(.invalid("deflate decoding is not available in this build"), in: "inflate", at: nil)
  }

  /// Decodes `input` (the compressed bytes at absolute offset `base`), passing output to `output`.
  /// - Returns: true once the final deflate block has been decoded.
  mutating func inflate(
    _ input: UnsafeRawBufferPointer, at base: Int, _ output: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> Bool {
    false
  }
}
