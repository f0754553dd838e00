import Foundation
import ImageAccess
import ReportModel
import Reporting
import Synchronization
import Triage

/// The files of an evidence folder to triage, and where their reports go.
///
/// Reports mirror the folder's layout under `OUTPUT/reports` (so no evidence name can collide with the summaries).
/// Nothing is ever written in the evidence folder.
public struct BatchPlan: Sendable {
  /// A file of the evidence folder, by its path relative to the folder.
  public struct Entry: Sendable, Equatable {
    public var relative: String
    public var path: String
    public var size: Int?
    /// Why the entry is not triaged (a symbolic link, a device, socket or pipe); nil to triage it.
    public var skipped: String?
    /// Why the entry could not even be listed (an unreadable folder): evidence that was not triaged.
    public var unlisted: String?

    public init(relative: String, path: String, size: Int?, skipped: String? = nil, unlisted: String? = nil) {
      self.relative = relative
      self.path = path
      self.size = size
      self.skipped = skipped
      self.unlisted = unlisted
    }
  }

  public let evidence: String
  public let output: String
  public let entries: [Entry]

  /// Refuses an output folder inside the evidence folder or holding it (``EvidenceGuard``), one that is a file, and
  /// one that already holds something.
  ///
  /// - Throws: ``OutputRefused`` saying why.
  public static func checkFolders(evidence: String, output: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: evidence, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw OutputRefused("\(evidence) is not a folder")
    }
    try EvidenceGuard.checkFolder(output, evidenceFolder: evidence)
    let outputPath = try EvidenceGuard.canonical(output)
    if FileManager.default.fileExists(atPath: outputPath, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw OutputRefused("\(outputPath) exists and is not a folder") }
      let contents = (try? FileManager.default.contentsOfDirectory(atPath: outputPath)) ?? ["?"]
      guard contents.isEmpty else {
        throw OutputRefused("\(outputPath) is not empty; reports are never overwritten, choose a new folder")
      }
    }
  }

  /// Lists the folder recursively (symbolic links are listed, not followed; sorted by relative path) and creates
  /// the output folder.
  public init(evidence: String, output: String) throws {
    self.evidence = try EvidenceGuard.canonical(evidence)
    self.output = try EvidenceGuard.canonical(output)
    try FileManager.default.createDirectory(atPath: self.output, withIntermediateDirectories: true)
    var found: [Entry] = []
    let root = URL(fileURLWithPath: self.evidence, isDirectory: true)
    let keys: [URLResourceKey] = [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey, .fileSizeKey]
    let unreadable = Mutex<[Entry]>([])
    let base = self.evidence
    let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys, options: []) {
      url, error in
      let relative = Self.relative(url.path, to: base)
      unreadable.withLock {
        $0.append(
          Entry(relative: relative, path: url.path, size: nil, unlisted: "cannot be listed: \(error.localizedDescription)"))
      }
      return true  // go on with the rest of the folder
    }
    while let url = enumerator?.nextObject() as? URL {
      let relative = Self.relative(url.path, to: self.evidence)
      guard let values = try? url.resourceValues(forKeys: Set(keys)) else {
        found.append(Entry(relative: relative, path: url.path, size: nil, unlisted: "cannot read its attributes"))
        continue
      }
      if values.isSymbolicLink == true {
        found.append(Entry(relative: relative, path: url.path, size: nil, skipped: "symbolic link (not followed)"))
      } else if values.isRegularFile == true {
        found.append(Entry(relative: relative, path: url.path, size: values.fileSize, skipped: nil))
      } else if values.isDirectory != true {
        found.append(Entry(relative: relative, path: url.path, size: nil, skipped: "not a regular file"))
      }
    }
    found += unreadable.withLock { $0 }
    entries = found.sorted { $0.relative < $1.relative }
  }

  static func relative(_ path: String, to root: String) -> String {
    let prefix = root.hasSuffix("/") ? root : root + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : URL(fileURLWithPath: path).lastPathComponent
  }

  /// Where the report of `entry` goes: the same relative path under `OUTPUT/reports`, plus `.report.json` (or
  /// `.report.txt`, `.report.md` for the copies).
  public func reportPath(_ entry: Entry, format: OutputFormat = .json) -> String {
    URL(fileURLWithPath: output).appendingPathComponent("reports")
      .appendingPathComponent(entry.relative + format.reportSuffix).path
  }

  /// Writes `summary.json` and `summary.txt` (labelled in `language`) into the output folder; returns the text.
  public func write(_ summary: BatchSummary, language: Language = .en) throws -> String {
    let text = try summary.rendered(as: .text, in: language)
    let folder = URL(fileURLWithPath: output)
    try OutputFiles.write(Array(try summary.rendered(as: .json).utf8), to: folder.appendingPathComponent("summary.json").path)
    try OutputFiles.write(Array(text.utf8), to: folder.appendingPathComponent("summary.txt").path)
    return text
  }
}
