import ArgumentParser
import Foundation
import ImageAccess
import Reporting
import Triage

struct Map: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "map",
    abstract: "Classify every block of the container from its structures and print the runs and a summary.",
    discussion: """
      Classes: container-metadata, volume-metadata, file-plaintext, file-encrypted, free, unknown (allocated but \
      not explained by any structure Ringo walks, e.g. data of snapshots or of a volume whose tree is encrypted).

      Examples:
        ringo map image.img
        ringo map --summary image.img
      """
  )

  @Argument(help: "The evidence image.")
  var image: String

  @Flag(help: "Print only the per-class summary.")
  var summary = false

  @OptionGroup(title: "Encrypted volumes") var credentials: CredentialOptions

  func run() throws {
    var options = TriageOptions()
    options.hash = false
    options.runLimit = Int.max
    options.credential = try credentials.credential()
    let report: TriageReport
    do {
      report = try Triage.run(path: image, options: options, toolVersion: RingoVersion.string)
    } catch {
      throw EvidenceUnreadable(underlying: error)
    }
    if let refused = report.container?.volumes.first(where: { $0.unlock?.state == "wrong-credentials" }) {
      throw WrongCredentials(description: "the supplied credentials did not unlock \"\(refused.name)\"")
    }
    guard let regions = report.regions else {
      throw CommandFailure(description: "no structural map: \(report.verdict.summary)")
    }
    var out = ""
    if !summary {
      out += "offset\tlength\tclass\n"
      for run in regions.runs { out += "\(run.offset)\t\(run.length)\t\(run.regionClass)\n" }
      out += "\n"
    }
    let total = regions.summaryBytes.values.reduce(0, +)
    for (name, bytes) in regions.summaryBytes.sorted(by: { $0.key < $1.key }) {
      let share = total > 0 ? Double(bytes) / Double(total) : 0
      out += "\(name)\t\(bytes)\t\(ByteText.percent(share))\n"
    }
    out += "runs\t\(regions.runsTotal)\n"
    for error in report.errors { out += "error\t\(error.code)\t\(error.offset.map(String.init) ?? "-")\t\(error.message)\n" }
    FileHandle.standardOutput.write(Data(out.utf8))
  }
}
