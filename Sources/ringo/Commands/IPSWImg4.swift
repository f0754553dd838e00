import ArgumentParser
import ImageAccess
import ReportModel
import Reporting

extension Ringo.IPSWCommand {
  struct Img4: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Describe a standalone IMG4, IM4P, IM4M or IM4R file (ticket signature and certificates included).",
      discussion: "`--format json` writes the `ringo.img4/1` document.")

    @Argument(help: "The file (opened read-only).") var file: String
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @OptionGroup var language: LanguageOption

    func validate() throws {
      guard IMG4Report.formats.contains(format) else { throw ValidationError("--format must be text or json") }
    }

    func run() throws {
      let image: MappedImage
      do { image = try MappedImage(path: file) } catch { throw EvidenceUnreadable(underlying: error) }
      let report = try IMG4Report.describe(image, path: file, toolVersion: RingoVersion.string)
      try OutputPolicy.write(try report.rendered(as: format, in: language.language), to: nil)
    }
  }
}
