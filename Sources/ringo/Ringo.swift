import ArgumentParser
import ImageAccess

@main
struct Ringo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ringo",
    abstract: "Forensic triage of Apple disk images: can the data be recovered, and if not, why not?",
    version: RingoVersion.string,
    subcommands: [
      DMG.self,
      IPSWCommand.self,
    ]
  )
}

/// The version printed by `--version` and written into every report.
enum RingoVersion {
  static let string = "0.1.0"
}
