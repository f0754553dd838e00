import ArgumentParser
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

  @OptionGroup var language: LanguageOption

  @OptionGroup(title: "Encrypted volumes") var credentials: CredentialOptions

  @OptionGroup(title: "Apple Encrypted Archives (X.dmg.aea: read in memory, nothing decrypted is written)")
  var aea: AEAKeyOptions

  func run() throws {
    var options = TriageOptions()
    options.hash = false
    options.runLimit = Int.max
    options.language = language.language
    options.credential = try credentials.credential()
    options.aeaKey = try aea.key()
    let report: TriageReport
    do {
      report = try Triage.run(path: image, options: options, toolVersion: RingoVersion.string)
    } catch {
      throw EvidenceUnreadable(underlying: error)
    }
    try WrongCredentials.check(report, reportWritten: false)
    guard report.regions != nil else {
      throw CommandFailure(description: "no structural map: \(report.verdict.summary)")
    }
    try OutputPolicy.write(RegionMapTextRenderer(summaryOnly: summary, language: language.language).render(report), to: nil)
  }
}
