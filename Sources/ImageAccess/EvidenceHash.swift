import Crypto

/// SHA-256 of an evidence source for chain of custody, streamed window by window (never loaded whole).
public enum EvidenceHash {
  /// Hex SHA-256 of every byte of `image`.
  ///
  /// - Complexity: O(n) time, O(window) memory.
  public static func sha256(of image: MappedImage, windowSize: Int = 16 << 20, progress: ByteProgress? = nil) throws
    -> String
  {
    var hasher = SHA256()
    try image.forEachWindow(windowSize: windowSize) { _, bytes in
      hasher.update(bufferPointer: bytes)
      progress?.advance(bytes.count)
    }
    return hexString(hasher.finalize())
  }

  /// Hex SHA-256 of any ``ByteSource`` read in chunks (DMG expansions, slices).
  public static func sha256(of source: any ByteSource, chunkSize: Int = 4 << 20, progress: ByteProgress? = nil) throws
    -> String
  {
    if let image = source as? MappedImage { return try sha256(of: image, progress: progress) }
    var hasher = SHA256()
    var offset = 0
    while offset < source.byteCount {
      let end = min(source.byteCount, offset + chunkSize)
      try source.withBytes(offset..<end) { hasher.update(bufferPointer: $0) }
      progress?.advance(end - offset)
      offset = end
    }
    return hexString(hasher.finalize())
  }

  public static func hexString<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
    var out = ""
    for byte in digest {
      out += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
    }
    return out
  }
}
