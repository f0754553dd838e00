import ArgumentParser
import APFSFormat
import Foundation
import ImageAccess
import Triage

/// The image and volume that `ls`, `stat` and `cat` read.
struct VolumeOptions: ParsableArguments {
  @Argument(help: "The evidence image (raw APFS container, GPT disk image, DMG, E01 set, split raw set or AEA-wrapped DMG).")
  var image: String

  @Option(help: "The volume to read, by name (default: the user-data volume, else the first).")
  var volume: String?

  @Option(help: ArgumentHelp(
    "Read the volume as it was in the snapshot of this name (see ringo ls --snapshots).", valueName: "name"))
  var snapshot: String?

  @OptionGroup(title: "Encrypted volumes") var credentials: CredentialOptions

  @OptionGroup(title: "Apple Encrypted Archives (X.dmg.aea: read in memory, nothing decrypted is written)")
  var aea: AEAKeyOptions

  func open() throws -> VolumeSession {
    do {
      return try VolumeSession.open(
        path: image, volumeName: volume, snapshotName: snapshot, credential: try credentials.credential(),
        aeaKey: try aea.key())
    } catch let error as ImageError {
      throw EvidenceUnreadable(underlying: error)
    } catch let error as VolumeSession.Failure where error.wrongCredentials {
      throw WrongCredentials(description: error.description)
    }
  }
}

/// A failure that is not a usage error: printed, exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
  var description: String
}
