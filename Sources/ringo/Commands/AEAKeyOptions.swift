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

/// Decodes an AEA file into `folder/<name without .aea>`, through a hidden partial file that is removed on any error:
/// no plaintext is left behind when a MAC fails.
enum AEAExtraction {
  static func extract(path: String, key: [UInt8]?, into folder: String, overwrite: Bool, maxBytes: UInt64,
                      progress: ByteProgress? = nil) throws
    -> (name: String, bytes: Int, archive: AEAArchive)
  {
    let image = try MappedImage(path: path)
    let archive: AEAArchive
    do {
      archive = try AEAArchive.open(image, symmetricKey: key)
    } catch {
      throw CommandFailure(description: "\(path): \(error.description)")
    }
    guard UInt64(archive.originalSize) <= maxBytes else {
      throw CommandFailure(description: "\(path): the payload is \(archive.originalSize) bytes, over --max-total-bytes")
    }
    var name = URL(fileURLWithPath: path).lastPathComponent
    if name.lowercased().hasSuffix(".aea") { name = String(name.dropLast(4)) }
    if name.isEmpty { name = "payload" }
    let target = URL(fileURLWithPath: folder).appendingPathComponent(name).path
    if FileManager.default.fileExists(atPath: target) && !overwrite {
      throw CommandFailure(description: "\(target) exists (use --overwrite)")
    }
    let partial = OutputFiles.temporaryPath(for: target)
    OutputFiles.register(partial)
    defer { OutputFiles.unregister(partial) }
    guard FileManager.default.createFile(atPath: partial, contents: nil),
      let handle = FileHandle(forWritingAtPath: partial)
    else {
      throw CommandFailure(description: "cannot create \(partial)")
    }
    var written = 0
    progress?.current = name
    progress?.expect(archive.originalSize)
    do {
      try archive.decode { piece in
        try handle.write(contentsOf: piece)
        written += piece.count
        progress?.advance(piece.count)
      }
      try handle.close()
      if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
      try FileManager.default.moveItem(atPath: partial, toPath: target)
    } catch {
      try? handle.close()
      try? FileManager.default.removeItem(atPath: partial)
      if let failure = error as? AEAArchive.Failure {
        throw CommandFailure(description: "\(path): \(failure.description); nothing was written")
      }
      throw CommandFailure(description: "\(path): \(error); nothing was written")
    }
    return (name, written, archive)
  }
}
