import BlockScan
import Foundation
import ReportModel

/// A content scan as terminal text: bytes per class, the entropy bar, the encryption call.
public struct ScanTextRenderer: ReportRenderer {
  public init() {}

  public func render(_ r: ScanReport) -> String {
    var lines: [String] = []
    lines.append("Content scan of \(r.path)")
    if r.empty {
      lines.append("  empty image: the file holds 0 bytes, so there is nothing to classify")
      return lines.joined(separator: "\n") + "\n"
    }
    lines.append(
      "  \(r.scannedBytes) bytes (\(EntropyGraph.byteText(r.scannedBytes))) in \(r.blockSize)-byte blocks"
        + (r.seconds.map {
          String(
            format: ", %.2f s, %.2f GB/s, %d threads", $0, Double(r.scannedBytes) / max($0, 1e-9) / 1e9, r.threads)
        } ?? ""))
    lines.append("")
    lines.append("  class          bytes              share   blocks")
    for c in r.classes {
      let share = r.scannedBytes > 0 ? 100 * Double(c.bytes) / Double(r.scannedBytes) : 0
      let name = c.regionClass.padding(toLength: 13, withPad: " ", startingAt: 0)
      lines.append(
        "  \(name)\(leftPadded(String(c.bytes), 16))  \(String(format: "%6.2f %%", share))  \(leftPadded(String(c.blocks), 7))")
    }
    lines.append("")
    if !r.entropyBar.isEmpty {
      lines.append("  entropy over offset (▁ 0 … █ 8 bits/byte; . zero T text C compressed E encrypted A apfs ? unknown)")
      for line in r.entropyBar { lines.append("  |" + line + "|") }
      lines.append("")
    }
    if r.fillBytes > 0 {
      lines.append("  single-value fill (e.g. erased flash): \(r.fillBytes) bytes, left out of the figures below")
    }
    lines.append(
      String(
        format: "  encrypted: %.1f %% of %lld data bytes (%.1f %% high-entropy); whole image encrypted: %@",
        r.encryptedFraction * 100, Int64(r.dataBytes), r.highEntropyFraction * 100,
        r.wholeImageEncrypted ? "yes" : "no"))
    for error in r.errors { lines.append("  error: \(error.message)") }
    return lines.joined(separator: "\n") + "\n"
  }

  private func leftPadded(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
  }
}

extension ScanReport: RenderableReport {
  public static var textRenderer: any ReportRenderer<ScanReport> { ScanTextRenderer() }
}
