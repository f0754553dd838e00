import TestSupport
import ImageAccess
import Testing

/// Paths to the shared real sample files (`../shared/fixtures` beside the package root) and to this target's vectors.
/// A missing fixture fails the test (it is never skipped).
enum Fixtures {
  static let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/IPSWFormatTests/Fixtures.swift
    return parts.joined(separator: "/")
  }()

  static func shared(_ relative: String) throws -> MappedImage {
    let path = RealImages.sharedFixtures.appendingPathComponent(relative).path
    do { return try MappedImage(path: path) } catch {
      Issue.record("missing shared fixture \(path): \(error)")
      throw error
    }
  }

  static func sharedBytes(_ relative: String) throws -> [UInt8] {
    let image = try shared(relative)
    return try image.read(0..<image.byteCount)
  }

  static func vector(_ name: String) throws -> [UInt8] {
    let image = try MappedImage(path: packageRoot + "/Tests/IPSWFormatTests/Vectors/" + name)
    return try image.read(0..<image.byteCount)
  }
}
