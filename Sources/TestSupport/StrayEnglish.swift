import Foundation

/// Finds English words in text that should be Japanese: every ASCII word that is not a name from the evidence,
/// a code, a unit or a product/format name. Used by the tests of `--lang ja` output.
public enum StrayEnglish {
  /// Codes the reports print as they are (verdict classes, finding and error codes, roles, encryption styles,
  /// severities, region classes, formats), units, and names of products, formats and on-disk fields.
  public static let allowed: Set<String> = [
    // units
    "KiB", "MiB", "GiB", "TiB", "PiB", "GB", "KB", "MB", "TB", "s",
    // product, format and field names
    "APFS", "Apple", "Apple_APFS", "Boot", "ROM", "Secure", "Enclave", "FileVault", "iCloud", "iOS", "macOS", "Mac", "T2",
    "BuildManifest", "Personalize", "IM4P", "IM4M", "ringo", "Ringo", "xid", "fs_flags", "inode", "sha256", "koly", "scrypt",
    "encrcdsa", "udif", "zlib", "bzip2", "lzfse", "lzma", "adc", "terminator", "comment", "ignore",
    // codes: verdict classes, severities, roles, encryption styles, formats, region classes, counts sources
    "recoverable", "recoverable-with-credentials", "unrecoverable-without-vendor", "not-apfs", "damaged",
    "info", "warning", "critical", "none", "system", "user", "recovery", "vm", "preboot", "installer", "data",
    "baseband", "update", "xart", "hardware", "backup", "sidecar", "enterprise", "prelogin", "onekey", "per-file",
    "raw", "gpt", "dmg", "ewf", "sparseimage", "sparsebundle", "ipsw", "unknown", "zero", "text", "compressed", "encrypted", "apfs-object",
    "metadata", "file-data", "free", "allocated", "unreadable", "image-tail",
    // IPSW digest statuses and payload formats
    "match", "mismatch", "macho", "complzss", "lzss", "bvx2", "valid", "invalid", "expired",
    // batch statuses
    "report", "unreadable", "failed", "crashed", "timeout", "skipped",
    // file kinds
    "regular", "directory", "symlink", "fifo", "socket", "whiteout",
    // the --no-hash option named in the text
    "no-hash",
  ]

  /// The ASCII words of `text` that are not allowed, after removing `names` (volume names, paths, evidence
  /// names). Markdown code spans, codes with a hyphen or an underscore (`low-free-space`, `APFS_FS_ONEKEY`), upper-case acronyms,
  /// hexadecimal figures and words with a digit (UUIDs, hashes) count as codes.
  public static func words(in text: String, names: [String] = [], allowing extra: Set<String> = []) -> [String] {
    var text = text
    for name in names.sorted(by: { $0.count > $1.count }) where !name.isEmpty {
      text = text.replacingOccurrences(of: name, with: " ")
    }
    // Markdown code spans hold codes, field names and figures.
    text = text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
      .map { $0.offset % 2 == 0 ? String($0.element) : " " }.joined()
    var out: [String] = []
    var word = ""
    func flush() {
      defer { word = "" }
      let edge: (Character) -> Bool = { $0 == "-" || $0 == "." || $0 == "_" }
      let trimmed = String(String(word.drop(while: edge).reversed()).drop(while: edge).reversed())
      guard let first = trimmed.unicodeScalars.first, first.properties.isAlphabetic else { return }
      if allowed.contains(trimmed) || extra.contains(trimmed) { return }
      if trimmed.contains("-") || trimmed.contains("_") { return }  // codes
      if trimmed.contains(".") { return }  // dotted names: com.apple.decmpfs, file names
      if trimmed.unicodeScalars.contains(where: { ("0"..."9").contains($0) }) { return }  // ids, hashes, figures
      if trimmed == trimmed.uppercased() { return }  // acronyms: GPT, UUID, NXSB, ECID ...
      out.append(trimmed)
    }
    for scalar in text.unicodeScalars {
      if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar) {
        word.unicodeScalars.append(scalar)
      } else {
        flush()
      }
    }
    flush()
    return out
  }
}
