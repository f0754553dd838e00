/// `ringo batch`: what happened to every file of an evidence folder (`summary.json`, `ringo.batch/1`).
public struct BatchSummary: Sendable, Codable, Equatable {
  public static let schemaID = "ringo.batch/1"

  public var schema = BatchSummary.schemaID
  public var tool: TriageReport.Tool
  /// The evidence folder (canonical path).
  public var folder: String
  /// The folder the reports went to (an added field).
  public var output: String
  public var files: [File]
  public var counts: Counts

  public init(tool: TriageReport.Tool, folder: String, output: String, files: [File]) {
    self.tool = tool
    self.folder = folder
    self.output = output
    self.files = files
    counts = Counts(files)
  }

  /// What happened to one file.
  public struct File: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
      case report, unreadable, failed, crashed, timeout, skipped
    }

    /// Path relative to the evidence folder.
    public var path: String
    @Nullable public var sizeBytes: Int?
    public var status: Status
    @Nullable public var verdict: String?
    public var findings: [String]
    @Nullable public var sha256: String?
    /// How many errors the report lists.
    @Nullable public var errors: Int?
    /// The report's path relative to the output folder.
    @Nullable public var report: String?
    @Nullable public var message: String?

    public init(
      path: String, sizeBytes: Int?, status: Status, verdict: String? = nil, findings: [String] = [],
      sha256: String? = nil, errors: Int? = nil, report: String? = nil, message: String? = nil
    ) {
      self.path = path
      self.sizeBytes = sizeBytes
      self.status = status
      self.verdict = verdict
      self.findings = findings
      self.sha256 = sha256
      self.errors = errors
      self.report = report
      self.message = message
    }

    enum CodingKeys: String, CodingKey {
      case path, sizeBytes = "size_bytes", status, verdict, findings, sha256, errors, report, message
    }
  }

  /// Files per status and per verdict.
  public struct Counts: Sendable, Codable, Equatable {
    public var status: [String: Int]
    public var verdict: [String: Int]
    public init(_ files: [File]) {
      status = [:]
      verdict = [:]
      for file in files {
        status[file.status.rawValue, default: 0] += 1
        if let v = file.verdict { verdict[v, default: 0] += 1 }
      }
    }
  }

  /// Files that should have had a report and did not (skipped links and special files are not counted).
  public var missingReports: Int { files.filter { $0.status != .report && $0.status != .skipped }.count }
}
