/// A run of bytes of one class: `offset ..< offset + length` in image coordinates.
public struct RegionRun: Sendable, Hashable, Codable {
  public var regionClass: RegionClass
  public var offset: Int
  public var length: Int

  public init(_ regionClass: RegionClass, offset: Int, length: Int) {
    self.regionClass = regionClass
    self.offset = offset
    self.length = length
  }

  public var end: Int { offset + length }

  enum CodingKeys: String, CodingKey {
    case regionClass = "class", offset, length
  }
}

/// Classified runs over an image, built in offset order with neighbours of the same class merged, and a per-class
/// byte summary.
///
/// Builders append runs in increasing offset order (``append(_:offset:length:)``); a run that touches the previous
/// one and has the same class extends it, so a block-by-block classifier produces the minimal run list.
public struct RegionMap: Sendable, Equatable {
  public private(set) var runs: [RegionRun] = []
  public private(set) var summary: [RegionClass: Int] = [:]
  public var source: RegionSource

  public init(source: RegionSource) { self.source = source }

  /// Adds `length` bytes of `regionClass` at `offset`. Offsets must not go backwards.
  ///
  /// - Precondition: `offset` is at or after the end of the last run (a programmer error otherwise).
  public mutating func append(_ regionClass: RegionClass, offset: Int, length: Int) {
    guard length > 0 else { return }
    precondition(offset >= (runs.last?.end ?? 0), "region runs must be appended in offset order")
    summary[regionClass, default: 0] += length
    if let last = runs.last, last.regionClass == regionClass, last.end == offset {
      runs[runs.count - 1].length += length
    } else {
      runs.append(RegionRun(regionClass, offset: offset, length: length))
    }
  }

  /// Appends every run of `other`, which must start at or after this map's end (joining per-window maps built in
  /// parallel, in window order).
  public mutating func append(contentsOf other: RegionMap) {
    for run in other.runs { append(run.regionClass, offset: run.offset, length: run.length) }
  }

  /// Total bytes covered.
  public var totalBytes: Int { summary.values.reduce(0, +) }

  /// Bytes of `regionClass`.
  public func bytes(of regionClass: RegionClass) -> Int { summary[regionClass] ?? 0 }
}
