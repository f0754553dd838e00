/// One evidence made of several files read back to back: a split raw set (`x.001`, `x.002`, …) or any list of
/// segments, each a ``ByteSource`` (normally a ``MappedImage``) with the name of the file it comes from.
///
/// A read inside one segment is handed to that segment without a copy (the zero-copy fast path stays for split raw);
/// a read across a segment boundary is assembled into one buffer. Errors name the segment's file and carry the
/// absolute offset in the whole evidence.
public struct SegmentedSource: ByteSource {
  /// One file of the set.
  public struct Segment: Sendable {
    public var name: String
    public var source: any ByteSource
    public init(name: String, source: any ByteSource) {
      self.name = name
      self.source = source
    }
  }

  public let segments: [Segment]
  /// Absolute offset of each segment's first byte; `starts.last` is not the end (see ``byteCount``).
  public let starts: [Int]
  public let byteCount: Int

  /// Stitches `segments` in order.
  ///
  /// `expectedBytes[i]`, when the format states a segment's size (a band size, a declared media size), is checked:
  /// a shorter file is a truncated segment.
  ///
  /// - Throws: ``ParseError`` `.truncated` naming the file when a segment is shorter than declared, or
  ///   `.arithmeticOverflow` when the sizes do not add up in an `Int`.
  public init(segments: [Segment], expectedBytes: [Int?] = []) throws(ParseError) {
    var starts: [Int] = []
    starts.reserveCapacity(segments.count)
    var total = 0
    for (index, segment) in segments.enumerated() {
      if index < expectedBytes.count, let expected = expectedBytes[index], segment.source.byteCount < expected {
        throw ParseError(
          .truncated(needed: expected, available: segment.source.byteCount), in: "segment_file \(segment.name)", at: total)
      }
      starts.append(total)
      let (sum, overflow) = total.addingReportingOverflow(segment.source.byteCount)
      guard !overflow else {
        throw ParseError(.arithmeticOverflow(field: "size of segment \(segment.name)"), in: "segment_list", at: total)
      }
      total = sum
    }
    self.segments = segments
    self.starts = starts
    self.byteCount = total
  }

  /// The index of the segment holding absolute byte `offset` (binary search; the last one for `offset == byteCount`).
  public func segmentIndex(containing offset: Int) -> Int {
    var low = 0
    var high = starts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if starts[mid] <= offset { low = mid } else { high = mid - 1 }
    }
    return low
  }

  public func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    try checkRange(range.lowerBound, range.count, structure: "segment_list")
    if range.isEmpty || segments.isEmpty { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    let first = segmentIndex(containing: range.lowerBound)
    let start = starts[first]
    if range.upperBound <= start + segments[first].source.byteCount {
      return try read(segment: first, (range.lowerBound - start)..<(range.upperBound - start), body)
    }
    // Across a boundary: assemble a copy.
    var out = [UInt8](repeating: 0, count: range.count)
    var index = first
    var position = range.lowerBound
    while position < range.upperBound, index < segments.count {
      let segmentStart = starts[index]
      let upper = min(range.upperBound, segmentStart + segments[index].source.byteCount)
      if upper > position {
        try read(segment: index, (position - segmentStart)..<(upper - segmentStart)) { piece in
          out.withUnsafeMutableBytes { target in
            target.baseAddress!.advanced(by: position - range.lowerBound)
              .copyMemory(from: piece.baseAddress!, byteCount: piece.count)
          }
        }
        position = upper
      }
      index += 1
    }
    return try out.withUnsafeBytes(body)
  }

  /// Reads a segment-relative range. A segment that no longer holds the range (the file shrank underneath) is a
  /// located error naming the file, at the absolute offset; an operating-system error already names the file.
  private func read<R>(segment index: Int, _ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    let segment = segments[index]
    do {
      try segment.source.checkRange(range.lowerBound, range.count, structure: segment.name)
    } catch {
      throw ParseError(error.reason, in: "segment_file \(segment.name)", at: starts[index] &+ range.lowerBound)  // < byteCount
    }
    return try segment.source.withBytes(range, body)
  }
}
