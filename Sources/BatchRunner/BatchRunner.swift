import Dispatch
import Foundation
import ImageAccess
import ReportModel
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs one child `ringo triage --format json` per file of a ``BatchPlan``, `jobs` at a time, and reads each child's
/// report back with the ``TriageReport`` model.
///
/// Every file gets its own process, so a file that hangs or crashes the reader (a hardware read error under a mapping
/// raises SIGBUS) costs that file only: the batch records it and goes on. A child past the timeout is sent SIGTERM,
/// then SIGKILL; a signal to the batch is passed on to every running child. A file without a report leaves no
/// partial report behind.
public struct BatchRunner: Sendable {
  public let plan: BatchPlan
  /// The `ringo` binary the children run.
  public let executable: String
  /// Options passed to every child's `triage` (language, hashing, scan, threshold).
  public let childOptions: [String]
  /// Text or Markdown copies written next to each JSON report (`.report.txt`, `.report.md`).
  public var extraFormats: [OutputFormat] = []
  public let jobs: Int
  /// Seconds one child may run.
  public let timeout: Double
  /// The child's exit status for evidence that cannot be opened.
  public var unreadableStatus: Int32 = 3
  /// Bytes of evidence triaged so far out of all, and the file being triaged (for a progress line).
  public var progress: ByteProgress? = nil

  public init(
    plan: BatchPlan, executable: String, childOptions: [String], extraFormats: [OutputFormat] = [], jobs: Int,
    timeout: Double
  ) {
    self.plan = plan
    self.executable = executable
    self.childOptions = childOptions
    self.extraFormats = extraFormats.filter { $0 != .json }
    self.jobs = jobs
    self.timeout = timeout
  }

  /// This program's own binary, for the child processes.
  public static var ownExecutable: String {
    #if os(Linux)
      let own = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
      if FileManager.default.isExecutableFile(atPath: own) { return own }
    #endif
    return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
  }

  /// Triages every entry of the plan; one outcome per entry, in the plan's order.
  public func run() -> [BatchSummary.File] {
    let entries = plan.entries
    progress?.expect(entries.reduce(0) { $0 + ($1.size ?? 0) })
    let results = Mutex<[BatchSummary.File?]>(Array(repeating: nil, count: entries.count))
    let next = Atomic<Int>(0)
    let work: @Sendable () -> Void = { [self] in
      while true {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard index < entries.count else { return }
        progress?.current = entries[index].relative
        let outcome = triage(entries[index])
        progress?.advance(entries[index].size ?? 0)
        results.withLock { $0[index] = outcome }
      }
    }
    let signals = ChildProcesses.forwardTerminationSignals()
    defer { signals.forEach { $0.cancel() } }
    let workers = min(jobs, entries.count)
    if workers <= 1 {
      work()
    } else {
      // One thread per job: the workers spend their time waiting for children, so they must not be capped at the
      // core count the way `concurrentPerform` caps its iterations.
      let group = DispatchGroup()
      for _ in 0..<workers {
        group.enter()
        Thread {
          work()
          group.leave()
        }.start()
      }
      group.wait()
    }
    return results.withLock { $0 }.map { $0! }  // every index below entries.count was filled above
  }

  /// The whole batch: runs it and returns the summary model.
  public func summary(toolVersion: String) -> BatchSummary {
    BatchSummary(tool: .init(version: toolVersion), folder: plan.evidence, output: plan.output, files: run())
  }

  /// The child's arguments for one file.
  func arguments(report: String, extras: [String], evidence: String) -> [String] {
    ["triage", "--format", "json", "-o", report] + extras.flatMap { ["--also-write", $0] } + childOptions
      + ["--", evidence]
  }

  func triage(_ entry: BatchPlan.Entry) -> BatchSummary.File {
    var outcome = BatchSummary.File(path: entry.relative, sizeBytes: entry.size, status: .skipped)
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
    let extraPaths = extraFormats.map { plan.reportPath(entry, format: $0) }
    do {
      try FileManager.default.createDirectory(
        atPath: URL(fileURLWithPath: reportPath).deletingLastPathComponent().path, withIntermediateDirectories: true)
    } catch {
      outcome.status = .failed
      outcome.message = "cannot create the report's folder: \(error.localizedDescription)"
      return outcome
    }
    let child = supervise(arguments(report: reportPath, extras: extraPaths, evidence: entry.path))
    switch child {
    case .notStarted(let why):
      outcome.status = .failed
      outcome.message = "cannot start \(executable): \(why)"
    case .timedOut:
      outcome.status = .timeout
      outcome.message = "stopped after \(timeout) s"
    case .signalled(let signal, let stderr):
      outcome.status = .crashed
      outcome.message =
        "the triage process died on signal \(signal)"
        + (stderr.isEmpty ? "" : ": \(stderr.split(separator: "\n").first ?? "")")
    case .exited(let status, let stderr) where status == unreadableStatus:
      outcome.status = .unreadable
      outcome.message = stderr.isEmpty ? "cannot be opened" : stderr
    case .exited(let status, let stderr) where status != 0:
      outcome.status = .failed
      outcome.message = "exit status \(status)" + (stderr.isEmpty ? "" : ": \(stderr)")
    case .exited:
      outcome.status = .report
      outcome.report = BatchPlan.relative(reportPath, to: plan.output)
      Self.readFacts(reportPath, into: &outcome)
    }
    if outcome.status != .report {  // no partial reports
      for path in [reportPath] + extraPaths { try? FileManager.default.removeItem(atPath: path) }
    }
    return outcome
  }

  /// How a child ended.
  enum ChildEnd: Equatable {
    case notStarted(String)
    case timedOut
    case signalled(Int32, stderr: String)
    case exited(Int32, stderr: String)
  }

  /// Runs `executable` with `arguments` under the timeout, keeping the tail of its standard error.
  func supervise(_ arguments: [String]) -> ChildEnd {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
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
      return .notStarted(error.localizedDescription)
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
    if timedOut { return .timedOut }
    if process.terminationReason == .uncaughtSignal { return .signalled(process.terminationStatus, stderr: stderr) }
    return .exited(process.terminationStatus, stderr: stderr)
  }

  /// The verdict, findings, hash and error count of a report a child wrote, decoded with the ``TriageReport``
  /// model after checking its `schema`; a report that is not `ringo.triage/1` marks the file failed.
  static func readFacts(_ path: String, into outcome: inout BatchSummary.File) {
    guard let data = FileManager.default.contents(atPath: path) else {
      outcome.status = .failed
      outcome.message = "the report at \(path) cannot be read back"
      return
    }
    guard ReportJSON.schema(of: data) == TriageReport.schemaID else {
      outcome.status = .failed
      outcome.message = "the report at \(path) is not a \(TriageReport.schemaID) document"
      return
    }
    do {
      let report = try ReportJSON.decode(TriageReport.self, from: data)
      outcome.verdict = report.verdict.verdictClass.rawValue
      outcome.findings = report.findings.map(\.code)
      outcome.sha256 = report.evidence.sha256
      outcome.errors = report.errors.count
    } catch {
      outcome.status = .failed
      outcome.message = "the report at \(path) cannot be decoded: \(error)"
    }
  }
}
