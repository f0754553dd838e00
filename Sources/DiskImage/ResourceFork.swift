import Foundation
import ImageAccess

/// One `blkx` entry of the XML resource fork: a named partition and its `mish` table bytes.
public struct BlkxEntry: Sendable, Equatable {
  public var name: String  // Name, e.g. "disk image (Apple_APFS : 4)"
  public var cfName: String?  // CFName
  public var id: Int?  // ID ("-1" for the protective MBR)
  public var attributes: String?  // Attributes, e.g. "0x0050"
  public var data: [UInt8]  // Data: the mish table
}

/// The XML property list a UDIF image carries at `koly.xmlOffset` (its "resource fork").
///
/// On disk: `<plist><dict><key>resource-fork</key><dict><key>blkx</key><array>…` with one dict per partition,
/// ipsw-notes §3.2. Parsed with Foundation's `PropertyListSerialization`.
public struct ResourceFork: Sendable, Equatable {
  /// Largest XML accepted (a real image with thousands of partitions stays far below).
  public static let maximumXMLLength = 64 << 20

  public var blkx: [BlkxEntry]
  /// Other resource types present (`plst`, `nsiz`, `cSum`, `size`, …), by name.
  public var otherResourceTypes: [String]

  /// Deepest `<array>`/`<dict>` nesting accepted. Real resource forks nest 4 deep; the check runs before
  /// Foundation's recursive parser sees the bytes, so a hostile plist cannot exhaust the stack.
  public static let maximumNesting = 32

  /// Parses the XML bytes; `offset` is where they sit in the file (for errors).
  public init(parsingXML bytes: [UInt8], at offset: Int) throws(ParseError) {
    try Self.checkNesting(bytes, at: offset)
    try BinaryPropertyList.check(bytes, base: offset, structure: "resource fork plist")  // Foundation crashes on some
    let object: Any
    do {
      object = try PropertyListSerialization.propertyList(from: Data(bytes), options: [], format: nil)
    } catch {
      throw ParseError(.invalid("XML property list does not parse: \(error.localizedDescription)"), in: "resource fork plist", at: offset)
    }
    guard let root = object as? [String: Any], let fork = root["resource-fork"] as? [String: Any] else {
      throw ParseError(.invalid("no resource-fork dictionary"), in: "resource fork plist", at: offset)
    }
    guard let entries = fork["blkx"] as? [Any] else {
      throw ParseError(.invalid("no blkx array"), in: "resource fork plist", at: offset)
    }
    var blkx: [BlkxEntry] = []
    for (index, element) in entries.enumerated() {
      guard let entry = element as? [String: Any], let data = entry["Data"] as? Data else {
        throw ParseError(.invalid("blkx entry \(index) has no Data"), in: "resource fork plist", at: offset)
      }
      blkx.append(
        BlkxEntry(
          name: (entry["Name"] as? String) ?? (entry["CFName"] as? String) ?? "blkx \(index)",
          cfName: entry["CFName"] as? String,
          id: (entry["ID"] as? String).flatMap { Int($0) } ?? (entry["ID"] as? Int),
          attributes: entry["Attributes"] as? String, data: [UInt8](data)))
    }
    self.blkx = blkx
    otherResourceTypes = fork.keys.filter { $0 != "blkx" }.sorted()
  }

  /// Scans element tags and throws when `<array>`/`<dict>` nest deeper than ``maximumNesting``.
  static func checkNesting(_ bytes: [UInt8], at offset: Int) throws(ParseError) {
    var depth = 0
    var i = 0
    let array = Array("array".utf8), dict = Array("dict".utf8)
    func matches(_ word: [UInt8], at start: Int) -> Bool {
      start + word.count <= bytes.count && bytes[start..<(start + word.count)].elementsEqual(word)
    }
    while i < bytes.count {  // bounded: i grows every pass
      if bytes[i] == UInt8(ascii: "<") {
        let closing = i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "/")
        let nameStart = closing ? i + 2 : i + 1
        if matches(array, at: nameStart) || matches(dict, at: nameStart) {
          // A self-closing tag (<array/>) does not nest.
          var end = nameStart
          while end < bytes.count, bytes[end] != UInt8(ascii: ">") { end += 1 }
          let selfClosing = end > 0 && end < bytes.count && bytes[end - 1] == UInt8(ascii: "/")
          if closing {
            depth -= 1
          } else if !selfClosing {
            depth += 1
            guard depth <= maximumNesting else {
              throw ParseError(.limitExceeded(what: "plist nesting", limit: maximumNesting), in: "resource fork plist", at: offset + i)
            }
          }
          i = end
          continue
        }
      }
      i += 1
    }
  }
}
