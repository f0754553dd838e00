import ArgumentParser
import ReportModel
import Reporting

struct Stat: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stat",
    abstract: "Show a file's inode, extents, crypto ids, protection class and compression.",
    discussion: """
      `--format json` writes the `ringo.stat/1` document.

      Examples:
        ringo stat image.img /dir/file
        ringo stat --volume Data image.img /private/var/mobile/Media/DCIM/100APPLE/IMG_0001.HEIC
      """
  )

  @OptionGroup var options: VolumeOptions

  @Argument(help: "The path from the volume root.")
  var path: String

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text

  @OptionGroup var language: LanguageOption

  func validate() throws {
    guard StatReport.formats.contains(format) else { throw ValidationError("--format must be text or json") }
  }

  func run() throws {
    let report = try StatReport.describe(try options.open(), path: path, toolVersion: RingoVersion.string)
    try OutputPolicy.write(try report.rendered(as: format, in: language.language), to: nil)
  }
}
