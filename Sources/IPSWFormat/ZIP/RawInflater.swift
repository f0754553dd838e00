import CZlib
import ImageAccess

/// Streaming raw-deflate decoder (ZIP method 8: RFC 1951 without a zlib header, `windowBits = -15`), on the system
/// zlib through the shared `CZlib` module.
///
/// `Codecs.Codec.deflate` decodes a whole buffer at once; ZIP entries of several GiB have to be streamed in bounded
/// memory, so this is the one place that drives `inflate` chunk by chunk. Output goes to the caller in pieces of at
/// most 256 KiB; the caller enforces size and ratio caps.
final class RawInflater {
  private var stream = z_stream()
  private var output = [UInt8](repeating: 0, count: 256 << 10)
  private var done = false

  init() throws {
    let status = inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else {
      throw ParseError(.invalid("inflateInit2 failed with status \(status)"), in: "inflate", at: nil)
    }
  }

  deinit { inflateEnd(&stream) }

  /// Decodes `input` (compressed bytes whose first byte is at absolute offset `base`), passing output to `emit`.
  ///
  /// - Returns: true once the final deflate block has been decoded (input after it is ignored).
  /// - Throws: ``ParseError`` with the absolute offset where zlib found the stream corrupt, or what `emit` throws.
  func inflate(
    _ input: UnsafeRawBufferPointer, at base: Int, _ emit: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> Bool {
    guard !done else { return true }
    guard let start = input.baseAddress, input.count > 0 else { return false }
    var consumedTotal = 0
    // Bounded: each pass consumes input or produces output; a pass doing neither ends the loop.
    while true {
      let chunk = min(input.count - consumedTotal, 1 << 30)
      stream.next_in = UnsafeMutablePointer(
        mutating: (start + consumedTotal).assumingMemoryBound(to: Bytef.self))
      stream.avail_in = uInt(chunk)
      let room = output.count
      let (status, produced) = output.withUnsafeMutableBytes { out -> (Int32, Int) in
        stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(room)
        let status = CZlib.inflate(&stream, Z_NO_FLUSH)
        return (status, room - Int(stream.avail_out))
      }
      let consumed = chunk - Int(stream.avail_in)
      consumedTotal += consumed
      if produced > 0 { try output.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
      switch status {
      case Z_STREAM_END:
        done = true
        return true
      case Z_OK, Z_BUF_ERROR:
        if consumedTotal >= input.count && produced < room { return false }  // needs more input
        if consumed == 0 && produced == 0 { return false }
      default:
        let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
        throw ParseError(.invalid("corrupt deflate stream: \(message)"), in: "deflate data", at: base + consumedTotal)
      }
    }
  }
}
