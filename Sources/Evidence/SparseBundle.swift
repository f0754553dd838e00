import Foundation
import ImageAccess
import Synchronization

/// A `.sparsebundle`: a folder holding `Info.plist` (`diskimage-bundle-type` `com.apple.diskimage.sparsebundle`,
/// `band-size` and `size` in bytes), `token`, and `bands/`, one file per band named by its index in lower-case hex
/// (`0`, `1`, … `a`, …). A missing band file is a hole (zeros); a band file shorter than `band-size` is zero-filled.
/// Format facts: Apple's `hdiutil` documentation and the layout of bundles macOS writes; no tool on Linux writes
/// these, so the tests build them from those facts.
///
/// Band files are mapped read-only on demand and a few are kept open (``openBandLimit``), so a bundle of thousands of
/// bands needs neither thousands of descriptors nor their mappings at once.
public final class SparseBundle: Sendable {
  public let path: String
  public let bandSize: Int
  public let byteCount: Int
  /// Band files present, in band order (name = hex index, size).
  public let bandFiles: [OpenedEvidence.SegmentFile]
  public static let openBandLimit = 32

  private let open = Mutex<[(Int, MappedImage)]>([])  // most recently used last
  private let present: Set<Int>

  /// True when `path` is a folder with `Info.plist` and `bands/`.
  public static func matches(path: String) -> Bool {
    var folder: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
      && FileManager.default.fileExists(atPath: path + "/Info.plist")
      && FileManager.default.fileExists(atPath: path + "/bands")
  }

  /// Reads `Info.plist` and lists `bands/`.
  ///
  /// - Throws: ``ParseError`` naming `Info.plist` (unreadable, wrong bundle type, absurd sizes) or a band file (a
  ///   name that is not a band index inside the disk, a file longer than a band).
  public init(path: String) throws(ParseError) {
    let plistPath = path + "/Info.plist"
    // The size first: an absurd Info.plist is refused unread, and an empty one is never handed to
    // FileManager.contents(atPath:), which leaks 4 KiB per empty file (swift-corelibs-foundation 6.3.1; found by the
    // sparsebundle fuzz harness).
    let size = ((try? FileManager.default.attributesOfItem(atPath: plistPath))?[.size] as? NSNumber)?.intValue
    if let size, size == 0 || size > 1 << 20 {
      throw ParseError(.valueOutOfRange(field: "Info.plist size (1 byte to 1 MiB)", value: UInt64(size)),
                       in: "sparsebundle_info_plist", at: 0)
    }
    guard size != nil, let data = FileManager.default.contents(atPath: plistPath), data.count <= 1 << 20 else {
      throw ParseError(.invalid("not a readable property list"), in: "sparsebundle_info_plist", at: nil)
    }
    // Foundation recurses per nesting level and crashes on some hostile binary lists: both refused before it parses.
    try PropertyListNesting.check([UInt8](data), structure: "sparsebundle_info_plist")
    guard let plist = try? PropertyListSerialization.propertyList(from: data, format: nil) as? [String: Any] else {
      throw ParseError(.invalid("not a readable property list"), in: "sparsebundle_info_plist", at: nil)
    }
    guard (plist["diskimage-bundle-type"] as? String) == "com.apple.diskimage.sparsebundle" else {
      throw ParseError(.invalid("diskimage-bundle-type is not com.apple.diskimage.sparsebundle"),
                       in: "sparsebundle_info_plist", at: nil)
    }
    guard let band = (plist["band-size"] as? NSNumber)?.int64Value, band > 0, band <= 1 << 30,
      let size = (plist["size"] as? NSNumber)?.int64Value, size >= 0, size <= Int64(Int.max / 2)
    else {
      throw ParseError(.valueOutOfRange(field: "band-size or size", value: 0), in: "sparsebundle_info_plist", at: nil)
    }
    self.path = path
    self.bandSize = Int(band)
    self.byteCount = Int(size)
    let bandCount = (byteCount + bandSize - 1) / bandSize
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path + "/bands")) ?? []
    var files: [(Int, OpenedEvidence.SegmentFile)] = []
    for name in names {
      guard let index = Int(name, radix: 16), name == String(index, radix: 16), index < bandCount else {
        throw ParseError(.invalid("band file \(name) is not a band of this \(byteCount)-byte disk"),
                         in: "sparsebundle_band bands/\(name)", at: nil)
      }
      let size = ((try? FileManager.default.attributesOfItem(atPath: path + "/bands/" + name))?[.size] as? NSNumber)?
        .intValue ?? 0
      guard size <= bandSize else {
        throw ParseError(.valueOutOfRange(field: "band file size", value: UInt64(size)),
                         in: "sparsebundle_band bands/\(name)", at: index * bandSize)
      }
      files.append((index, .init(name: "bands/" + name, path: path + "/bands/" + name, sizeBytes: size)))
    }
    files.sort { $0.0 < $1.0 }
    bandFiles = files.map(\.1)
    present = Set(files.map(\.0))
  }

  /// The bundle's disk: bands read on demand, holes and short bands as zeros.
  public func media() -> BandedSource {
    BandedSource(byteCount: byteCount, bandSize: bandSize) { [self] index in
      guard present.contains(index) else { return nil }
      let image = try band(index)
      return (image, 0, image.byteCount)
    }
  }

  /// Band `index` mapped read-only, from the small set kept open.
  func band(_ index: Int) throws -> MappedImage {
    if let hit = open.withLock({ list -> MappedImage? in
      guard let at = list.firstIndex(where: { $0.0 == index }) else { return nil }
      let entry = list.remove(at: at)
      list.append(entry)
      return entry.1
    }) {
      return hit
    }
    let image = try MappedImage(path: path + "/bands/" + String(index, radix: 16), windowSize: 1 << 20, cachedWindows: 2)
    guard image.byteCount <= bandSize else {
      throw ParseError(.valueOutOfRange(field: "band file size", value: UInt64(image.byteCount)),
                       in: "sparsebundle_band bands/\(String(index, radix: 16))", at: index * bandSize)
    }
    open.withLock { list in
      list.append((index, image))
      if list.count > Self.openBandLimit { list.removeFirst(list.count - Self.openBandLimit) }
    }
    return image
  }
}
