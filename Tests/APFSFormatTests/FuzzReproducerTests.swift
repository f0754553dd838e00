import APFSFormat
import Foundation
import ImageAccess
import TestSupport
import Testing

/// Inputs the libFuzzer harnesses (Tools/fuzz) found crashing, minimized, under Tests/FuzzReproducers/HARNESS/. Each
/// is fed to the same parser the same way the harness feeds it (padded to 4 KiB blocks, every block with a non-zero
/// checksum field resealed); it must end in a thrown, located error, never a trap.
@Suite("Fuzz reproducers (APFS)")
struct FuzzReproducerTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("FuzzReproducers")

  static func inputs(_ harness: String) throws -> [(String, [UInt8])] {
    let dir = folder.appendingPathComponent(harness)
    return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map {
      ($0, [UInt8](try Data(contentsOf: dir.appendingPathComponent($0))))
    }
  }

  /// What FuzzSupport.paddedToBlocks + fixAPFSChecksums do in the harness.
  static func asHarnessImage(_ input: [UInt8]) -> [UInt8] {
    var image = input + [UInt8](repeating: 0, count: (4096 - input.count % 4096) % 4096)
    if image.isEmpty { image = [UInt8](repeating: 0, count: 4096) }
    for block in stride(from: 0, to: image.count, by: 4096) where image[block..<block + 8].contains(where: { $0 != 0 }) {
      BlockEdit.reseal(&image, block: block)
    }
    return image
  }

  @Test("apfs-container: a checkpoint descriptor base past Int.max is a located error, not a trap")
  func containerReproducers() throws {
    let inputs = try Self.inputs("apfs-container")
    #expect(!inputs.isEmpty)
    for (name, input) in inputs {
      do {
        _ = try APFSContainer.open(MemorySource(Self.asHarnessImage(input)))
        Issue.record("\(name): opened; the reproducer is a damaged container")
      } catch {
        switch error {
        case .notAPFS(let e), .damaged(_, _, _, let e):
          #expect(e.offset.map { $0 >= 0 } ?? true, "\(name): \(e)")
        }
      }
    }
  }
}
