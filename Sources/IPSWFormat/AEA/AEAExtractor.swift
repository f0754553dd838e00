#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import DiskImage
import ImageAccess

/// Decodes an Apple Encrypted Archive into one output folder as `NAME` (the archive's file name without `.aea`),
/// with the same bounds as ``SafeExtractor``:
///
/// - The output folder is opened with `O_NOFOLLOW | O_DIRECTORY` and everything is created relative to it: a symlink
///   as the folder or as the target name stops the write.
/// - The payload is written to a hidden temporary name in the output folder (`.NAME.partial-PID`, created with
///   `O_EXCL`) and renamed to `NAME` only once every MAC and checksum has been verified; on any error (wrong key,
///   tampered header, cluster or segment, short write, a cap crossed) the temporary file is removed, so no plaintext
///   is left behind.
/// - The declared payload size past `maxBytes` is refused before anything is created; the decoded bytes are counted
///   again while writing.
/// - An existing `NAME` is kept unless `overwrite`.
public struct AEAExtractor {
  /// Why the extraction stopped; the description names the archive, and says nothing was written.
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
    /// The archive's own located error (wrong key, tampered structure), when that is the cause.
    public var archiveFailure: AEAArchive.Failure?
  }

  /// What was written.
  public struct Outcome: Sendable {
    public var name: String
    public var bytes: Int
    public var profile: UInt32
    public var segmentCount: Int
    public var clusterCount: Int
    /// What checking the signature found (`not-checked` without ``signingKey``, `unsigned` for profile 1).
    public var signature: AEAArchive.SignatureCheck
  }

  public let path: String
  public let key: [UInt8]?
  public var overwrite = false
  public var maxBytes: UInt64 = 16 << 30
  /// The signer's key of a signed archive: its signature is checked before anything is written, and an invalid one
  /// stops the extraction.
  public var signingKey: AEASigningKey? = nil
  /// Told the payload size before decoding (`expect`) and every decoded piece written (`advance`).
  public var progress: ByteProgress? = nil

  /// - Parameters: `path`, the archive (opened read-only, memory-mapped); `key`, the 32-byte symmetric key (profile 1),
  ///   or nil (profile 0, signed only).
  public init(path: String, key: [UInt8]?) {
    self.path = path
    self.key = key
  }

  /// The output name of an archive: its file name without `.aea` (`payload` if nothing is left).
  public static func outputName(for path: String) -> String {
    var name = String(path.split(separator: "/").last ?? "")
    if name.lowercased().hasSuffix(".aea") { name = String(name.dropLast(4)) }
    return name.isEmpty || name == "." || name == ".." ? "payload" : name
  }

  /// Decodes the archive into `folder` (which must exist).
  public func extract(into folder: String) throws(Failure) -> Outcome {
    let image: MappedImage
    do {
      image = try MappedImage(path: path)
    } catch {
      throw Failure(description: "\(path): \(error.description)")
    }
    let archive: AEAArchive
    do {
      archive = try AEAArchive.open(image, symmetricKey: key)
    } catch {
      throw Failure(description: "\(path): \(error.description)", archiveFailure: error)
    }
    guard UInt64(archive.originalSize) <= maxBytes else {
      throw Failure(
        description: "\(path): the payload is \(archive.originalSize) bytes, over the cap of \(maxBytes); nothing was written")
    }
    let signature = archive.checkSignature(signingKey)
    if case let .invalid(offset, reason) = signature {
      throw Failure(description: "\(path): AEA signature at offset \(offset): \(reason); nothing was written")
    }
    let name = Self.outputName(for: path)
    let directory = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard directory >= 0 else {
      throw Failure(description: "cannot open the output folder \(folder): \(String(cString: strerror(errno)))")
    }
    defer { close(directory) }
    var status = stat()
    if !overwrite && fstatat(directory, name, &status, AT_SYMLINK_NOFOLLOW) == 0 {
      throw Failure(description: "\(folder)/\(name) exists (use --overwrite)")
    }
    let partial = ".\(name).partial-\(getpid())"
    let out = openat(directory, partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard out >= 0 else {
      throw Failure(description: "cannot create \(folder)/\(partial): \(String(cString: strerror(errno)))")
    }
    // An interrupted run (SIGINT/SIGTERM, ``OutputFiles/stopOnInterrupt()``) removes the registered temporary file.
    let partialPath = folder.hasSuffix("/") ? folder + partial : folder + "/" + partial
    OutputFiles.register(partialPath)
    defer { OutputFiles.unregister(partialPath) }
    progress?.current = name
    progress?.expect(archive.originalSize)
    var written = 0
    var closed = false
    do {
      try archive.decode { piece in
        guard UInt64(written + piece.count) <= maxBytes else {
          throw Failure(description: "\(path): the payload passed the cap of \(maxBytes) bytes")
        }
        try piece.withUnsafeBytes { bytes in
          var done = 0
          while done < bytes.count {
            let n = write(out, bytes.baseAddress! + done, bytes.count - done)
            guard n > 0 else { throw Failure(description: "cannot write \(folder)/\(partial): \(String(cString: strerror(errno)))") }
            done += n
          }
        }
        written += piece.count
        progress?.advance(piece.count)
      }
      closed = true
      guard close(out) == 0 else {
        throw Failure(description: "cannot write \(folder)/\(partial): \(String(cString: strerror(errno)))")
      }
    } catch {
      if !closed { close(out) }
      unlinkat(directory, partial, 0)
      if let failure = error as? AEAArchive.Failure {
        throw Failure(description: "\(path): \(failure.description); nothing was written", archiveFailure: failure)
      }
      if let failure = error as? Failure {
        throw Failure(description: failure.description + "; nothing was written")
      }
      throw Failure(description: "\(path): \(error); nothing was written")
    }
    guard renameat(directory, partial, directory, name) == 0 else {
      let reason = String(cString: strerror(errno))
      unlinkat(directory, partial, 0)
      throw Failure(description: "cannot name the decoded payload \(folder)/\(name): \(reason); nothing was written")
    }
    return Outcome(
      name: name, bytes: written, profile: archive.profile, segmentCount: archive.segmentCount,
      clusterCount: archive.clusterCount, signature: signature)
  }
}
