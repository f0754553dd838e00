/// `ringo scan IMAGE`: bytes per content class, the entropy strip and the whole-image encryption call
/// (`ringo.scan/1`).
public struct ScanReport: Sendable, Codable, Equatable {
  public static let schemaID = "ringo.scan/1"

  public var schema = ScanReport.schemaID
  public var tool: TriageReport.Tool
  public var path: String
  public var blockSize: Int
  public var scannedBytes: Int
  /// True when the image holds no bytes at all: there is nothing to classify, and that is the result.
  public var empty: Bool
  /// Wall-clock seconds of the scan (null when not measured).
  @Nullable public var seconds: Double?
  public var threads: Int
  /// `exact` (every block's full histogram; what triage reports use) or `two-stage` (a sample decides clearly
  /// high-entropy blocks).
  public var mode: String
  /// With `--sample N`: one window in every N was scanned, and the shares are of the scanned bytes (null: all).
  @Nullable public var sampleEvery: Int?
  /// The image's size; `scanned_bytes` is less when sampling.
  public var imageBytes: Int
  /// Bytes and blocks per content class, in the fixed class order.
  public var classes: [ClassCount]
  /// The terminal entropy bar, one string per line (empty when nothing was scanned).
  public var entropyBar: [String]
  public var fillBytes: Int
  public var dataBytes: Int
  public var encryptedFraction: Double
  public var highEntropyFraction: Double
  public var wholeImageEncrypted: Bool
  public var errors: [TriageReport.ReportError]

  public init(
    tool: TriageReport.Tool, path: String, blockSize: Int, scannedBytes: Int, empty: Bool, seconds: Double?,
    threads: Int, mode: String = "exact", sampleEvery: Int? = nil, imageBytes: Int? = nil, classes: [ClassCount], entropyBar: [String], fillBytes: Int, dataBytes: Int,
    encryptedFraction: Double, highEntropyFraction: Double, wholeImageEncrypted: Bool,
    errors: [TriageReport.ReportError]
  ) {
    self.tool = tool
    self.path = path
    self.blockSize = blockSize
    self.scannedBytes = scannedBytes
    self.empty = empty
    self.seconds = seconds
    self.threads = threads
    self.mode = mode
    self.sampleEvery = sampleEvery
    self.imageBytes = imageBytes ?? scannedBytes
    self.classes = classes
    self.entropyBar = entropyBar
    self.fillBytes = fillBytes
    self.dataBytes = dataBytes
    self.encryptedFraction = encryptedFraction
    self.highEntropyFraction = highEntropyFraction
    self.wholeImageEncrypted = wholeImageEncrypted
    self.errors = errors
  }

  enum CodingKeys: String, CodingKey {
    case schema, tool, path, blockSize = "block_size", scannedBytes = "scanned_bytes", empty, seconds, threads
    case mode, sampleEvery = "sample_every", imageBytes = "image_bytes"
    case classes, entropyBar = "entropy_bar", fillBytes = "fill_bytes", dataBytes = "data_bytes"
    case encryptedFraction = "encrypted_fraction", highEntropyFraction = "high_entropy_fraction"
    case wholeImageEncrypted = "whole_image_encrypted", errors
  }

  public struct ClassCount: Sendable, Codable, Equatable {
    public var regionClass: String
    public var bytes: Int
    public var blocks: Int
    public init(regionClass: String, bytes: Int, blocks: Int) {
      self.regionClass = regionClass
      self.bytes = bytes
      self.blocks = blocks
    }
    enum CodingKeys: String, CodingKey { case regionClass = "class", bytes, blocks }
  }
}
