import ArgumentParser
import BlockScan
import Evidence
import Foundation
import ImageAccess
import ReportModel
import Reporting

extension Ringo {
  /// `ringo scan IMAGE`: classify every block of an image by its content.
  struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Classify every block of an image by content: zero, text, compressed, encrypted, apfs-object.",
      discussion: """
        Works without any file-system structure (chip-off dumps, wiped or unknown images). Prints bytes per class, \
        an entropy strip and whether the image looks encrypted as a whole. The image is opened read-only. An empty \
        file is reported as an empty image. `--format json` writes the `ringo.scan/1` document.
        """
    )

    @Argument(help: "Path of the image to scan (opened read-only).")
    var image: String

    @Option(help: "Bytes per classified block.")
    var blockSize: Int = 4096

    @Option(name: [.customLong("jobs"), .customLong("threads")], help: "Worker threads (0, the default: one per core).")
    var threads: Int = 0

    @Option(help: ArgumentHelp(
      "exact (default): histogram of every byte of every non-zero, non-text block; two-stage: a 512-byte sample spread over each block decides clearly random-looking blocks (classes per 512 KiB group), the exact histogram only where it cannot.",
      valueName: "mode"))
    var mode: ScanMode = .exact

    @Option(help: ArgumentHelp(
      "A first look at a huge image: scan one window (8 MiB) in every N and give the shares of what was scanned.",
      valueName: "N"))
    var sample: Int?

    @Option(help: "Write an SVG entropy graph to this path (not in the evidence's folder).")
    var svg: String?

    @Option(help: "Columns of the terminal entropy bar.")
    var width: Int = 64

    @Flag(help: "Judge every block alone (no run context); for comparison.")
    var isolatedBlocks = false

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @OptionGroup var language: LanguageOption

    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
      guard (16...(16 << 20)).contains(blockSize) else {
        throw ValidationError("--block-size must be between 16 and \(16 << 20) bytes")
      }
      guard threads >= 0 else { throw ValidationError("--jobs must be 0 or more") }
      if let sample, !(1...1_000_000).contains(sample) { throw ValidationError("--sample must be 1 to 1000000") }
      guard (8...1000).contains(width) else { throw ValidationError("--width must be between 8 and 1000") }
      guard ScanReport.formats.contains(format) else { throw ValidationError("--format must be text or json") }
      if let svg { try refusingOutput { try EvidenceGuard.checkFile(svg, evidence: image) } }
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
      options.mode = mode
      let scanner = try ContentScanner(options: options)
      let start = DispatchTime.now().uptimeNanoseconds
      let ranges = sample.map {
        ContentScanner.sampledRanges(byteCount: media.byteCount, window: scanner.options.windowSize, every: $0)
      }
      let result = progressOptions.showing(language.language) { progress in
        progress?.current = language.language.pick("scanning", "スキャン中")
        progress?.expect(ranges?.reduce(0) { $0 + $1.count } ?? media.byteCount)
        return (media as? MappedImage).map { scanner.scan($0, ranges: ranges, progress: progress) }
          ?? scanner.scan(source: media, ranges: ranges, progress: progress)
      }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let report = ScanReport(
        result, path: image, seconds: seconds, barWidth: width, toolVersion: RingoVersion.string,
        mode: mode.rawValue, sampleEvery: sample, imageBytes: media.byteCount)
      try OutputPolicy.write(try report.rendered(as: format, in: language.language), to: nil)
      if let svg {
        let text = EntropyGraph.svg(result.strip, title: "Entropy of \((image as NSString).lastPathComponent)")
        try OutputFiles.write(Array(text.utf8), to: svg)
        FileHandle.standardError.write(Data("SVG entropy graph written to \(svg)\n".utf8))
      }
    }
  }
}

extension ScanMode: ExpressibleByArgument {}
