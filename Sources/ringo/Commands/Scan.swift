import ArgumentParser
import BlockScan
import Evidence
import Foundation
import ImageAccess
import RegionMap

extension Ringo {
  /// `ringo scan IMAGE`: classify every block of an image by its content.
  struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Classify every block of an image by content: zero, text, compressed, encrypted, apfs-object.",
      discussion: """
        Works without any file-system structure (chip-off dumps, wiped or unknown images). Prints bytes per class, \
        an entropy strip and whether the image looks encrypted as a whole. The image is opened read-only.
        """
    )

    @Argument(help: "Path of the image to scan (opened read-only).")
    var image: String

    @Option(help: "Bytes per classified block.")
    var blockSize: Int = 4096

    @Option(help: "Worker threads (0 = one per core).")
    var threads: Int = 0

    @Option(help: "Write an SVG entropy graph to this path (not in the evidence's folder).")
    var svg: String?

    @Option(help: "Columns of the terminal entropy bar.")
    var width: Int = 64

    @Flag(help: "Judge every block alone (no run context); for comparison.")
    var isolatedBlocks = false

    func validate() throws {
      guard (16...(16 << 20)).contains(blockSize) else {
        throw ValidationError("--block-size must be between 16 and \(16 << 20) bytes")
      }
      guard threads >= 0 else { throw ValidationError("--threads must be 0 or more") }
      guard (8...1000).contains(width) else { throw ValidationError("--width must be between 8 and 1000") }
      if let svg { try EvidenceGuard.checkFile(svg, evidence: image) }
    }

    func run() throws {
      if let message = CPUFeatures.unsupportedBuildMessage { throw ValidationError(message) }
      // The media the evidence holds: the file itself, or the disk inside an E01 or split raw set.
      let media: any ByteSource
      do {
        let evidence = try OpenedEvidence.open(path: image)
        if let damage = evidence.evidenceDamage { throw ValidationError("\(image): \(damage)") }
        media = evidence.media ?? evidence.stored
      } catch let error as ImageError {
        throw EvidenceUnreadable(underlying: error)
      }
      var options = ScanOptions()
      options.blockSize = blockSize
      options.threads = threads
      options.useRunContext = !isolatedBlocks
      let scanner = try ContentScanner(options: options)
      let start = DispatchTime.now().uptimeNanoseconds
      let result = (media as? MappedImage).map { scanner.scan($0) } ?? scanner.scan(source: media)
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      print(Self.summary(result, path: image, seconds: seconds, width: width))
      if let svg {
        let text = EntropyGraph.svg(result.strip, title: "Entropy of \((image as NSString).lastPathComponent)")
        try text.write(toFile: svg, atomically: false, encoding: .utf8)
        print("SVG entropy graph written to \(svg)")
      }
      if result.scannedBytes == 0 { throw ExitCode(2) }
    }

    /// The printed report (pure, for tests).
    static func summary(_ result: ScanResult, path: String, seconds: Double?, width: Int) -> String {
      var lines: [String] = []
      lines.append("Content scan of \(path)")
      lines.append(
        "  \(result.scannedBytes) bytes (\(EntropyGraph.byteText(result.scannedBytes))) in \(result.blockSize)-byte blocks"
          + (seconds.map { String(format: ", %.2f s, %.2f GB/s, %d threads", $0, Double(result.scannedBytes) / max($0, 1e-9) / 1e9, result.threads) } ?? ""))
      lines.append("")
      lines.append("  class          bytes              share   blocks")
      for cls in [RegionClass.zero, .text, .compressed, .encrypted, .apfsObject, .unknown] {
        let bytes = result.bytesByClass[cls] ?? 0
        let share = result.scannedBytes > 0 ? 100 * Double(bytes) / Double(result.scannedBytes) : 0
        let name = cls.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)
        let bytesText = String(bytes).leftPadded(to: 16)
        lines.append(
          "  \(name)\(bytesText)  \(String(format: "%6.2f %%", share))  \(String(result.blockCounts[cls] ?? 0).leftPadded(to: 7))")
      }
      lines.append("")
      if !result.strip.points.isEmpty {
        lines.append("  entropy over offset (▁ 0 … █ 8 bits/byte; . zero T text C compressed E encrypted A apfs ? unknown)")
        for line in EntropyGraph.terminalBar(result.strip, width: width).split(separator: "\n") {
          lines.append("  |" + line + "|")
        }
        lines.append("")
      }
      let assessment = result.encryptionAssessment()
      if result.fillBytes > 0 {
        lines.append("  single-value fill (e.g. erased flash): \(result.fillBytes) bytes, left out of the figures below")
      }
      lines.append(
        String(
          format: "  encrypted: %.1f %% of %lld data bytes (%.1f %% high-entropy); whole image encrypted: %@",
          assessment.encryptedFraction * 100, Int64(assessment.nonZeroBytes), assessment.highEntropyFraction * 100,
          assessment.isWholeImageEncrypted ? "yes" : "no"))
      for error in result.errors { lines.append("  error: \(error)") }
      return lines.joined(separator: "\n")
    }
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
