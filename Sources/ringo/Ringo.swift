import ArgumentParser
import ImageAccess

@main
struct Ringo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ringo",
    abstract: "Forensic triage of Apple disk images: can the data be recovered, and if not, why not?"
  )
}
