import Foundation
import ImageAccess

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one check behind every command that writes (reports, copies, SVG graphs, extracted files, batch folders):
/// nothing is written into the evidence's folder.
///
/// Paths are compared after resolving symbolic links in the part that exists (`realpath` cannot resolve a folder that
/// does not exist yet, so a link in front of it would otherwise hide where it lies) and, for every ancestor, by
/// device and inode, which also sees through bind mounts. `..` after a folder that does not exist is refused.
public enum EvidenceGuard {
  /// `path` made absolute with every symbolic link in its existing part resolved; the missing rest is appended.
  public static func canonical(_ path: String) throws -> String {
    var existing = URL(fileURLWithPath: path).path
    var missing: [String] = []
    while !existing.isEmpty, existing != "/", !FileManager.default.fileExists(atPath: existing) {
      let url = URL(fileURLWithPath: existing)
      missing.insert(url.lastPathComponent, at: 0)
      existing = url.deletingLastPathComponent().path
    }
    if missing.contains("..") { throw OutputRefused("\(path): '..' after a folder that does not exist") }
    guard let resolved = realpath(existing.isEmpty ? "/" : existing, nil) else {
      throw OutputRefused("\(path): cannot resolve \(existing)")
    }
    defer { free(resolved) }
    var result = String(cString: resolved)
    for part in missing where part != "." { result += (result.hasSuffix("/") ? "" : "/") + part }
    return result
  }

  /// True when `path` is `folder` or lies below it (both canonical), by path or by device and inode of `path`'s
  /// existing ancestors.
  public static func isInside(_ path: String, _ folder: String) -> Bool {
    if path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") { return true }
    var wanted = stat()
    guard stat(folder, &wanted) == 0 else { return false }
    var current = path
    while true {
      var info = stat()
      if stat(current, &info) == 0, info.st_dev == wanted.st_dev, info.st_ino == wanted.st_ino { return true }
      if current == "/" || current.isEmpty { return false }
      current = URL(fileURLWithPath: current).deletingLastPathComponent().path
    }
  }

  /// True when the two canonical folders are the same folder (by path, or by device and inode when both exist).
  public static func sameFolder(_ a: String, _ b: String) -> Bool {
    if a == b { return true }
    var x = stat()
    var y = stat()
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino
  }

  /// A file about to be written (`-o`, `--also-write`, `--svg`): refused in the evidence file's own folder, and
  /// refused when it is the evidence file.
  public static func checkFile(_ output: String, evidence: String) throws {
    let target = try canonical(output)
    let evidencePath = try canonical(evidence)
    if target == evidencePath { throw OutputRefused("refusing to overwrite the evidence file \(evidencePath)") }
    let targetFolder = URL(fileURLWithPath: target).deletingLastPathComponent().path
    let evidenceFolder = URL(fileURLWithPath: evidencePath).deletingLastPathComponent().path
    if sameFolder(targetFolder, evidenceFolder) {
      throw OutputRefused("refusing to write \(output) into the evidence folder \(evidenceFolder); choose another folder")
    }
  }

  /// A folder about to be filled with extracted files: refused when it is the evidence file's own folder.
  public static func checkFolder(_ output: String, evidence: String) throws {
    let target = try canonical(output)
    let evidenceFolder = URL(fileURLWithPath: try canonical(evidence)).deletingLastPathComponent().path
    if sameFolder(target, evidenceFolder) {
      throw OutputRefused("refusing to extract into the evidence folder \(evidenceFolder); choose another folder")
    }
  }

  /// An output folder for a whole evidence folder (batch): refused inside it, and refused when it holds it.
  public static func checkFolder(_ output: String, evidenceFolder: String) throws {
    let target = try canonical(output)
    let evidence = try canonical(evidenceFolder)
    if isInside(target, evidence) || isInside(evidence, target) {
      throw OutputRefused(
        "refusing to write reports into \(target): it is inside the evidence folder \(evidence) or holds it")
    }
  }
}

/// A path Ringo refuses to write to (beside the evidence, over it, or unresolvable); a usage error (exit 2).
public struct OutputRefused: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// Writes a report to standard output, or to a file ``EvidenceGuard`` has allowed.
public enum OutputPolicy {
  public static func write(_ text: String, to output: String?) throws {
    if let output {
      try OutputFiles.write(Array(text.utf8), to: output)  // a temporary name, renamed once whole
    } else {
      FileHandle.standardOutput.write(Data(text.utf8))
    }
  }
}
