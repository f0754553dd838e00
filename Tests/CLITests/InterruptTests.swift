import DiskImageTestSupport
import Foundation
import IPSWTestSupport
import ImageAccess
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Ctrl-C (SIGINT) or SIGTERM during a long command: exit status 130, and neither the output file nor a temporary
/// file is left in the output folder.
@Suite struct InterruptTests {
  /// A fresh empty output folder.
  static func outputFolder() throws -> URL {
    let folder = URL(fileURLWithPath: try Scratch.file([], name: "placeholder")).deletingLastPathComponent()
      .appendingPathComponent("out-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
    return folder
  }

  /// A 4 GiB file of holes: hashing and scanning it takes seconds in any build.
  static func bigImage() throws -> String {
    let path = URL(fileURLWithPath: try Scratch.file([], name: "placeholder")).deletingLastPathComponent()
      .appendingPathComponent("holes-\(UUID().uuidString).img").path
    let made = try ExternalPrograms.run("truncate", ["-s", "4G", path])
    #expect(made.status == 0)
    return path
  }

  @Test(arguments: [SIGINT, SIGTERM])
  func aStoppedTriageLeavesNoOutputFile(signal: Int32) throws {
    let image = try Self.bigImage()
    defer { try? FileManager.default.removeItem(atPath: image) }
    let folder = try Self.outputFolder()
    let report = folder.appendingPathComponent("report.json").path
    let running = try Subprocess.start(
      CLITests.ringo, ["triage", "--scan", "--format", "json", "-o", report, "--also-write",
                       folder.appendingPathComponent("report.txt").path, image])
    Thread.sleep(forTimeInterval: 1.5)
    running.send(signal)
    let result = running.wait()
    #expect(result.status == OutputFiles.interruptedStatus, "\(result.errors)")
    #expect(result.errors.contains("interrupted"), "\(result.errors)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  /// `ipsw extract` stopped while it writes a 1 GiB entry: the entries written before stay whole, the one being
  /// written leaves neither its file nor its temporary file.
  @Test func aStoppedExtractionLeavesNoPartialFile() throws {
    let folder = try Self.outputFolder()
    let archive = folder.deletingLastPathComponent().appendingPathComponent("zeros-\(UUID().uuidString).zip").path
    defer { try? FileManager.default.removeItem(atPath: archive) }
    let writer = try ZIPWriter(path: archive)
    try writer.add("first.txt", .stored(Array("whole".utf8)))
    try writer.add("zeros.bin", .deflated(compressed: Compressors.deflateZeroBomb(mebibytes: 1024),
                                          uncompressedSize: 1 << 30, crc32: 0))
    _ = try writer.finish()
    let running = try Subprocess.start(
      CLITests.ringo, ["ipsw", "extract", "--max-ratio", "2000", archive, "-o", folder.path])
    var partial = false
    for _ in 0..<200 where !partial {  // until the big entry's temporary file appears (at most 10 s)
      Thread.sleep(forTimeInterval: 0.05)
      partial = (try FileManager.default.contentsOfDirectory(atPath: folder.path)).contains { $0.contains("ringo-partial") }
    }
    #expect(partial)
    running.send(SIGINT)
    let result = running.wait()
    #expect(result.status == OutputFiles.interruptedStatus, "\(result.combined)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["first.txt"])
    #expect(try String(contentsOfFile: folder.appendingPathComponent("first.txt").path, encoding: .utf8) == "whole")
  }

  /// A registered temporary file is what the handler removes; a finished write leaves only the output.
  @Test func outputFilesAreRenamedIntoPlaceWhole() throws {
    let folder = try Self.outputFolder()
    let path = folder.appendingPathComponent("r.txt").path
    try OutputFiles.write(Array("whole".utf8), to: path)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["r.txt"])
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "whole")
    #expect(OutputFiles.temporaryPath(for: path).hasPrefix(folder.path + "/.r.txt.ringo-partial-"))
    #expect(throws: ImageError.self) {
      try OutputFiles.write([1], to: folder.appendingPathComponent("missing/r.txt").path)
    }
  }
}
