import Foundation

/// Locations of the real test material: the dissect.apfs 1.1 images (fetched by
/// `Tools/fixtures/fetch-dissect-images.sh` into a cache outside git) and the shared fixtures beside the repository.
///
/// Missing material is an error, never a skip: CI installs it, and a test that silently skipped would prove nothing.
public enum RealImages {
  /// The package root, found from this file's path.
  public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The workplace's shared folder (`fixtures/`, `docs/`): `$RINGO_SHARED` when set (`.ci/run` sets it for a clone
  /// that does not sit beside the folder), else `../shared` beside the package root.
  public static let sharedFolder: URL = {
    if let path = ProcessInfo.processInfo.environment["RINGO_SHARED"], !path.isEmpty {
      return URL(fileURLWithPath: path)
    }
    return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
  }()

  /// The real sample files made by Apple's tools, with their expected facts (`shared/fixtures`).
  public static let sharedFixtures: URL = sharedFolder.appendingPathComponent("fixtures")

  /// The folder holding the unpacked dissect.apfs images.
  public static var dissectFolder: URL {
    let env = ProcessInfo.processInfo.environment
    let cache = env["RINGO_CACHE"].map { URL(fileURLWithPath: $0) }
      ?? URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".cache/ringo")
    return cache.appendingPathComponent("dissect-apfs-1.1")
  }

  public struct Missing: Error, CustomStringConvertible {
    public var path: String
    public init(path: String) { self.path = path }
    public var description: String {
      "test material missing: \(path) (run Tools/fixtures/fetch-dissect-images.sh, or .ci/run)"
    }
  }

  /// The path of dissect image `name` (e.g. `corrupt.bin`).
  public static func dissect(_ name: String) throws -> String {
    let path = dissectFolder.appendingPathComponent(name).path
    guard FileManager.default.fileExists(atPath: path) else { throw Missing(path: path) }
    return path
  }

  /// The path of a shared fixture (e.g. `dmg/hdimac_test-disk-image-apfs.dmg`).
  public static func fixture(_ relative: String) throws -> String {
    let path = sharedFixtures.appendingPathComponent(relative).path
    guard FileManager.default.fileExists(atPath: path) else { throw Missing(path: path) }
    return path
  }

  /// Runs a listed peer tool (Tools/external-programs.tsv) and returns its status and output (standard output, then
  /// standard error); throws ``ExternalPrograms/NotListed`` or ``ExternalPrograms/NotInstalled`` naming the tool.
  public static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let result = try ExternalPrograms.run(tool, arguments)
    return (result.status, result.combined)
  }

}

/// A lock-protected Data for handing bytes between threads.
final class DataBox: @unchecked Sendable {
  // @unchecked: every access goes through `lock`.
  private let lock = NSLock()
  private var data = Data()
  func set(_ value: Data) { lock.withLock { data = value } }
  func get() -> Data { lock.withLock { data } }
}
