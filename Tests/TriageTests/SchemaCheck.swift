import Foundation
import Reporting
import TestSupport
import Triage

/// Validates report JSON against ../shared/docs/report-schema.json with Python's `jsonschema` (installed by .ci/run),
/// an implementation independent of Ringo.
enum SchemaCheck {
  struct Invalid: Error, CustomStringConvertible {
    var description: String
  }

  static var schemaPath: String {
    RealImages.sharedFolder.appendingPathComponent("docs/report-schema.json").path
  }

  /// Returns true when valid; throws with the validator's message otherwise.
  static func validate(_ report: TriageReport) throws -> Bool {
    let json = try report.rendered(as: .json)
    let file = try Scratch.file(Array(json.utf8), name: "report.json")
    let script = """
      import json, sys, jsonschema
      schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
      jsonschema.Draft202012Validator(schema).validate(doc)
      print("valid")
      """
    let (status, output) = try RealImages.run("python3", ["-c", script, schemaPath, file])
    guard status == 0, output.contains("valid") else {
      throw Invalid(description: "report does not match report-schema.json (status \(status)): \(output)\n\(json)")
    }
    return true
  }
}
