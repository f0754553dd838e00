import ImageAccess
import Synchronization

/// A disk stored in fixed-size bands, some of them absent (holes read as zeros): the shape shared by `.sparseimage`
/// (bands inside one file, in a band map) and `.sparsebundle` (one file per band in `bands/`).
///
/// A read inside one stored band is handed to the band's bytes without a copy; a read across bands, or into a
/// hole or the unwritten tail of a short band, is assembled into one buffer.
public struct BandedSource: ByteSource {
  /// Where band `index` is stored: bytes of a source, or `nil` for a hole. `length` may be shorter than the band
  /// (the rest reads as zeros).
  public typealias Locate = @Sendable (_ index: Int) throws -> (source: any ByteSource, offset: Int, length: Int)?

  public let byteCount: Int
  public let bandSize: Int
  let locate: Locate

  public init(byteCount: Int, bandSize: Int, locate: @escaping Locate) {
    self.byteCount = byteCount
    self.bandSize = max(1, bandSize)
    self.locate = locate
  }

  public func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    try checkRange(range.lowerBound, range.count, structure: "banded_image")
    if range.isEmpty { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    let band = range.lowerBound / bandSize
    let start = band * bandSize  // <= lowerBound: no overflow
    if range.upperBound <= start + bandSize, let stored = try locate(band),
      range.upperBound - start <= stored.length
    {
      let from = stored.offset + (range.lowerBound - start)  // inside the stored band, which its source holds
      return try stored.source.withBytes(from..<(from + range.count), body)
    }
    var out = [UInt8](repeating: 0, count: range.count)
    var position = range.lowerBound
    while position < range.upperBound {
      let index = position / bandSize
      let bandStart = index * bandSize
      let end = min(range.upperBound, bandStart + bandSize)
      if let stored = try locate(index) {
        let storedEnd = min(end, bandStart + stored.length)
        if storedEnd > position {
          let from = stored.offset + (position - bandStart)
          try stored.source.withBytes(from..<(from + storedEnd - position)) { piece in
            out.withUnsafeMutableBytes { target in
              target.baseAddress!.advanced(by: position - range.lowerBound)
                .copyMemory(from: piece.baseAddress!, byteCount: piece.count)
            }
          }
        }
      }
      position = end
    }
    return try out.withUnsafeBytes(body)
  }
}

/// A `.sparseimage`: a 4096-byte big-endian header (`sprs`, sectors per band, media size in sectors, then the band
/// map: entry `i` holds the 1-based number of the media band stored at `4096 + i × band size`, 0 for unused),
/// followed by the stored bands. Format facts: libmodi's "Mac OS disk image types" documentation (Joachim Metz), the
/// only published description; no tool on Linux writes these, so the tests build them from those facts.
public enum SparseImage {
  public static let headerSize = 4096
  static let bandMapOffset = 64
  /// Entries that fit in the documented 4096-byte header.
  public static let maximumBands = (headerSize - bandMapOffset) / 4

  /// True when `source` starts with the `sprs` signature.
  public static func matches(_ source: any ByteSource) -> Bool {
    (try? source.read(0..<min(4, source.byteCount))) == Array("sprs".utf8)
  }

  /// The media of the sparse image stored in `file`.
  ///
  /// - Throws: ``ParseError`` located in the header: zero or absurd band size, a media size that overflows, more
  ///   bands than the header holds, a band number outside the media or used twice.
  public static func open(_ file: any ByteSource) throws -> BandedSource {
    let header = try file.reader(at: 0, length: headerSize, structure: "sparseimage_header")
    func be32(_ at: Int) throws(ParseError) -> UInt32 { UInt32(bigEndian: try header.u32(at)) }
    let sectorsPerBand = try be32(8)
    let sectors = try be32(16)
    guard sectorsPerBand > 0, sectorsPerBand <= 1 << 21 else {  // bands up to 1 GiB
      throw ParseError(.valueOutOfRange(field: "sectors per band", value: UInt64(sectorsPerBand)),
                       in: "sparseimage_header", at: 8)
    }
    let bandSize = Int(sectorsPerBand) * 512  // <= 2^30
    let byteCount = Int(sectors) * 512  // < 2^41
    let bandCount = (byteCount + bandSize - 1) / bandSize
    guard bandCount <= maximumBands else {
      throw ParseError(.limitExceeded(what: "bands in the sparseimage header (\(bandCount) needed)", limit: maximumBands),
                       in: "sparseimage_header", at: 16)
    }
    var slots = [Int](repeating: -1, count: bandCount)  // media band -> array index
    for index in 0..<maximumBands {
      let number = try be32(bandMapOffset + 4 * index)
      guard number != 0 else { continue }
      guard Int(number) <= bandCount, slots[Int(number) - 1] < 0 else {
        throw ParseError(.valueOutOfRange(field: "band number", value: UInt64(number)), in: "sparseimage_band_map",
                         at: bandMapOffset + 4 * index)
      }
      slots[Int(number) - 1] = index
    }
    let map = slots
    return BandedSource(byteCount: byteCount, bandSize: bandSize) { band in
      guard map[band] >= 0 else { return nil }
      let offset = headerSize + map[band] * bandSize  // index < 1008, bandSize <= 2^30: fits
      guard offset + bandSize <= file.byteCount else {
        throw ParseError(.truncated(needed: bandSize, available: max(0, file.byteCount - offset)),
                         in: "sparseimage_band \(band + 1)", at: offset)
      }
      return (file, offset, bandSize)
    }
  }
}
