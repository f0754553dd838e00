import BlockScan
import RegionMap
import ReportModel

extension ScanReport {
  /// The classes in the order the report lists them.
  static let classOrder: [RegionClass] = [.zero, .text, .compressed, .encrypted, .apfsObject, .unknown]

  /// Models a content scan's result; `barWidth` is the terminal entropy bar's width in columns.
  public init(
    _ result: ScanResult, path: String, seconds: Double?, barWidth: Int, toolVersion: String,
    mode: String = "exact", sampleEvery: Int? = nil, imageBytes: Int? = nil
  ) {
    let assessment = result.encryptionAssessment()
    let bar =
      result.strip.points.isEmpty
      ? [] : EntropyGraph.terminalBar(result.strip, width: barWidth).split(separator: "\n").map(String.init)
    self.init(
      tool: .init(version: toolVersion), path: path, blockSize: result.blockSize, scannedBytes: result.scannedBytes,
      empty: result.scannedBytes == 0 && result.errors.contains { $0.code == "empty-image" }, seconds: seconds,
      threads: result.threads, mode: mode, sampleEvery: sampleEvery, imageBytes: imageBytes,
      classes: Self.classOrder.map {
        ClassCount(regionClass: $0.rawValue, bytes: result.bytesByClass[$0] ?? 0, blocks: result.blockCounts[$0] ?? 0)
      },
      entropyBar: bar, fillBytes: result.fillBytes, dataBytes: assessment.nonZeroBytes,
      encryptedFraction: assessment.encryptedFraction, highEntropyFraction: assessment.highEntropyFraction,
      wholeImageEncrypted: assessment.isWholeImageEncrypted,
      errors: result.errors.map { .init(code: $0.code, offset: $0.offset, message: $0.description) })
  }
}
