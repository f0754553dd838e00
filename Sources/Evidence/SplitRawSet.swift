import ImageAccess

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A raw image cut into pieces (`split`, `dd` in chunks, FTK "raw (dd)" output): `x.001`, `x.002`, … (or `x.000`,
/// …, or `x.aa`, `x.ab`, …), read as one disk through a ``ImageAccess/SegmentedSource`` of mapped files.
///
/// The set is recognised only from its first piece, and only when the second piece exists; pieces may differ in
/// size (the last is usually shorter). The numbering keeps the first piece's width (`.001` → `.002`, `.0001` →
/// `.0002`; `.aa` → `.ab` → … → `.az` → `.ba`).
public struct SplitRawSet: Sendable {
  public let source: SegmentedSource
  public let files: [OpenedEvidence.SegmentFile]

  /// At most this many pieces are opened (a `.001` … `.999` set, or 26² lettered pieces).
  public static let pieceLimit = 10_000

  /// The set whose first piece is `path`, or `nil` when `path` is not the first piece of a set of two or more.
  ///
  /// - Throws: ``ImageAccess/ImageError`` when a piece cannot be opened.
  public static func open(path: String) throws(ImageError) -> SplitRawSet? {
    guard isFirstPiece(path), let second = nextPiece(path), exists(second) else { return nil }
    var paths = [path]
    while paths.count < pieceLimit, let next = nextPiece(paths[paths.count - 1]), exists(next) { paths.append(next) }
    var segments: [SegmentedSource.Segment] = []
    var files: [OpenedEvidence.SegmentFile] = []
    for piece in paths {
      let image = try MappedImage(path: piece)
      let name = piece.split(separator: "/").last.map(String.init) ?? piece
      segments.append(.init(name: name, source: image))
      files.append(.init(name: name, path: piece, sizeBytes: image.byteCount))
    }
    do {
      return SplitRawSet(source: try SegmentedSource(segments: segments), files: files)
    } catch {
      throw ImageError(.stat, path: path, errno: EOVERFLOW)  // the sizes do not add up in an Int
    }
  }

  /// True for `….000`, `….001`, `….aa` (any width of two or more).
  static func isFirstPiece(_ path: String) -> Bool {
    guard let suffix = suffix(path), suffix.count >= 2 else { return false }
    let digits = suffix.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    if digits {
      let body = suffix.dropLast()
      return body.allSatisfy { $0 == UInt8(ascii: "0") } && (suffix.last == UInt8(ascii: "0") || suffix.last == UInt8(ascii: "1"))
    }
    return suffix.allSatisfy { $0 == UInt8(ascii: "a") }
  }

  /// The name of the piece after `path`, same width, or `nil` past the last one.
  static func nextPiece(_ path: String) -> String? {
    guard let suffix = suffix(path) else { return nil }
    let digits = suffix.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    let letters = suffix.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
    guard digits || letters else { return nil }
    let (low, high) = digits ? (UInt8(ascii: "0"), UInt8(ascii: "9")) : (UInt8(ascii: "a"), UInt8(ascii: "z"))
    var next = suffix
    var i = next.count - 1
    while i >= 0 {
      if next[i] < high {
        next[i] += 1
        let chars = Array(path.utf8)
        return String(decoding: chars.dropLast(suffix.count) + next, as: UTF8.self)
      }
      next[i] = low
      i -= 1
    }
    return nil
  }

  /// The characters after the last `.` of the file name.
  static func suffix(_ path: String) -> [UInt8]? {
    let chars = Array(path.utf8)
    guard let dot = chars.lastIndex(of: UInt8(ascii: ".")), !chars[dot...].contains(UInt8(ascii: "/")) else {
      return nil
    }
    let suffix = Array(chars[(dot + 1)...])
    return suffix.isEmpty ? nil : suffix
  }

  static func exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }
}
