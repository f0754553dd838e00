import ArgumentParser
import DiskImage
import ImageAccess
import Foundation

/// The key of an Apple Encrypted Archive: `--aea-key BASE64` (as Apple's key service serves it) or `--aea-key-file F`
/// (a file holding the base64 key; a trailing newline is fine). Never printed.
struct AEAKeyOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The AEA symmetric key, base64 (32 bytes).", valueName: "base64"))
  var aeaKey: String?

  @Option(help: ArgumentHelp("A file holding the base64 AEA key.", valueName: "file"))
  var aeaKeyFile: String?

  func validate() throws {
    if aeaKey != nil && aeaKeyFile != nil { throw ValidationError("give only one of --aea-key and --aea-key-file") }
  }

  /// The key bytes, or `nil` when none was given.
  func key() throws -> [UInt8]? {
    var text: String
    if let aeaKeyFile {
      guard let data = FileManager.default.contents(atPath: aeaKeyFile) else {
        throw CommandFailure(description: "cannot read the AEA key file \(aeaKeyFile)")
      }
      text = String(decoding: data, as: UTF8.self)
    } else if let aeaKey {
      text = aeaKey
    } else {
      return nil
    }
    text = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
      throw CommandFailure(description: "the AEA key must be the base64 encoding of 32 bytes")
    }
    CredentialOptions.disableCoreDumps()
    return [UInt8](bytes)
  }
}

/// The signer's public key of a signed Apple Encrypted Archive (profile 0): `--aea-public-key F`, a PEM, DER or raw
/// X9.62 P-256 key. With it the archive's ECDSA-P256 signature is checked; without it the report says `not-checked`.
struct AEASignatureOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The signer's P-256 public key (PEM, DER or raw X9.62) to check a signed AEA's signature.", valueName: "file"))
  var aeaPublicKey: String?

  /// The key, or `nil` when none was given.
  func signingKey() throws -> AEASigningKey? {
    guard let aeaPublicKey else { return nil }
    guard let data = FileManager.default.contents(atPath: aeaPublicKey) else {
      throw CommandFailure(description: "cannot read the AEA public key file \(aeaPublicKey)")
    }
    guard let key = AEASigningKey(fileBytes: [UInt8](data)) else {
      throw CommandFailure(description: "\(aeaPublicKey) holds no P-256 public key (PEM, DER or raw X9.62)")
    }
    return key
  }
}
