import ArgumentParser
import BatchRunner
import Foundation
import ReportModel
import Triage

/// `ringo batch FOLDER -o OUTDIR`: a triage report for every file of an evidence folder.
///
/// Options and wiring only: the folder walk, the child processes, timeouts, signals and the summary model are the
/// `BatchRunner` library's.
struct Batch: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "batch",
    abstract: "Triage every file of an evidence folder; JSON reports and a summary go to another folder.",
    discussion: """
      Walks FOLDER recursively (symbolic links are listed, not followed), runs `ringo triage --format json` on \
      every regular file in its own process, and writes OUTDIR/reports/<path>.report.json for each, plus \
      OUTDIR/summary.json (ringo.batch/1) and OUTDIR/summary.txt, which is also printed. A file that cannot be \
      opened, that crashes or that runs past --timeout is recorded with the reason and the batch goes on.

      OUTDIR must not exist or be empty, and must not be inside FOLDER (nor FOLDER inside it). Exit status: 0 when \
      every regular file got a report, whatever the verdicts (links and special files are listed as skipped); 1 \
      when some file did not (see the summary); 2 usage error.

      Examples:
        ringo batch /evidence/2026-12 -o /cases/2026-12/triage
        ringo batch --also text --lang ja /evidence/2026-12 -o /cases/2026-12/triage-ja
        ringo batch --no-hash --jobs 2 /evidence/incoming -o /tmp/triage-incoming
      """
  )

  @Argument(help: "The evidence folder (read-only; nothing is written in it).")
  var folder: String

  @Option(name: .shortAndLong, help: "Folder for the reports and the summary (new or empty; not in the evidence folder).")
  var output: String

  @Option(help: "Language of the explanations in the reports: en or ja.")
  var lang: String = "en"

  @Flag(help: "Skip the SHA-256 of each file.")
  var noHash = false

  @Flag(inversion: .prefixedNo, help: "Content scan for every file (by default only where no container is found).")
  var scan: Bool?

  @Option(help: "Free-space threshold for low-free-space, as for `ringo triage`.")
  var minFree: String?

  @Option(
    help: ArgumentHelp(
      "Also write each report as text or markdown beside its JSON (a copy for the customer, in --lang); repeatable.",
      valueName: "format"))
  var also: [OutputFormat] = []

  @Option(help: "Files triaged at the same time (1 to 64).")
  var jobs: Int = 1

  @Option(help: "Seconds one file may take before its triage is stopped and recorded as timed out.")
  var timeout: Double = 3600

  @OptionGroup var progressOptions: ProgressOptions

  func validate() throws {
    guard Language(rawValue: lang) != nil else { throw ValidationError("--lang must be en or ja, not '\(lang)'") }
    if let minFree, MinFreeThreshold(parsing: minFree) == nil {
      throw ValidationError("--min-free takes bytes with an optional unit (2GiB, 500M) or a percentage (5%), not '\(minFree)'")
    }
    guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1 to 64, not \(jobs)") }
    guard timeout > 0, timeout <= 1e7 else { throw ValidationError("--timeout must be a positive number of seconds") }
    try refusingOutput { try BatchPlan.checkFolders(evidence: folder, output: output) }
  }

  func run() throws {
    var childOptions = ["--lang", lang]
    if noHash { childOptions.append("--no-hash") }
    if let scan { childOptions.append(scan ? "--scan" : "--no-scan") }
    if let minFree { childOptions += ["--min-free", minFree] }
    let plan = try BatchPlan(evidence: folder, output: output)
    var runner = BatchRunner(
      plan: plan, executable: BatchRunner.ownExecutable, childOptions: childOptions, extraFormats: also, jobs: jobs,
      timeout: timeout)
    let summary = progressOptions.showing(Language(rawValue: lang) ?? .en) { progress in
      runner.progress = progress
      return runner.summary(toolVersion: RingoVersion.string)
    }
    FileHandle.standardOutput.write(Data(try plan.write(summary, language: Language(rawValue: lang) ?? .en).utf8))
    if summary.missingReports > 0 {
      let files = summary.files.filter { $0.status != .skipped }.count
      throw CommandFailure(
        description: "\(summary.missingReports) of \(files) files got no report; see \(plan.output)/summary.txt")
    }
  }
}
