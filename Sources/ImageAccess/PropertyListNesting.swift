/// A bound on how deep a property list may nest before Foundation's `PropertyListSerialization` parses it.
///
/// Foundation (swift-corelibs-foundation 6.3.1) parses XML, binary and OpenStep property lists by recursion, one level
/// per array or dictionary, and refuses past 512 levels itself; but 512 levels need more stack than a thread may have
/// (a 512-deep binary or XML list crashes a thread of 128 KiB; FUZZING.md). No property list Ringo reads nests deeper
/// than about 8 (manifests, Restore.plist, UDIF resource forks, sparse bundle Info.plist), so anything past
/// ``maximumDepth`` is refused with a located error before Foundation sees the bytes.
public enum PropertyListNesting {
  public static let maximumDepth = 64

  /// Throws a located ``ParseError`` when `bytes` nest deeper than ``maximumDepth``: binary lists by their object
  /// graph (``BinaryPropertyList/check(_:base:structure:)``, which also refuses sets), text lists by their
  /// `<array>`/`<dict>` tags (XML) and, unless the text starts with `<`, by their brackets (OpenStep, which
  /// Foundation tries when XML fails; a text starting with `<` is one OpenStep data object there, which does not
  /// nest). A comment or string that looks like a tag or bracket counts too: the bound errs on the side of refusing.
  /// `base` is the absolute offset of `bytes[0]`.
  public static func check(_ bytes: [UInt8], base: Int = 0, structure: String) throws(ParseError) {
    if bytes.starts(with: BinaryPropertyList.magic) {
      try BinaryPropertyList.check(bytes, base: base, structure: structure)
      return
    }
    try checkText(textBytes(bytes), base: base, structure: structure)
  }

  /// UTF-16 text (a byte-order mark, or a NUL in the first two bytes) as UTF-8, so that its tags are seen; offsets in
  /// errors are then those of the UTF-8 form, halved back to approximate the stored bytes. Other text as it is.
  static func textBytes(_ bytes: [UInt8]) -> (bytes: [UInt8], scale: Int) {
    guard bytes.count >= 2 else { return (bytes, 1) }
    let (b0, b1) = (bytes[0], bytes[1])
    let big = (b0 == 0xFE && b1 == 0xFF) || (b0 == 0 && b1 != 0)
    let little = (b0 == 0xFF && b1 == 0xFE) || (b0 != 0 && b1 == 0)
    guard big || little else { return (bytes, 1) }
    var units: [UInt16] = []
    units.reserveCapacity(bytes.count / 2)
    for i in stride(from: 0, to: bytes.count - 1, by: 2) {
      let (high, low) = big ? (bytes[i], bytes[i + 1]) : (bytes[i + 1], bytes[i])
      units.append(UInt16(high) << 8 | UInt16(low))
    }
    return (Array(String(decoding: units, as: UTF16.self).utf8), 2)
  }

  static func checkText(_ text: (bytes: [UInt8], scale: Int), base: Int, structure: String) throws(ParseError) {
    let bytes = text.bytes
    let limit = maximumDepth
    func refuse(_ at: Int) -> ParseError {
      ParseError(.limitExceeded(what: "property list nesting", limit: limit), in: structure, at: base + at * text.scale)
    }
    let array = Array("array".utf8), dict = Array("dict".utf8)
    func word(_ w: [UInt8], at start: Int) -> Bool {
      start + w.count <= bytes.count && bytes[start..<(start + w.count)].elementsEqual(w)
    }
    var tags = 0  // XML: open <array>/<dict> elements
    var brackets = 0  // OpenStep: open ( and {
    let spaces: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF]  // and the UTF-8 byte-order mark
    let openStep = bytes.first { !spaces.contains($0) } != UInt8(ascii: "<")
    var i = 0
    while i < bytes.count {  // i grows on every pass
      switch bytes[i] {
      case UInt8(ascii: "("), UInt8(ascii: "{"):
        if openStep {
          brackets += 1
          guard brackets <= limit else { throw refuse(i) }
        }
      case UInt8(ascii: ")"), UInt8(ascii: "}"):
        if openStep { brackets -= 1 }
      case UInt8(ascii: "<"):
        let closing = i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "/")
        let name = closing ? i + 2 : i + 1
        if word(array, at: name) || word(dict, at: name) {
          var end = name
          while end < bytes.count, bytes[end] != UInt8(ascii: ">") { end += 1 }
          if closing {
            tags -= 1
          } else if !(end < bytes.count && bytes[end - 1] == UInt8(ascii: "/")) {  // <array/> does not nest
            tags += 1
            guard tags <= limit else { throw refuse(i) }
          }
          i = end
        }
      default: break
      }
      i += 1
    }
  }
}
