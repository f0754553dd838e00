import ArgumentParser
import Foundation
import ImageAccess
import ReportModel
import Reporting
import Triage

@main
struct Ringo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ringo",
    abstract: "Forensic triage of Apple disk images: can the data be recovered, and if not, why not?",
    discussion: """
      Ringo reads APFS containers (raw, inside GPT disk images or DMGs, stored as files, E01 or split raw sets) and IPSW firmware archives read-only and \
      reports, with the figures it rests on, whether the user's data is recoverable, needs the user's \
      credentials, or cannot be recovered without the vendor. Without structures it classifies the bytes.

      Exit codes: 0 a report was produced (whatever the verdict), 1 a command could not do what was asked (no \
      such path, encrypted data, unsupported compression, a damaged DMG, refused extraction), 2 usage error, \
      3 the evidence cannot be opened, 4 the supplied password or recovery key did not unlock the encrypted \
      volume (triage still writes its report, with the passphrase hint).

      Examples:
        ringo triage Samples/ios-full.img
        ringo triage --format json -o /cases/42/report.json /evidence/42/iphone.img
        ringo triage --lang ja --format markdown /evidence/42/iphone.img
        ringo triage --ipsw /firmware/iPhone13,2_17.4_21E219_Restore.ipsw /evidence/42/iphone.img
        ringo batch /evidence/2026-12 -o /cases/2026-12/triage
        ringo ls -R --volume Data /evidence/42/iphone.img /private/var/mobile
        ringo scan --svg /cases/42/entropy.svg /evidence/42/nand-dump.bin
      """,
    version: RingoVersion.string,
    subcommands: [
      TriageCommand.self,
      Batch.self,
      List.self,
      Stat.self,
      Cat.self,
      Map.self,
      DMG.self,
      Scan.self,
      IPSWCommand.self,
    ]
  )

  /// Maps errors to Ringo's exit codes: usage errors are 2 (ArgumentParser's default is 64), unopenable evidence 3.
  static func main() {
    do {
      var command = try parseAsRoot()
      // An interrupted run removes its temporary output files and exits 130 (batch passes the signal to its
      // children, which do the same, and handles it itself).
      if !(command is Batch) {
        OutputFiles.stopOnInterrupt(message: "ringo: interrupted; no partial output file was left")
      }
      try command.run()
    } catch let error as CommandFailure {
      FileHandle.standardError.write(Data("ringo: \(error.description)\n".utf8))
      Foundation.exit(1)
    } catch let error as VolumeSession.Failure {
      FileHandle.standardError.write(Data("ringo: \(error.description)\n".utf8))
      Foundation.exit(1)
    } catch let error as ReportFailure {
      FileHandle.standardError.write(Data("ringo: \(error.description)\n".utf8))
      Foundation.exit(1)
    } catch let error as OutputRefused {
      // Raised from `validate()`: a usage error, like ArgumentParser's own.
      FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
      Foundation.exit(ExitCodes.usage)
    } catch let error as WrongCredentials {
      FileHandle.standardError.write(Data("ringo: \(error.description)\n".utf8))
      Foundation.exit(ExitCodes.wrongCredentials)
    } catch let error as EvidenceUnreadable {
      FileHandle.standardError.write(Data("ringo: \(error.underlying)\n".utf8))
      Foundation.exit(ExitCodes.evidenceUnreadable)
    } catch {
      let code = exitCode(for: error)
      if code == .validationFailure {
        FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
        Foundation.exit(ExitCodes.usage)
      }
      exit(withError: error)
    }
  }
}

enum ExitCodes {
  static let usage: Int32 = 2
  static let evidenceUnreadable: Int32 = 3
  /// The supplied password or recovery key did not unlock the encrypted volume (a triage report is still written).
  static let wrongCredentials: Int32 = 4
}

/// The evidence file could not be opened or mapped (exit code 3).
struct EvidenceUnreadable: Error {
  var underlying: ImageError
}

/// The version printed by `--version` and written into every report.
enum RingoVersion {
  static let string = "0.1.0"
}

/// The one output-format enum, as a command-line value (`--format`, `--also`).
extension OutputFormat: ExpressibleByArgument {}

/// Runs a check from a `validate()`; a refused output path (``OutputRefused``) is a usage error, exit 2.
func refusingOutput(_ check: () throws -> Void) throws {
  do { try check() } catch let refused as OutputRefused { throw ValidationError(refused.description) }
}
