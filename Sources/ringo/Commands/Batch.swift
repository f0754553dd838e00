import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import Triage

#if canImport(Glibc)
  import Glibc
#endif

/// `ringo batch FOLDER -o OUTDIR`: a triage report for every file of an evidence folder.
///
/// Every file is triaged by a child `ringo triage` process, so a file that hangs or crashes the reader (a hardware
/// read error under a mapping raises SIGBUS) costs that file only: the batch records it and goes on. Reports mirror
/// the folder's layout under OUTDIR/reports (so no evidence name can collide with the summaries), and OUTDIR must be
/// empty or new and outside the evidence folder; nothing is written in the evidence folder.
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
  var also: [Ringo.ReportFormat] = []

  @Option(help: "Files triaged at the same time (1 to 64).")
  var jobs: Int = 1

  @Option(help: "Seconds one file may take before its triage is stopped and recorded as timed out.")
  var timeout: Double = 3600

  func validate() throws {
    guard Language(rawValue: lang) != nil else { throw ValidationError("--lang must be en or ja, not '\(lang)'") }
    if let minFree, MinFreeThreshold(parsing: minFree) == nil {
      throw ValidationError("--min-free takes bytes with an optional unit (2GiB, 500M) or a percentage (5%), not '\(minFree)'")
    }
    guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1 to 64, not \(jobs)") }
    guard timeout > 0, timeout <= 1e7 else { throw ValidationError("--timeout must be a positive number of seconds") }
    try BatchPlan.checkFolders(evidence: folder, output: output)
  }

  func run() throws {
    var childOptions = ["--lang", lang]
    if noHash { childOptions.append("--no-hash") }
    if let scan { childOptions.append(scan ? "--scan" : "--no-scan") }
    if let minFree { childOptions += ["--min-free", minFree] }
    let plan = try BatchPlan(evidence: folder, output: output)
    let extraFormats = also.filter { $0 != .json }
    let outcomes = BatchRunner(
      plan: plan, executable: BatchRunner.ownExecutable, childOptions: childOptions, extraFormats: extraFormats,
      jobs: jobs, timeout: timeout
    ).run()
    let summary = BatchSummary(plan: plan, outcomes: outcomes, version: RingoVersion.string)
    let text = summary.text(words: Words(Language(rawValue: lang) ?? .en))
    try Data(summary.json().utf8).write(to: URL(fileURLWithPath: plan.output).appendingPathComponent("summary.json"))
    try Data(text.utf8).write(to: URL(fileURLWithPath: plan.output).appendingPathComponent("summary.txt"))
    FileHandle.standardOutput.write(Data(text.utf8))
    let missing = outcomes.filter { $0.status != .report && $0.status != .skipped }.count
    if missing > 0 {
      let files = outcomes.filter { $0.status != .skipped }.count
      throw CommandFailure(description: "\(missing) of \(files) files got no report; see \(plan.output)/summary.txt")
    }
  }
}

/// The files to triage and where their reports go.
struct BatchPlan {
  /// A file of the evidence folder, by its path relative to the folder.
  struct Entry {
    var relative: String
    var path: String
    var size: Int?
    /// Why the entry is not triaged (a symbolic link, a device, socket or pipe); nil to triage it.
    var skipped: String?
    /// Why the entry could not even be listed (an unreadable folder): evidence that was not triaged.
    var unlisted: String?

    init(relative: String, path: String, size: Int?, skipped: String? = nil, unlisted: String? = nil) {
      self.relative = relative
      self.path = path
      self.size = size
      self.skipped = skipped
      self.unlisted = unlisted
    }
  }

  let evidence: String
  let output: String
  let entries: [Entry]

  /// Refuses an output folder inside the evidence folder or holding it (``EvidenceGuard``), one that is a file, and
  /// one that already holds something.
  static func checkFolders(evidence: String, output: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: evidence, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ValidationError("\(evidence) is not a folder")
    }
    try EvidenceGuard.checkFolder(output, evidenceFolder: evidence)
    let outputPath = try EvidenceGuard.canonical(output)
    if FileManager.default.fileExists(atPath: outputPath, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw ValidationError("\(outputPath) exists and is not a folder") }
      let contents = (try? FileManager.default.contentsOfDirectory(atPath: outputPath)) ?? ["?"]
      guard contents.isEmpty else {
        throw ValidationError("\(outputPath) is not empty; reports are never overwritten, choose a new folder")
      }
    }
  }

  /// Lists the folder (sorted by relative path) and creates the output folder.
  init(evidence: String, output: String) throws {
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

  /// Where the report of `entry` goes: the same relative path under the output folder, plus `.report.json` (or
  /// `.report.txt`, `.report.md` for the copies).
  func reportPath(_ entry: Entry, format: Ringo.ReportFormat = .json) -> String {
    let suffix =
      switch format {
      case .json: ".report.json"
      case .text: ".report.txt"
      case .markdown: ".report.md"
      }
    return URL(fileURLWithPath: output).appendingPathComponent("reports").appendingPathComponent(entry.relative + suffix)
      .path
  }
}

