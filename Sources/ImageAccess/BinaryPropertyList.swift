/// A structural check of binary property lists (`bplist00`) before they reach Foundation's
/// `PropertyListSerialization`, which on Linux (swift-corelibs-foundation 6.3.1) crashes the process on some hostile
/// inputs: a set (`NSSet`) whose members are not hashable once bridged traps in `Set._conditionallyBridgeFromObjectiveC`
/// (found by the `plist` fuzz harness; FUZZING.md).
///
/// The check reads the 32-byte trailer and the offset table, and refuses an inconsistent table or any set object.
/// No property list Ringo reads (BuildManifest, Restore.plist, UDIF resource forks) holds a set.
public enum BinaryPropertyList {
  public static let magic: [UInt8] = Array("bplist".utf8)

  /// Throws a located ``ParseError`` unless `bytes` is not a binary property list, or is one that is safe to hand to
  /// Foundation. `base` is the absolute offset of `bytes[0]`.
  public static func check(_ bytes: [UInt8], base: Int = 0, structure: String) throws(ParseError) {
    guard bytes.starts(with: magic) else { return }
    let r = ByteReader(bytes, base: base, structure: structure)
    guard bytes.count >= 8 + 32 else {
      throw ParseError(.truncated(needed: 40, available: bytes.count), in: structure, at: base)
    }
    let t = bytes.count - 32
    let offsetSize = Int(try r.u8(t + 6))
    let refSize = Int(try r.u8(t + 7))
    let count = try r.be64(t + 8)
    let tableOffset = try r.be64(t + 24)
    guard (1...8).contains(offsetSize), (1...8).contains(refSize) else {
      throw ParseError(
        .invalid("binary property list trailer: offset size \(offsetSize), reference size \(refSize)"), in: structure,
        at: base + t + 6)
    }
    let (tableBytes, overflow) = count.multipliedReportingOverflow(by: UInt64(offsetSize))
    guard !overflow, tableOffset >= 8, tableOffset <= UInt64(t), tableBytes <= UInt64(t) - tableOffset else {
      throw ParseError(
        .valueOutOfRange(field: "binary property list offset table (\(count) objects at \(tableOffset))", value: tableOffset),
        in: structure, at: base + t + 24)
    }
    for i in 0..<Int(count) {
      let at = Int(tableOffset) + i * offsetSize
      var offset: UInt64 = 0
      for k in 0..<offsetSize { offset = offset << 8 | UInt64(try r.u8(at + k)) }
      guard offset >= 8, offset < tableOffset else {
        throw ParseError(.valueOutOfRange(field: "binary property list object \(i) offset", value: offset), in: structure,
          at: base + at)
      }
      if try r.u8(Int(offset)) >> 4 == 0xC {
        throw ParseError(.invalid("binary property list holds a set (object \(i)); none is expected here"),
          in: structure, at: base + Int(offset))
      }
    }
  }
}
