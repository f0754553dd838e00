import CBZip2
import CLZMA
import CZlib
import TestSupport

/// Reference compressors from the system libraries, for round-trip tests and for building test DMGs.
///
/// These are test helpers: they trap on library failure (a broken test environment), which production code never does.
public enum Compressors {
  /// zlib-wrapped deflate (`compress2`), the UDIF 0x80000005 payload.
  public static func zlib(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
    var destinationCount = compressBound(uLong(input.count))
    var output = [UInt8](repeating: 0, count: Int(destinationCount))
    let status = output.withUnsafeMutableBufferPointer { out in
      input.withUnsafeBufferPointer { inp in
        compress2(out.baseAddress, &destinationCount, inp.baseAddress, uLong(inp.count), level)
      }
    }
    precondition(status == Z_OK, "compress2 failed: \(status)")
    return Array(output.prefix(Int(destinationCount)))
  }

  /// Raw deflate (windowBits -15), as in ZIP method 8.
  public static func deflate(_ input: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    var status = deflateInit2_(
      &stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    precondition(status == Z_OK)
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
    var input = input
    let produced = input.withUnsafeMutableBufferPointer { inp in
      output.withUnsafeMutableBufferPointer { out in
        stream.next_in = inp.baseAddress
        stream.avail_in = uInt(inp.count)
        stream.next_out = out.baseAddress
        stream.avail_out = uInt(out.count)
        status = CZlib.deflate(&stream, Z_FINISH)
        return out.count - Int(stream.avail_out)
      }
    }
    precondition(status == Z_STREAM_END, "deflate failed: \(status)")
    return Array(output.prefix(produced))
  }

  /// A raw-deflate bomb: `mebibytes` MiB of zeros at about deflate's maximum ratio (~1032:1), built without ever
  /// holding the output: one MiB of zeros is deflated once with a full flush (which resets the window, so every
  /// further MiB encodes to the same bytes), repeated, and closed by an empty final block.
  public static func deflateZeroBomb(mebibytes: Int) -> [UInt8] {
    var stream = z_stream()
    var status = deflateInit2_(
      &stream, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    precondition(status == Z_OK)
    defer { deflateEnd(&stream) }
    var zeros = [UInt8](repeating: 0, count: 1 << 20)
    var output = [UInt8](repeating: 0, count: 64 << 10)
    func pass(_ input: UnsafeMutableBufferPointer<UInt8>?, _ flush: Int32) -> [UInt8] {
      output.withUnsafeMutableBufferPointer { out in
        stream.next_in = input?.baseAddress
        stream.avail_in = uInt(input?.count ?? 0)
        stream.next_out = out.baseAddress
        stream.avail_out = uInt(out.count)
        status = CZlib.deflate(&stream, flush)
        precondition(stream.avail_in == 0 && stream.avail_out > 0, "deflate bomb block did not fit")
        return Array(out.prefix(out.count - Int(stream.avail_out)))
      }
    }
    let block = zeros.withUnsafeMutableBufferPointer { pass($0, Z_FULL_FLUSH) }
    precondition(status == Z_OK)
    let tail = pass(nil, Z_FINISH)
    precondition(status == Z_STREAM_END)
    var bomb: [UInt8] = []
    bomb.reserveCapacity(block.count * mebibytes + tail.count)
    for _ in 0..<mebibytes { bomb += block }
    return bomb + tail
  }

  /// bzip2 (`BZ2_bzBuffToBuffCompress`), the UDIF 0x80000006 payload.
  public static func bzip2(_ input: [UInt8]) -> [UInt8] {
    var destinationCount = UInt32(input.count + input.count / 100 + 600)
    var output = [UInt8](repeating: 0, count: Int(destinationCount))
    var input = input
    let status = output.withUnsafeMutableBufferPointer { out in
      input.withUnsafeMutableBufferPointer { inp in
        BZ2_bzBuffToBuffCompress(
          UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self), &destinationCount,
          UnsafeMutableRawPointer(inp.baseAddress ?? out.baseAddress!).assumingMemoryBound(to: CChar.self),
          UInt32(inp.count), 9, 0, 0)
      }
    }
    precondition(status == BZ_OK, "bzip2 failed: \(status)")
    return Array(output.prefix(Int(destinationCount)))
  }

  /// An xz stream (`lzma_easy_buffer_encode`, CRC64 check), the UDIF 0x80000008 payload hdiutil writes.
  public static func xz(_ input: [UInt8]) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: lzma_stream_buffer_bound(input.count))
    var position = 0
    let status = output.withUnsafeMutableBufferPointer { out in
      input.withUnsafeBufferPointer { inp in
        lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, nil, inp.baseAddress, inp.count, out.baseAddress, &position, out.count)
      }
    }
    precondition(status == LZMA_OK, "xz failed: \(status)")
    return Array(output.prefix(position))
  }

  /// Raw LZMA1 in the `.lzma` ("alone") container.
  public static func lzmaAlone(_ input: [UInt8]) -> [UInt8] {
    var options = lzma_options_lzma()
    precondition(lzma_lzma_preset(&options, 6) == 0)
    var stream = lzma_stream()
    precondition(lzma_alone_encoder(&stream, &options) == LZMA_OK)
    defer { lzma_end(&stream) }
    var output = [UInt8](repeating: 0, count: input.count + input.count / 2 + 4096)
    var status = LZMA_OK
    let produced = input.withUnsafeBufferPointer { inp in
      output.withUnsafeMutableBufferPointer { out in
        stream.next_in = inp.baseAddress
        stream.avail_in = inp.count
        stream.next_out = out.baseAddress
        stream.avail_out = out.count
        status = lzma_code(&stream, LZMA_FINISH)
        return out.count - stream.avail_out
      }
    }
    precondition(status == LZMA_STREAM_END, "lzma alone failed: \(status)")
    return Array(output.prefix(produced))
  }
}

extension SeededRandom {

  /// `count` bytes of compressible data: runs of repeated words, zero runs and random bytes.
  public mutating func compressibleBytes(_ count: Int) -> [UInt8] {
    let words: [[UInt8]] = ["apple ", "volume ", "extent ", "snapshot ", "0000", "\n"].map { Array($0.utf8) }
    var out: [UInt8] = []
    out.reserveCapacity(count)
    while out.count < count {
      switch next() % 4 {
      case 0: out += (0..<Int(next() % 200)).map { _ in UInt8(truncatingIfNeeded: next()) }
      case 1: out += [UInt8](repeating: 0, count: Int(next() % 3000))
      default: for _ in 0..<Int(next() % 50) { out += words[Int(next() % UInt64(words.count))] }
      }
    }
    return Array(out.prefix(count))
  }
}