/// What happened to one file.
struct BatchOutcome: Sendable {
  enum Status: String, Sendable {
    case report, unreadable, failed, crashed, timeout, skipped
  }

  var relative: String
  var size: Int?
  var status: Status
  var verdict: String?
  var findings: [String] = []
  var sha256: String?
  var errors: Int?
  var report: String?
  var message: String?
}

/// Runs one child `ringo triage` per file, `jobs` at a time.
struct BatchRunner {
  let plan: BatchPlan
  let executable: String
  let childOptions: [String]
  /// Text or Markdown copies written next to each JSON report (`.report.txt`, `.report.md`).
  var extraFormats: [Ringo.ReportFormat] = []
  let jobs: Int
  let timeout: Double

  /// This program's own binary, for the child processes.
  static var ownExecutable: String {
    #if os(Linux)
      let own = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
      if FileManager.default.isExecutableFile(atPath: own) { return own }
    #endif
    return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
  }

  func run() -> [BatchOutcome] {
    let entries = plan.entries
    let results = Mutex<[BatchOutcome?]>(Array(repeating: nil, count: entries.count))
    let next = Atomic<Int>(0)
    let work: @Sendable (Int) -> Void = { [self] _ in
      while true {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard index < entries.count else { return }
        let outcome = triage(entries[index])
        results.withLock { $0[index] = outcome }
      }
    }
    let signals = ChildProcesses.forwardTerminationSignals()
    defer { signals.forEach { $0.cancel() } }
    let workers = min(jobs, entries.count)
    if workers <= 1 {
      work(0)
    } else {
      // One thread per job: the workers spend their time waiting for children, so they must not be capped at the
      // core count the way `concurrentPerform` caps its iterations.
      let group = DispatchGroup()
      for worker in 0..<workers {
        group.enter()
        let thread = Thread {
          work(worker)
          group.leave()
        }
        thread.start()
      }
      group.wait()
    }
    return results.withLock { $0 }.map { $0! }  // every index below entries.count was filled above
  }

  func triage(_ entry: BatchPlan.Entry) -> BatchOutcome {
    var outcome = BatchOutcome(relative: entry.relative, size: entry.size, status: .skipped)
    if let reason = entry.skipped {
      outcome.message = reason
      return outcome
    }
    if let reason = entry.unlisted {
      outcome.status = .unreadable
      outcome.message = reason
      return outcome
    }
    let reportPath = plan.reportPath(entry)
    do {
      try FileManager.default.createDirectory(
        atPath: URL(fileURLWithPath: reportPath).deletingLastPathComponent().path, withIntermediateDirectories: true)
    } catch {
      outcome.status = .failed
      outcome.message = "cannot create the report's folder: \(error.localizedDescription)"
      return outcome
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    let extraPaths = extraFormats.map { plan.reportPath(entry, format: $0) }
    process.arguments =
      ["triage", "--format", "json", "-o", reportPath] + extraPaths.flatMap { ["--also-write", $0] } + childOptions
      + ["--", entry.path]
    process.standardOutput = FileHandle.nullDevice
    let errorPipe = Pipe()
    process.standardError = errorPipe
    let errorText = BoundedText(limit: 4096)
    errorPipe.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      if data.isEmpty { handle.readabilityHandler = nil } else { errorText.append(data) }  // empty: end of file
    }
    do {
      try ChildProcesses.start(process)
    } catch {
      outcome.status = .failed
      outcome.message = "cannot start \(executable): \(error.localizedDescription)"
      return outcome
    }
    defer { ChildProcesses.finished(process.processIdentifier) }
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
    var timedOut = false
    while process.isRunning {
      if DispatchTime.now().uptimeNanoseconds > deadline {
        timedOut = true
        process.terminate()
        usleep(500_000)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        break
      }
      usleep(10_000)
    }
    process.waitUntilExit()
    errorPipe.fileHandleForReading.readabilityHandler = nil
    errorText.append(errorPipe.fileHandleForReading.readDataToEndOfFile())
    let stderr = errorText.text.trimmingCharacters(in: .whitespacesAndNewlines)
    if timedOut {
      outcome.status = .timeout
      outcome.message = "stopped after \(timeout) s"
    } else if process.terminationReason == .uncaughtSignal {
      outcome.status = .crashed
      outcome.message = "the triage process died on signal \(process.terminationStatus)"
        + (stderr.isEmpty ? "" : ": \(stderr.split(separator: "\n").first ?? "")")
    } else if process.terminationStatus == ExitCodes.evidenceUnreadable {
      outcome.status = .unreadable
      outcome.message = stderr.isEmpty ? "cannot be opened" : stderr
    } else if process.terminationStatus != 0 {
      outcome.status = .failed
      outcome.message = "exit status \(process.terminationStatus)" + (stderr.isEmpty ? "" : ": \(stderr)")
    } else {
      outcome.status = .report
      outcome.report = BatchPlan.relative(reportPath, to: plan.output)
      readFacts(reportPath, into: &outcome)
    }
    if outcome.status != .report {  // no partial reports
      for path in [reportPath] + extraPaths { try? FileManager.default.removeItem(atPath: path) }
    }
    return outcome
  }

