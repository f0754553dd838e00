import ImageAccess

/// What a disk-image file is, decided from its signatures.
public enum ImageKind: Sendable {
  /// No container format recognised: read it as a raw disk or partition image.
  case raw
  /// A UDIF image (DMG) whose virtual disk can be read through ``UDIFImage``.
  case udif(UDIFImage)
  /// An encrypted disk image; the password or keys must come from the user.
  case encrcdsa(EncryptedImageHeader)
  /// An Apple Encrypted Archive; the key must come from the vendor's key service or the user.
  case aea(AEAHeader)

  public var name: String {
    switch self {
    case .raw: "raw"
    case .udif: "udif"
    case .encrcdsa: "encrcdsa"
    case .aea: "aea"
    }
  }
}

/// Tells raw, UDIF, encrypted (`encrcdsa`) and AEA images apart.
public enum DiskImageDetector {
  /// Detects the kind of `source` and opens UDIF images.
  ///
  /// Order: `AEA1` at 0, `encrcdsa` at 0, `koly` in the last 512 bytes, otherwise raw. A file that has a `koly`
  /// trailer but a broken resource fork throws (it is a damaged DMG, not a raw disk).
  public static func open(
    _ source: any ByteSource, limits: UDIFImage.Limits = .init(), cache: ChunkCache? = nil
  ) throws -> ImageKind {
    if source.byteCount >= 12 {
      let head = try source.read(0..<min(source.byteCount, 8))
      if head.starts(with: Array("AEA1".utf8)) { return .aea(try AEAHeader(parsing: source)) }
      if head == EncryptedImageHeader.signature {
        let length = min(source.byteCount, EncryptedImageHeader.minimumSize)
        return .encrcdsa(try EncryptedImageHeader(parsing: source.reader(at: 0, length: length, structure: "encrcdsa header")))
      }
    }
    if source.byteCount >= KolyTrailer.size {
      let tail = try source.read((source.byteCount - KolyTrailer.size)..<(source.byteCount - KolyTrailer.size + 4))
      if tail == Array("koly".utf8) { return .udif(try UDIFImage(source: source, limits: limits, cache: cache)) }
    }
    return .raw
  }
}
