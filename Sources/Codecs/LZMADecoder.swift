import CLZMA

/// xz streams and raw LZMA1 (`.lzma` "alone" files) through the system liblzma.
///
/// On disk: UDIF 0x80000008 chunks. hdiutil writes xz streams (`FD 37 7A 58 5A 00`); some third-party writers use the
/// LZMA1 "alone" header (properties byte, dictionary size, 64-bit size).
enum LZMADecoder {
  enum Container { case xz, alone }

  /// liblzma's own memory cap for the decoder state (dictionary). 256 MiB is above anything hdiutil writes.
  static let decoderMemoryLimit: UInt64 = 256 << 20

  /// The first 5 bytes of an LZMA1 "alone" header (properties byte, dictionary size u32 little-endian) with the
  /// dictionary size lowered to the output cap when it claims more, or `nil` when it needs no change. liblzma allocates
  /// the whole stated dictionary before decoding, but a match can never reach further back than the output produced,
  /// so a dictionary as large as the most bytes the stream may produce decodes every valid stream the same way; a
  /// hostile or careless header then costs no more memory than its output (found profiling the `codec-lzma` fuzz
  /// harness: every mutated header allocated up to 256 MiB).
  static func cappedAloneHeader(_ input: UnsafeRawBufferPointer, cap: Int) -> [UInt8]? {
    guard input.count >= 5 else { return nil }
    let stated = (1...4).reduce(UInt32(0)) { $0 | UInt32(input[$1]) << (8 * UInt32($1 - 1)) }
    let needed = UInt32(clamping: max(4096, cap &+ 1))  // liblzma's own minimum is 4 KiB
    guard stated > needed else { return nil }
    var header = Array(input[0..<5])
    for i in 0..<4 { header[1 + i] = UInt8(truncatingIfNeeded: needed >> (8 * UInt32(i))) }
    return header
  }

  static func decode(
    _ input: UnsafeRawBufferPointer, container: Container, into output: BoundedOutput
  ) throws(CodecError) {
    let codec: Codec = container == .xz ? .xz : .lzma
    var stream = lzma_stream()  // all-zero is LZMA_STREAM_INIT
    let initStatus: lzma_ret
    switch container {
    case .xz: initStatus = lzma_stream_decoder(&stream, decoderMemoryLimit, 0)
    case .alone: initStatus = lzma_alone_decoder(&stream, decoderMemoryLimit)
    }
    guard initStatus == LZMA_OK else {
      throw CodecError(codec, .library(code: Int32(initStatus.rawValue), message: "decoder init failed"), at: nil)
    }
    defer { lzma_end(&stream) }
    // The header's first bytes come from `header` (the dictionary size lowered to the output cap) when it is set.
    let header = container == .alone ? cappedAloneHeader(input, cap: output.cap) ?? [] : []
    var inputOffset = 0
    while true {
      if output.count == output.capacity, !output.growForStreaming() {
        throw output.overflowError(at: inputOffset)
      }
      let fromHeader = inputOffset < header.count
      let inputChunk = (fromHeader ? header.count : input.count) &- inputOffset
      let outputRoom = output.capacity &- output.count
      stream.next_in = inputChunk == 0 ? nil : input.baseAddress!.assumingMemoryBound(to: UInt8.self) + inputOffset
      stream.avail_in = inputChunk
      stream.next_out = output.base + output.count
      stream.avail_out = outputRoom
      // LZMA_RUN for the substituted header bytes: once LZMA_FINISH is given, liblzma refuses new input.
      let status = fromHeader
        ? header.withUnsafeBufferPointer { bytes in
          stream.next_in = bytes.baseAddress! + inputOffset
          return lzma_code(&stream, LZMA_RUN)
        }
        : lzma_code(&stream, LZMA_FINISH)
      let consumed = inputChunk &- stream.avail_in
      let produced = outputRoom &- stream.avail_out
      inputOffset &+= consumed
      output.count &+= produced
      if output.count > output.cap { throw output.overflowError(at: inputOffset) }
      switch status {
      case LZMA_STREAM_END:
        return
      case LZMA_OK:
        continue
      case LZMA_BUF_ERROR:
        if inputOffset >= input.count { throw CodecError(codec, .truncated, at: inputOffset) }
        if !(output.count == output.capacity) {
          throw CodecError(codec, .corrupt("decoder made no progress"), at: inputOffset)
        }
      case LZMA_FORMAT_ERROR:
        throw CodecError(codec, .corrupt("not a \(codec) stream"), at: inputOffset)
      case LZMA_DATA_ERROR:
        throw CodecError(codec, .corrupt("data error"), at: inputOffset)
      case LZMA_OPTIONS_ERROR:
        throw CodecError(codec, .corrupt("unsupported options"), at: inputOffset)
      case LZMA_MEMLIMIT_ERROR:
        throw CodecError(codec, .limitExceededDictionary, at: inputOffset)
      case LZMA_MEM_ERROR:
        throw CodecError(codec, .library(code: Int32(status.rawValue), message: "out of memory"), at: inputOffset)
      default:
        throw CodecError(codec, .library(code: Int32(status.rawValue), message: "lzma_code failed"), at: inputOffset)
      }
    }
  }
}

extension CodecError.Reason {
  static var limitExceededDictionary: Self {
    .corrupt("dictionary needs more than \(LZMADecoder.decoderMemoryLimit >> 20) MiB of decoder memory")
  }
}
