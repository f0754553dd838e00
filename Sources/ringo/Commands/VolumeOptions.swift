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

  func open() throws -> VolumeSession {
    do {
      return try VolumeSession.open(path: image, volumeName: volume)
    } catch let error as ImageError {
      throw EvidenceUnreadable(underlying: error)
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

  /// The name exactly as stored: valid UTF-8 is printed as is (NFD stays NFD); invalid bytes as \xNN.
  static func name(_ bytes: [UInt8]) -> String {
    if let s = String(validating: bytes, as: UTF8.self) { return s }
    return bytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
  }
}
