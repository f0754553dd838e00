/// A structural check of binary property lists (`bplist00`) before they reach Foundation's
/// `PropertyListSerialization`, which on Linux (swift-corelibs-foundation 6.3.1) crashes the process on some hostile
/// inputs: a set (`NSSet`) whose members are not hashable once bridged traps in `Set._conditionallyBridgeFromObjectiveC`
/// (found by the `plist` fuzz harness; FUZZING.md).
///
/// The check reads the 32-byte trailer and the offset table, and refuses an inconsistent table or any set object.
/// No property list Ringo reads (BuildManifest, Restore.plist, UDIF resource forks) holds a set. It then walks the
/// containers from the top object and refuses nesting deeper than ``PropertyListNesting/maximumDepth`` (Foundation's
/// binary parser recurses once per level) and a container that holds itself.
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
    var offsets: [Int] = []
    offsets.reserveCapacity(Int(count))
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
      offsets.append(Int(offset))
    }
    let top = try r.be64(t + 16)
    guard top < count else {
      throw ParseError(.valueOutOfRange(field: "binary property list top object", value: top), in: structure,
        at: base + t + 16)
    }
    try checkNesting(r, offsets: offsets, top: Int(top), refSize: refSize, end: Int(tableOffset), base: base,
      structure: structure)
  }

  /// Walks the arrays and dictionaries reachable from `top` without recursion (each object once), and throws when
  /// they nest deeper than ``PropertyListNesting/maximumDepth``, hold themselves, or name an object that is not in
  /// the table.
  static func checkNesting(
    _ r: ByteReader, offsets: [Int], top: Int, refSize: Int, end: Int, base: Int, structure: String
  ) throws(ParseError) {
    let limit = PropertyListNesting.maximumDepth
    /// Where a container's references start and how many: `count` for an array, `2 × count` for a dictionary; `nil`
    /// for a scalar.
    func references(_ object: Int) throws(ParseError) -> (start: Int, count: Int)? {
      let at = offsets[object]
      let marker = try r.u8(at)
      let kind = marker >> 4
      guard kind == 0xA || kind == 0xD else { return nil }
      var count = Int(marker & 0xF)
      var start = at + 1
      if count == 0xF {  // the count follows as an integer object: 0x1n, then 2^n big-endian bytes
        let intMarker = try r.u8(at + 1)
        let width = 1 << Int(intMarker & 0xF)
        guard intMarker >> 4 == 1, width <= 8 else {
          throw ParseError(.invalid("binary property list object \(object): bad count marker"), in: structure,
            at: base + at + 1)
        }
        var value: UInt64 = 0
        for k in 0..<width { value = value << 8 | UInt64(try r.u8(at + 2 + k)) }
        guard value <= UInt64(end) else {
          throw ParseError(.valueOutOfRange(field: "binary property list object \(object) count", value: value),
            in: structure, at: base + at + 2)
        }
        count = Int(value)
        start = at + 2 + width
      }
      let refs = kind == 0xD ? 2 * count : count
      guard refs * refSize <= end - start else {  // count <= end, refSize <= 8: no overflow
        throw ParseError(.truncated(needed: refs * refSize, available: max(0, end - start)), in: structure,
          at: base + start)
      }
      return (start, refs)
    }
    func reference(_ at: Int) throws(ParseError) -> Int {
      var value: UInt64 = 0
      for k in 0..<refSize { value = value << 8 | UInt64(try r.u8(at + k)) }
      guard value < UInt64(offsets.count) else {
        throw ParseError(.valueOutOfRange(field: "binary property list reference", value: value), in: structure,
          at: base + at)
      }
      return Int(value)
    }
    // state: 0 not seen, 1 on the current path, 2 done. A done object was walked from depth `checkedDepth`; reached
    // again no deeper, its containers are within the limit; reached deeper, it is walked again (at most `limit`
    // times, as the depth only grows): the work stays within `limit` × the references.
    var state = [UInt8](repeating: 0, count: offsets.count)
    var checkedDepth = [Int](repeating: 0, count: offsets.count)
    var path: [(object: Int, start: Int, count: Int, next: Int)] = []
    guard let first = try references(top) else { return }
    path.append((top, first.start, first.count, 0))
    state[top] = 1
    checkedDepth[top] = 1
    while let frame = path.last {
      if frame.next == frame.count {
        state[frame.object] = 2
        path.removeLast()
        continue
      }
      path[path.count - 1].next += 1
      let child = try reference(frame.start + frame.next * refSize)
      let depth = path.count + 1
      if state[child] == 1 {
        throw ParseError(.loop(detail: "binary property list object \(child) holds itself"), in: structure,
          at: base + offsets[child])
      }
      guard state[child] == 0 || depth > checkedDepth[child] else { continue }
      guard let refs = try references(child) else {
        state[child] = 2  // a scalar
        continue
      }
      guard depth <= limit else {  // a container, empty or not, one level of Foundation's recursion
        throw ParseError(.limitExceeded(what: "property list nesting", limit: limit), in: structure,
          at: base + offsets[child])
      }
      state[child] = 1
      checkedDepth[child] = depth
      path.append((child, refs.start, refs.count, 0))
    }
  }
}
