import CZlib

/// zlib-wrapped and raw deflate through the system zlib (`inflate`).
///
/// On disk: RFC 1950 (zlib wrapper, `78 xx`) and RFC 1951 (raw deflate, `windowBits = -15`).
enum ZlibDecoder {
  static func decode(_ input: UnsafeRawBufferPointer, raw: Bool, into output: BoundedOutput) throws(CodecError) {
    let codec: Codec = raw ? .deflate : .zlib
    var stream = z_stream()
    let initStatus = inflateInit2_(&stream, raw ? -15 : 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else {
      throw CodecError(codec, .library(code: initStatus, message: "inflateInit2 failed"), at: nil)
    }
    defer { inflateEnd(&stream) }

    var inputOffset = 0  // bytes of input consumed so far
    var finished = false
    // Each pass feeds at most 1 GiB of input (avail_in is 32-bit) and fills the free output space.
    // Bounded: every pass either consumes input, produces output, or ends the loop.
    while !finished {
      if output.count == output.capacity, !output.growForStreaming() {
        throw output.overflowError(at: inputOffset)
      }
      let inputChunk = min(input.count &- inputOffset, 1 << 30)
      let outputRoom = min(output.capacity &- output.count, 1 << 30)
      stream.next_in = inputChunk == 0
        ? nil : UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self) + inputOffset)
      stream.avail_in = uInt(inputChunk)
      stream.next_out = output.base + output.count
      stream.avail_out = uInt(outputRoom)
      let status = inflate(&stream, Z_NO_FLUSH)
      let consumed = inputChunk &- Int(stream.avail_in)
      let produced = outputRoom &- Int(stream.avail_out)
      inputOffset &+= consumed
      output.count &+= produced
      if output.count > output.cap { throw output.overflowError(at: inputOffset) }
      switch status {
      case Z_STREAM_END:
        finished = true
      case Z_OK:
        break
      case Z_BUF_ERROR:
        // Output room was available (ensured above), so no progress means the input ran out.
        throw CodecError(codec, inputOffset >= input.count ? .truncated : .corrupt("no progress"), at: inputOffset)
      case Z_NEED_DICT:
        throw CodecError(codec, .corrupt("stream needs a preset dictionary"), at: inputOffset)
      case Z_DATA_ERROR:
        let message = stream.msg.map { String(cString: $0) } ?? "data error"
        throw CodecError(codec, .corrupt(message), at: inputOffset)
      case Z_MEM_ERROR:
        throw CodecError(codec, .library(code: status, message: "out of memory"), at: inputOffset)
      default:
        throw CodecError(codec, .library(code: status, message: "inflate failed"), at: inputOffset)
      }
      if !finished, consumed == 0, produced == 0, inputOffset >= input.count {
        throw CodecError(codec, .truncated, at: inputOffset)
      }
    }
  }
}
