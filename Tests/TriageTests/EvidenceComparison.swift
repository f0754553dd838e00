import Foundation
import Triage

/// Triage of one evidence compared with another's: the same disk stored as E01, split raw, sparse image or bundle
/// must give the raw image's container section and verdict.
enum EvidenceComparison {
  static func triage(_ path: String, hash: Bool = true) throws -> TriageReport {
    var options = TriageOptions()
    options.hash = hash
    return try Triage.run(path: path, options: options, toolVersion: "test")
  }

  /// The container section as JSON with sorted keys, to compare two reports field by field.
  static func containerJSON(_ report: TriageReport) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(report.container), as: UTF8.self)
  }
}
