import DiskImage
import Foundation
import IPSWFormat
import ImageAccess
import Synchronization
import Testing

/// Deeply nested property lists are refused with a located error before Foundation's recursive parsers see them
/// (issue 13: Foundation bounds nesting at 512 levels itself, but 512 levels need more stack than a small thread has).
@Suite("Property list nesting")
struct PropertyListNestingTests {
  enum Kind { case array, dict }

  static let xmlHead = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n".utf8)

  /// `depth` nested containers in XML; the innermost holds a string. Also the offset of container `n` (1-based).
  static func xml(_ depth: Int, _ kind: Kind) -> (bytes: [UInt8], offsetOf: (Int) -> Int) {
    let open = kind == .array ? "<array>" : "<dict><key>k</key>"
    let close = kind == .array ? "</array>" : "</dict>"
    let body = String(repeating: open, count: depth) + "<string>x</string>" + String(repeating: close, count: depth)
    return (xmlHead + Array((body + "</plist>\n").utf8), { xmlHead.count + ($0 - 1) * open.utf8.count })
  }

  /// `depth` nested containers in OpenStep text (`((…))` or `{k={k=…;};}`).
  static func openStep(_ depth: Int, _ kind: Kind) -> (bytes: [UInt8], offsetOf: (Int) -> Int) {
    let open = kind == .array ? "(" : "{k="
    let close = kind == .array ? ")" : ";}"
    let text = String(repeating: open, count: depth) + "x" + String(repeating: close, count: depth)
    return (Array(text.utf8), { ($0 - 1) * open.utf8.count })
  }

  /// `depth` nested containers in a binary plist: object i holds object i + 1 (a dictionary under key object
  /// `depth + 1`), the last one is empty. 4-byte references and offsets. Also the offset of container `n`.
  static func binary(_ depth: Int, _ kind: Kind, fanOut: Int = 1) -> (bytes: [UInt8], offsetOf: (Int) -> Int) {
    func be(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * (n - 1 - $0))) } }
    var bytes = Array("bplist00".utf8)
    var offsets: [Int] = []
    for i in 0..<depth {
      offsets.append(bytes.count)
      if i == depth - 1 {
        bytes.append(kind == .array ? 0xA0 : 0xD0)
      } else if kind == .array {
        bytes.append(0xA0 | UInt8(fanOut))
        for _ in 0..<fanOut { bytes += be(i + 1, 4) }
      } else {
        bytes += [0xD1] + be(depth, 4) + be(i + 1, 4)
      }
    }
    offsets.append(bytes.count)
    bytes += [0x51, 0x6B]  // the key "k"
    let table = bytes.count
    for offset in offsets { bytes += be(offset, 4) }
    bytes += [0, 0, 0, 0, 0, 0, 4, 4] + be(offsets.count, 8) + be(0, 8) + be(table, 8)
    let step = kind == .array ? 1 + 4 * fanOut : 9
    return (bytes, { 8 + ($0 - 1) * step })
  }

  static let limit = PropertyListNesting.maximumDepth

  /// Every place Ringo hands a property list to Foundation, with the absolute offset its errors are based on.
  static let parsers: [(name: String, base: Int, parse: @Sendable ([UInt8]) throws -> Void)] = [
    ("BuildManifest", 0, { _ = try BuildManifest(parsing: $0) }),
    ("RestorePlist", 0, { _ = try RestorePlist(parsing: $0) }),
    ("ResourceFork", 100, { _ = try ResourceFork(parsingXML: $0, at: 100) }),
  ]

  @Test(
    "past the bound: a located limit error, naming the first container too deep",
    arguments: [limit + 1, 200, 512, 100_000])
  func refusedPastTheBound(depth: Int) throws {
    let cases = [
      ("xml array", Self.xml(depth, .array)), ("xml dict", Self.xml(depth, .dict)),
      ("binary array", Self.binary(depth, .array)), ("binary dict", Self.binary(depth, .dict)),
      ("openstep array", Self.openStep(depth, .array)), ("openstep dict", Self.openStep(depth, .dict)),
    ]
    for (label, plist) in cases {
      for parser in Self.parsers {
        let error = try #require(throws: ParseError.self, "\(label) \(parser.name)") { try parser.parse(plist.bytes) }
        #expect(error.reason == .limitExceeded(what: "property list nesting", limit: Self.limit), "\(label): \(error)")
        #expect(error.offset == parser.base + plist.offsetOf(Self.limit + 1), "\(label) \(parser.name): \(error)")
      }
    }
  }

  @Test("up to the bound: the check passes and Foundation parses the list")
  func acceptedUpToTheBound() throws {
    for (label, plist) in [
      ("xml array", Self.xml(Self.limit, .array)), ("xml dict", Self.xml(Self.limit, .dict)),
      ("binary array", Self.binary(Self.limit, .array)), ("binary dict", Self.binary(Self.limit, .dict)),
      ("openstep dict", Self.openStep(Self.limit, .dict)),
    ] {
      try PropertyListNesting.check(plist.bytes, structure: "x")
      #expect(throws: Never.self, "\(label)") { _ = try PropertyListSerialization.propertyList(from: Data(plist.bytes), format: nil) }
    }
    // Real manifests hold brackets in strings; an XML list is never counted by its brackets.
    try PropertyListNesting.check(Self.xmlHead + Array((String(repeating: "<string>:(</string>", count: 200)).utf8),
                                  structure: "x")
  }

  @Test("a binary list sharing objects is walked once per depth, not once per path")
  func sharedObjectsStayCheap() throws {
    // 60 levels, each array holding the next one twice: 2^60 paths, 60 objects.
    let plist = Self.binary(60, .array, fanOut: 2)
    try PropertyListNesting.check(plist.bytes, structure: "x")
    let deep = Self.binary(Self.limit + 1, .array, fanOut: 2)
    let error = try #require(throws: ParseError.self) { try PropertyListNesting.check(deep.bytes, structure: "x") }
    #expect(error.offset == deep.offsetOf(Self.limit + 1), "\(error)")
  }

  @Test("a binary container that holds itself is a located loop")
  func selfHoldingContainer() throws {
    var plist = Self.binary(3, .array).bytes
    plist[8 + 5 + 1 ..< 8 + 5 + 5] = [0, 0, 0, 0]  // object 1 holds object 0
    let error = try #require(throws: ParseError.self) { try PropertyListNesting.check(plist, base: 7, structure: "x") }
    #expect(error.code == "loop" && error.offset == 7 + 8, "\(error)")
  }

  /// Without the bound, a 512-level list (which Foundation accepts) is parsed by recursion deep enough to overflow a
  /// 256 KiB thread stack (measured: 256 KiB crashes, 384 KiB does not): the process dies. With it, the list is
  /// refused on that thread before Foundation recurses.
  @Test("on a thread with a small stack, a 512-level list is refused, not a crash")
  func smallStack() throws {
    let lists = [Self.binary(512, .dict).bytes, Self.xml(512, .dict).bytes]
    let results = Mutex<[String]>([])
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      for bytes in lists {
        do {
          _ = try BuildManifest(parsing: bytes)
          results.withLock { $0.append("parsed") }
        } catch { results.withLock { $0.append("\((error as? ParseError)?.code ?? "\(error)")") } }
      }
      done.signal()
    }
    thread.stackSize = 256 << 10
    thread.start()
    done.wait()
    #expect(results.withLock { $0 } == ["limit-exceeded", "limit-exceeded"])
  }
}
