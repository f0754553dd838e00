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

  /// Parses the XML bytes; `offset` is where they sit in the file (for errors).
  public init(parsingXML bytes: [UInt8], at offset: Int) throws(ParseError) {
    // Foundation recurses per nesting level and crashes on some hostile binary lists: both refused before it parses.
    try PropertyListNesting.check(bytes, base: offset, structure: "resource fork plist")
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
}
