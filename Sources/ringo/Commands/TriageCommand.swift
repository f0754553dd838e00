import ArgumentParser
import Foundation
import ImageAccess
import ReportModel
import Reporting
import Triage

struct TriageCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "triage",
    abstract: "Triage an image: container, volumes, free space, encryption, findings and a verdict.",
    discussion: """
      IMAGE is a raw APFS container, a GPT disk image holding an APFS partition or a DMG of either, also stored \
      as an E01 set (give x.E01) or a split raw set (give x.001, x.000 or x.aa). It is opened read-only and \
      never modified; nothing is written beside it. The verdict is one of: recoverable, \
      recoverable-with-credentials, recoverable-on-original-device, unrecoverable-without-vendor, not-apfs, damaged.

      Encrypted (FileVault) volumes are unlocked with --password-file F, --password - (standard input), the \
      RINGO_PASSWORD environment variable or --recovery-key; the report then counts the files behind the lock. \
      A wrong password exits with code 4 after writing the report (with the passphrase hint).

      Examples:
        ringo triage Samples/ios-full.img
        ringo triage --format json --no-hash -o /tmp/report.json image.img
        ringo triage --min-free 10% --lang ja image.img
        ringo triage --password-file /cases/42/password.txt filevault.img
      """
  )

  @Argument(help: "The evidence image (raw APFS container, GPT disk image, DMG, E01 set or split raw set).")
  var image: String

  @Option(name: .shortAndLong, help: "Output format: text, json or markdown.")
  var format: OutputFormat = .text

  @Option(name: .shortAndLong, help: "Write the report to FILE instead of standard output (never beside the evidence).")
  var output: String?

  @Option(help: "Language of the explanations: en or ja.")
  var lang: String = "en"

  @Flag(help: "Skip the SHA-256 of the evidence (on by default, for chain of custody).")
  var noHash = false

  @Flag(
    inversion: .prefixedNo,
    help: "Scan the bytes (content classes, whole-image encryption); by default only when no container is found.")
  var scan: Bool?

  @Option(
    name: .customLong("also-write"),
    help: ArgumentHelp(
      "Also write the report to FILE, in the format its extension names (.txt, .md, .json); repeatable.",
      valueName: "file"))
  var alsoWrite: [String] = []

  @OptionGroup(title: "Encrypted volumes") var credentials: CredentialOptions

  @OptionGroup(title: "Apple Encrypted Archives (X.dmg.aea: triaged in memory, nothing decrypted is written)")
  var aea: AEAKeyOptions

  @OptionGroup var aeaSignature: AEASignatureOptions
  @Option(help: "Progress on standard error: auto (a line, only when it is a terminal), json (one line a second), none.")
  var progress: ProgressLine.Mode = .auto

  @Flag(help: "Print no progress.")
  var quiet = false

  @Option(help: "The IPSW the device tried to install: adds the update's space need and its kernel facts.")
  var ipsw: String?

  @Option(
    help: ArgumentHelp(
      "Free-space threshold for low-free-space: bytes (e.g. 2GiB, 500M, 1073741824) or a percentage (e.g. 5%).",
      discussion: "Default: max(1 GiB, 5% of capacity) for containers of 8 GiB or more, 5% below that."))
  var minFree: String?

  func validate() throws {
    guard Language(rawValue: lang) != nil else {
      throw ValidationError("--lang must be en or ja, not '\(lang)'")
    }
    if let minFree, MinFreeThreshold(parsing: minFree) == nil {
      throw ValidationError("--min-free takes bytes with an optional unit (2GiB, 500M) or a percentage (5%), not '\(minFree)'")
    }
    if let output {
      try refusingOutput { try EvidenceGuard.checkFile(output, evidence: image) }
    }
    for extra in alsoWrite {
      guard Self.format(ofPath: extra) != nil else {
        throw ValidationError("--also-write needs a file ending in .txt, .md or .json, not '\(extra)'")
      }
      try refusingOutput { try EvidenceGuard.checkFile(extra, evidence: image) }
    }
  }

  /// The report format a file name asks for, by its extension.
  static func format(ofPath path: String) -> OutputFormat? {
    OutputFormat(pathExtension: URL(fileURLWithPath: path).pathExtension)
  }

  func run() throws {
    var options = TriageOptions()
    options.hash = !noHash
    options.scan = scan
    options.ipswPath = ipsw
    options.language = Language(rawValue: lang) ?? .en
    if let minFree, let parsed = MinFreeThreshold(parsing: minFree) { options.minFree = parsed }
    options.credential = try credentials.credential()
    options.aeaKey = try aea.key()
    options.aeaSigningKey = try aeaSignature.signingKey()
    let counter = ByteProgress()
    let line = ProgressLine(mode: progress, quiet: quiet, language: options.language, progress: counter)
    if line != nil { options.progress = counter }
    line?.begin()
    let report: TriageReport
    do {
      defer { line?.end() }
      report = try Triage.run(path: image, options: options, toolVersion: RingoVersion.string)
    } catch {
      throw EvidenceUnreadable(underlying: error)
    }
    for extra in alsoWrite {
      if let extraFormat = Self.format(ofPath: extra) { try OutputPolicy.write(try report.rendered(as: extraFormat), to: extra) }
    }
    try OutputPolicy.write(try report.rendered(as: format), to: output)
    try WrongCredentials.check(report, reportWritten: true)
  }
}
