import ArgumentParser
import BlockScan
import Foundation
import ImageAccess
import RegionMap
import Triage

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

    @OptionGroup var language: LanguageOption

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
      let mapped: MappedImage
      do {
        mapped = try MappedImage(path: image)
      } catch {
        throw EvidenceUnreadable(underlying: error)
      }
      var options = ScanOptions()
      options.blockSize = blockSize
      options.threads = threads
      options.useRunContext = !isolatedBlocks
      let scanner = try ContentScanner(options: options)
      let start = DispatchTime.now().uptimeNanoseconds
      let result = scanner.scan(mapped)
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let w = language.words
      print(Self.summary(result, path: image, seconds: seconds, width: width, words: w))
      if let svg {
        let text = EntropyGraph.svg(result.strip, title: "\(w[.entropyOf]) \((image as NSString).lastPathComponent)")
        try text.write(toFile: svg, atomically: false, encoding: .utf8)
        print("\(w[.svgWritten]) \(svg)")
      }
      if result.scannedBytes == 0 { throw ExitCode(2) }
    }

    /// The printed report (pure, for tests).
    static func summary(_ result: ScanResult, path: String, seconds: Double?, width: Int,
                        words w: Words = Words(.en)) -> String {
      var lines: [String] = []
      lines.append("\(w[.contentScanOf]) \(path)")
      let blocks = w.catalogue.language == .en
        ? "in \(result.blockSize)\(w[.blocksOf])" : "\(result.blockSize)\(w[.blocksOf])"
      lines.append(
        "  \(result.scannedBytes) \(w[.bytesUnit]) (\(EntropyGraph.byteText(result.scannedBytes))) \(blocks)"
          + (seconds.map {
            String(format: ", %.2f \(w[.seconds]), %.2f GB/s, %d \(w[.threads])", $0,
                   Double(result.scannedBytes) / max($0, 1e-9) / 1e9, result.threads)
          } ?? ""))
      lines.append("")
      lines.append("  " + w[.regionClass].padded(to: 15) + w[.bytesUnit].padded(to: 19) + w[.share].padded(to: 8)
                   + w[.blocks])
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
        lines.append("  " + w[.entropyLegend])
        for line in EntropyGraph.terminalBar(result.strip, width: width).split(separator: "\n") {
          lines.append("  |" + line + "|")
        }
        lines.append("")
      }
      let assessment = result.encryptionAssessment()
      if result.fillBytes > 0 {
        lines.append("  \(w[.singleValueFill]): \(result.fillBytes) \(w[.bytesUnit]), \(w[.leftOut])")
      }
      let of = w.catalogue.language == .en ? "of" : "/"
      lines.append(
        "  \(w[.encrypted]): " + String(format: "%.1f %%", assessment.encryptedFraction * 100)
          + " \(of) \(assessment.nonZeroBytes) \(w[.dataBytes]) ("
          + String(format: "%.1f %%", assessment.highEntropyFraction * 100) + " \(w[.highEntropy])); "
          + "\(w[.wholeImageEncrypted]): \(w.yesNo(assessment.isWholeImageEncrypted))")
      for error in result.errors { lines.append("  \(w[.error]): \(error)") }
      return lines.joined(separator: "\n")
    }
  }
}

extension String {
  fileprivate func padded(to width: Int) -> String {
    count >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }

  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
