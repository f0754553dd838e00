import DiskImage
import Foundation
import IPSWFormat
import ImageAccess
import Testing

/// Inputs the libFuzzer harnesses (Tools/fuzz) found crashing, under Tests/FuzzReproducers/HARNESS/.
@Suite("Fuzz reproducers (property lists)")
struct PlistFuzzReproducerTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("FuzzReproducers/plist")

  /// Foundation's PropertyListSerialization (Linux) crashed bridging a set of a hostile binary plist: the structural
  /// check refuses it first, with a located error, wherever Ringo parses a property list.
  @Test("a binary plist with a set is refused before Foundation sees it")
  func binaryPlistSet() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).sorted()
    #expect(!names.isEmpty)
    for name in names {
      let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(name)))
      for parse in [{ _ = try BuildManifest(parsing: bytes) }, { _ = try RestorePlist(parsing: bytes) },
                    { _ = try ResourceFork(parsingXML: bytes, at: 100) }] as [() throws -> Void] {
        let error = try #require(throws: ParseError.self, "\(name)") { try parse() }
        #expect(error.offset != nil, "\(error)")
      }
      let error = try #require(throws: ParseError.self) { try BinaryPropertyList.check(bytes, base: 100, structure: "x") }
      #expect(error.reasonText.contains("set") && (error.offset ?? 0) > 100, "\(error)")
    }
  }

  @Test("honest binary plists pass the check")
  func honestBinaryPlist() throws {
    let value: [String: Any] = ["a": [1, 2, 3], "b": ["c": Data([1, 2]), "d": "text"], "e": true]
    let bytes = [UInt8](try PropertyListSerialization.data(fromPropertyList: value, format: .binary, options: 0))
    try BinaryPropertyList.check(bytes, structure: "x")
    #expect(try BuildManifest(parsing: bytes).identities.isEmpty)
  }
}
