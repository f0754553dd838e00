import BlockScan
import Foundation
import ReportModel
import Triage

/// A content scan as terminal text: bytes per class, the entropy bar, the encryption call.
public struct ScanTextRenderer: ReportRenderer {
  public var words: Words
  public init(words: Words = Words(.en)) { self.words = words }

  public func render(_ r: ScanReport) -> String {
    let w = words
    var lines: [String] = []
    lines.append("\(w[.contentScanOf]) \(r.path)")
    if r.empty {
      lines.append("  " + w[.emptyImage])
      return lines.joined(separator: "\n") + "\n"
    }
    let blocks = w.catalogue.language == .en ? "in \(r.blockSize)\(w[.blocksOf])" : "\(r.blockSize)\(w[.blocksOf])"
    lines.append(
      "  \(r.scannedBytes) \(w[.bytesUnit]) (\(EntropyGraph.byteText(r.scannedBytes))) \(blocks)"
        + (r.seconds.map {
          String(
            format: ", %.2f \(w[.seconds]), %.2f GB/s, %d \(w[.threads])", $0,
            Double(r.scannedBytes) / max($0, 1e-9) / 1e9, r.threads)
        } ?? ""))
    if let every = r.sampleEvery, every > 1 {
      lines.append("  \(w[.sampledOneWindowIn]) \(every): \(r.scannedBytes) / \(r.imageBytes) \(w[.bytesUnit])")
    }
    if r.mode != "exact" { lines.append("  \(w[.mode]): \(r.mode) (\(w[.exactModeIsReported]))") }
    lines.append("")
    lines.append("  " + padded(w[.regionClass], 15) + padded(w[.bytesUnit], 19) + padded(w[.share], 8) + w[.blocks])
    for c in r.classes {
      let share = r.scannedBytes > 0 ? 100 * Double(c.bytes) / Double(r.scannedBytes) : 0
      let name = c.regionClass.padding(toLength: 13, withPad: " ", startingAt: 0)
      lines.append(
        "  \(name)\(leftPadded(String(c.bytes), 16))  \(String(format: "%6.2f %%", share))  \(leftPadded(String(c.blocks), 7))")
    }
    lines.append("")
    if !r.entropyBar.isEmpty {
      lines.append("  " + w[.entropyLegend])
      for line in r.entropyBar { lines.append("  |" + line + "|") }
      lines.append("")
    }
    if r.fillBytes > 0 {
      lines.append("  \(w[.singleValueFill]): \(r.fillBytes) \(w[.bytesUnit]), \(w[.leftOut])")
    }
    let of = w.catalogue.language == .en ? "of" : "/"
    lines.append(
      "  \(w[.encrypted]): " + String(format: "%.1f %%", r.encryptedFraction * 100) + " \(of) \(r.dataBytes) \(w[.dataBytes]) ("
        + String(format: "%.1f %%", r.highEntropyFraction * 100) + " \(w[.highEntropy])); "
        + "\(w[.wholeImageEncrypted]): \(w.yesNo(r.wholeImageEncrypted))")
    for error in r.errors { lines.append("  \(w[.error]): \(error.message)") }
    return lines.joined(separator: "\n") + "\n"
  }

  private func padded(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
  }

  private func leftPadded(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
  }
}

extension ScanReport: RenderableReport {
  public static var textRenderer: any ReportRenderer<ScanReport> { ScanTextRenderer() }
  public static func textRenderer(in language: Language) -> any ReportRenderer<ScanReport> {
    ScanTextRenderer(words: Words(language))
  }
}
