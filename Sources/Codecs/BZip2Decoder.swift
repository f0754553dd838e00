import CBZip2

/// bzip2 through the system libbz2 (`BZ2_bzDecompress`).
///
/// On disk: a `BZh1`…`BZh9` stream, as in UDIF 0x80000006 chunks. Only the first stream is decoded; bytes after its
/// end-of-stream marker are ignored (hdiutil pads nothing, but a corrupted table could point past the end).
enum BZip2Decoder {
  static func decode(_ input: UnsafeRawBufferPointer, into output: BoundedOutput) throws(CodecError) {
    var stream = bz_stream()
    let initStatus = BZ2_bzDecompressInit(&stream, 0, 0)
    guard initStatus == BZ_OK else {
      throw CodecError(.bzip2, .library(code: initStatus, message: "BZ2_bzDecompressInit failed"), at: nil)
    }
    defer { BZ2_bzDecompressEnd(&stream) }
    var inputOffset = 0
    while true {
      if output.count == output.capacity, !output.growForStreaming() {
        throw output.overflowError(at: inputOffset)
      }
      let inputChunk = min(input.count &- inputOffset, 1 << 30)
      let outputRoom = min(output.capacity &- output.count, 1 << 30)
      stream.next_in = inputChunk == 0
        ? nil
        : UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: CChar.self) + inputOffset)
      stream.avail_in = UInt32(inputChunk)
      stream.next_out = UnsafeMutableRawPointer(output.base + output.count).assumingMemoryBound(to: CChar.self)
      stream.avail_out = UInt32(outputRoom)
      let status = BZ2_bzDecompress(&stream)
      let consumed = inputChunk &- Int(stream.avail_in)
      let produced = outputRoom &- Int(stream.avail_out)
      inputOffset &+= consumed
      output.count &+= produced
      if output.count > output.cap { throw output.overflowError(at: inputOffset) }
      switch status {
      case BZ_STREAM_END:
        return
      case BZ_OK:
        if consumed == 0, produced == 0, inputOffset >= input.count {
          throw CodecError(.bzip2, .truncated, at: inputOffset)
        }
      case BZ_DATA_ERROR, BZ_DATA_ERROR_MAGIC:
        throw CodecError(.bzip2, .corrupt(status == BZ_DATA_ERROR_MAGIC ? "bad magic" : "data error"), at: inputOffset)
      case BZ_MEM_ERROR:
        throw CodecError(.bzip2, .library(code: status, message: "out of memory"), at: inputOffset)
      default:
        throw CodecError(.bzip2, .library(code: status, message: "BZ2_bzDecompress failed"), at: inputOffset)
      }
    }
  }
}
