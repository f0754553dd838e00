import Foundation
import Triage

/// The report as JSON (`ringo.triage/1`), keys sorted so output is byte-for-byte reproducible.
public enum JSONRenderer {
  public static func render(_ report: TriageReport) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
  }
}
