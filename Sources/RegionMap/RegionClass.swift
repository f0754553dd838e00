/// What a run of bytes holds, as decided from the file-system structures or from the bytes themselves.
///
/// The raw values are the contract strings of the report (`regions.summary_bytes` keys and `runs[].class`).
public enum RegionClass: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
  // Structure-based classes (source `structure`).
  case containerMetadata = "container-metadata"
  case volumeMetadata = "volume-metadata"
  case filePlaintext = "file-plaintext"
  case fileEncrypted = "file-encrypted"
  case free
  // Content-based classes (source `content`).
  case zero
  case text
  case compressed
  case encrypted
  case apfsObject = "apfs-object"
  // Either source: allocated or present but not explained.
  case unknown

  public static func < (lhs: RegionClass, rhs: RegionClass) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}

/// Where a region map's classes came from.
public enum RegionSource: String, Sendable, Codable {
  case structure, content, both
}