  /// The verdict, findings, hash and error count of a report the child wrote (ringo.triage/1).
  func readFacts(_ path: String, into outcome: inout BatchOutcome) {
    guard let data = FileManager.default.contents(atPath: path),
      let report = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else {
      outcome.status = .failed
      outcome.message = "the report at \(path) cannot be read back"
      return
    }
    outcome.verdict = (report["verdict"] as? [String: Any])?["class"] as? String
    outcome.findings = (report["findings"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []
    outcome.sha256 = (report["evidence"] as? [String: Any])?["sha256"] as? String
    outcome.errors = (report["errors"] as? [Any])?.count
  }
}

/// The batch's running children, so that a batch stopped by a signal stops them too (Foundation starts each child in
/// its own process group, so a Ctrl-C at the terminal reaches only the batch).
enum ChildProcesses {
  private static let running = Mutex<Set<pid_t>>([])
  /// Held while a child starts: corelibs Foundation closes the descriptors it listed in /proc/self/fd, so a pipe
  /// another worker opens meanwhile could leak into this child and hold that worker's read open.
  private static let starting = NSLock()

  static func start(_ process: Process) throws {
    try starting.withLock {
      try process.run()
      running.withLock { _ = $0.insert(process.processIdentifier) }
    }
  }

  static func finished(_ pid: pid_t) {
    running.withLock { _ = $0.remove(pid) }
  }

  /// On SIGINT, SIGTERM or SIGHUP: sends SIGTERM to every running child and exits with 128 + the signal. Returns the
  /// sources, to be cancelled when the batch is done.
  static func forwardTerminationSignals() -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM, SIGHUP].map { signalNumber in
      signal(signalNumber, SIG_IGN)  // the dispatch source gets it instead of the default handler
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        for pid in running.withLock({ $0 }) { kill(pid, SIGTERM) }
        FileHandle.standardError.write(
          Data("ringo: batch stopped by signal \(signalNumber); the output folder is incomplete\n".utf8))
        exit(128 + signalNumber)
      }
      source.resume()
      return source
    }
  }
}

/// Keeps the last `limit` bytes of a child's standard error, so a chatty child cannot grow the batch's memory.
final class BoundedText: Sendable {
  private let storage: Mutex<Data>
  private let limit: Int

  init(limit: Int) {
    self.limit = limit
    storage = Mutex(Data())
  }

  func append(_ data: Data) {
    storage.withLock {
      $0.append(data)
      if $0.count > limit { $0 = Data($0.suffix(limit)) }
    }
  }

  var text: String { storage.withLock { String(decoding: $0, as: UTF8.self) } }
}

/// The batch's summary: `summary.json` (ringo.batch/1) and a text table.
struct BatchSummary {
  let plan: BatchPlan
  let outcomes: [BatchOutcome]
  let version: String

  func counts<K: Hashable>(_ key: (BatchOutcome) -> K?) -> [(K, Int)] where K: Comparable {
    var counts: [K: Int] = [:]
    for outcome in outcomes { if let k = key(outcome) { counts[k, default: 0] += 1 } }
    return counts.sorted { $0.key < $1.key }
  }

  func json() throws -> String {
    func optional(_ value: Any?) -> Any { value ?? NSNull() }
    let files: [[String: Any]] = outcomes.map { o in
      [
        "path": o.relative, "size_bytes": optional(o.size), "status": o.status.rawValue, "verdict": optional(o.verdict),
        "findings": o.findings, "sha256": optional(o.sha256), "errors": optional(o.errors),
        "report": optional(o.report), "message": optional(o.message),
      ]
    }
    let object: [String: Any] = [
      "schema": "ringo.batch/1",
      "tool": ["name": "ringo", "version": version],
      "folder": plan.evidence,
      "files": files,
      "counts": [
        "status": Dictionary(uniqueKeysWithValues: counts { $0.status.rawValue }),
        "verdict": Dictionary(uniqueKeysWithValues: counts { $0.verdict }),
      ],
    ]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  func text(words w: Words = Words(.en)) -> String {
    var lines = ["\(w[.batchOf]) \(plan.evidence): \(outcomes.count) \(w[.files]), \(w[.reportsIn]) \(plan.output)", ""]
    let width = min(60, outcomes.map(\.relative.count).max() ?? 4)
    for o in outcomes {
      let name = o.relative.count > width ? "…" + o.relative.suffix(width - 1) : o.relative
      let padded = name + String(repeating: " ", count: max(0, width - name.count))
      let what: String
      if o.status == .report {
        let findings = o.findings.isEmpty ? "" : "  [" + o.findings.joined(separator: ", ") + "]"
        what = (o.verdict ?? "?") + findings
      } else {
        what = "\(o.status.rawValue): \(o.message ?? "")"
      }
      lines.append("  \(padded)  \(what)")
    }
    lines.append("")
    let verdicts = counts { $0.verdict }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
    let statuses = counts { $0.status.rawValue }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
    lines.append("\(w[.verdicts]): " + (verdicts.isEmpty ? w[.none] : verdicts))
    lines.append("\(w[.filesHeading]): " + statuses)
    return lines.joined(separator: "\n") + "\n"
  }
}
