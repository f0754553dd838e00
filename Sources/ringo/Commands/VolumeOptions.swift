import ArgumentParser
import APFSFormat
import Foundation
import ImageAccess
import Triage

/// The image and volume that `ls`, `stat` and `cat` read.
struct VolumeOptions: ParsableArguments {
  @Argument(help: "The evidence image (raw APFS container, GPT disk image or DMG).")
  var image: String

  @Option(help: "The volume to read, by name (default: the user-data volume, else the first).")
  var volume: String?

  @Option(help: ArgumentHelp(
    "Read the volume as it was in the snapshot of this name (see ringo ls --snapshots).", valueName: "name"))
  var snapshot: String?

  @OptionGroup(title: "Encrypted volumes") var credentials: CredentialOptions

  func open() throws -> VolumeSession {
    do {
      return try VolumeSession.open(
        path: image, volumeName: volume, snapshotName: snapshot, credential: try credentials.credential())
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

enum EntryText {
  static func typeLetter(_ kind: FileKind) -> String {
    switch kind {
    case .regular: "r"
    case .directory: "d"
    case .symlink: "l"
    case .fifo: "p"
    case .characterDevice: "c"
    case .blockDevice: "b"
    case .socket: "s"
    case .whiteout: "w"
    case .unknown: "-"
    }
  }

  /// An APFS time (nanoseconds since 1970, UTC) as ISO 8601 with nine fraction digits.
  static func time(nanoseconds: UInt64) -> String {
    let seconds = nanoseconds / 1_000_000_000
    let fraction = String(nanoseconds % 1_000_000_000)
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    let whole = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))  // ...:SSZ
    return whole.dropLast() + "." + String(repeating: "0", count: 9 - fraction.count) + fraction + "Z"
  }

  /// The name exactly as stored: valid UTF-8 is printed as is (NFD stays NFD); invalid bytes as \xNN.
  static func name(_ bytes: [UInt8]) -> String {
    if let s = String(validating: bytes, as: UTF8.self) { return s }
    return bytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
  }
}
