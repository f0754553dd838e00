import ImageAccess

/// An Image4 container: a payload with its manifest (ticket) and optional restore info.
/// On disk: `IMG4 ::= SEQUENCE { IA5String "IMG4", IM4P, [0] EXPLICIT IM4M, [1] EXPLICIT IM4R OPTIONAL }`.
public struct IMG4: Sendable {
  public var payload: IM4P
  public var manifest: IM4M?
  public var restoreInfo: IM4R?

  public init(parsing source: any ByteSource, at offset: Int = 0) throws {
    let structure = "IMG4"
    let outer = try DERHeader(in: source, at: offset, limit: source.byteCount, structure: structure)
    guard outer.isSequence else { throw ParseError(.invalid("not a DER SEQUENCE"), in: structure, at: offset) }
    let items = try outer.children(in: source, structure: structure, maxChildren: 8)
    guard items.count >= 2, items[0].isIA5String, try source.derString(items[0], structure: structure) == "IMG4" else {
      throw ParseError(.invalid("first element is not IA5String \"IMG4\""), in: structure, at: offset)
    }
    payload = try IM4P(parsing: source, at: items[1].offset, limit: items[1].end)
    for item in items.dropFirst(2) where item.tagClass == .contextSpecific && item.isConstructed {
      let inner = try DERHeader(in: source, at: item.contents.lowerBound, limit: item.end, structure: structure)
      let bytes = try source.read(inner.offset..<inner.end)
      if item.tagNumber == 0 { manifest = try IM4M(parsing: bytes, offset: inner.offset) }
      if item.tagNumber == 1 { restoreInfo = try IM4R(parsing: bytes, offset: inner.offset) }
    }
  }

  /// What a file of IMG4 family holds, by its first element's name.
  public static func kind(of source: any ByteSource) -> String? {
    guard source.byteCount >= 8,
      let outer = try? DERHeader(in: source, at: 0, limit: source.byteCount, structure: "IMG4"), outer.isSequence,
      let first = try? DERHeader(in: source, at: outer.contents.lowerBound, limit: outer.end, structure: "IMG4"),
      first.isIA5String, first.contents.count == 4, let name = try? source.derString(first, structure: "IMG4")
    else { return nil }
    return ["IMG4", "IM4P", "IM4M", "IM4R"].contains(name) ? name : nil
  }
}
