import ArgumentParser
import Foundation
import IPSWFormat
import ImageAccess
import ReportModel
import Reporting

extension Ringo {
  /// `ringo ipsw FILE` (inventory) and `ringo ipsw extract`, `ringo ipsw img4`.
  struct IPSWCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "ipsw",
      abstract: "Inspect Apple firmware archives (IPSW): devices, build, identities, components, digests, IMG4.",
      discussion: """
        `ringo ipsw FILE` reads the ZIP central directory and the manifests in place (read-only), hashes every \
        component the BuildManifest lists, analyses the kernelcache, and prints an inventory. \
        `--format json` writes the `ringo.ipsw/1` document described in the README.
        """,
      subcommands: [Inspect.self, Extract.self, Img4.self],
      defaultSubcommand: Inspect.self
    )
  }
}

extension Ringo.IPSWCommand {
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "inspect", abstract: "Print the inventory of an IPSW (the default subcommand).")

    @Argument(help: "The IPSW file (opened read-only).") var file: String
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @OptionGroup var language: LanguageOption
    @Option(help: "Device capacity in GB, for the update space-need estimate.") var capacity: Int?
    @Option(help: "An IM4M ticket (APTicket/SHSH IM4M) to verify and compare with the manifest.") var ticket: String?
    @Option(help: "With --ticket: compare with this build identity index instead of the one matching BORD/CHIP.")
    var identity: Int?
    @Flag(help: "Do not hash the component files (faster; digest status becomes not-checked).")
    var skipDigests = false
    @Flag(help: "Do not decompress the kernelcache.") var skipKernel = false
    @OptionGroup(title: "Root filesystem in an Apple Encrypted Archive (.dmg.aea)") var aea: AEAKeyOptions

    func validate() throws {
      guard IPSWReport.formats.contains(format) else { throw ValidationError("--format must be text or json") }
      if let capacity, capacity <= 0 || capacity > 1 << 20 {
        throw ValidationError("--capacity must be a positive number of GB")
      }
      if identity != nil && ticket == nil { throw ValidationError("--identity needs --ticket") }
    }

    func run() throws {
      let ipsw: IPSW
      do { ipsw = try IPSW(path: file) } catch let error as ImageError {
        throw EvidenceUnreadable(underlying: error)
      } catch {
        throw CommandFailure(description: "\(file): \(error)")
      }
      var options = IPSWInventory.Options()
      options.verifyDigests = !skipDigests
      options.analyseKernelcache = !skipKernel
      options.deviceCapacityGB = capacity
      options.ticketIdentity = identity
      if let ticket {
        let image = try MappedImage(path: ticket)
        guard image.byteCount <= 4 << 20 else { throw CommandFailure(description: "\(ticket): too large for an IM4M") }
        options.ticket = try image.read(0..<image.byteCount)
      }
      let report = IPSWReport.inspect(
        ipsw, path: file, options: options, aeaKey: try aea.key(), toolVersion: RingoVersion.string)
      try OutputPolicy.write(try report.rendered(as: format, in: language.language), to: nil)
    }
  }
}
