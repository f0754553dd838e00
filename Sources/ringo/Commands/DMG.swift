import ArgumentParser
import ImageAccess
import ReportModel
import Reporting

extension Ringo {
  /// `ringo dmg IMAGE`: what a disk-image file is and, for UDIF, how its virtual disk is stored.
  struct DMG: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "dmg",
      abstract: "Describe a DMG (UDIF) image: trailer, partitions, chunks per codec, expanded size.",
      discussion: """
        The image is opened read-only and nothing is written. Encrypted (encrcdsa) and AEA-wrapped images are \
        recognised and described, not decrypted. With --sha256 every chunk is expanded and the SHA-256 of the \
        virtual disk is printed. `--format json` writes the `ringo.dmg/1` document.
        """
    )

    @Argument(help: "The disk image file.")
    var image: String

    @Flag(name: .customLong("sha256"), help: "Expand every chunk and print the SHA-256 of the virtual disk.")
    var sha256 = false

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @OptionGroup var language: LanguageOption

    func validate() throws {
      guard DMGReport.formats.contains(format) else { throw ValidationError("--format must be text or json") }
    }

    func run() throws {
      let file: MappedImage
      do {
        file = try MappedImage(path: image)
      } catch {
        throw EvidenceUnreadable(underlying: error)
      }
      let report = try DMGReport.describe(file, path: image, hashExpanded: sha256, toolVersion: RingoVersion.string)
      try OutputPolicy.write(try report.rendered(as: format, in: language.language), to: nil)
    }
  }
}
