import RegionMap

/// A problem met while scanning: what, and which bytes it affects. The scan carries on; affected bytes are
/// classed `unknown`.
public struct ScanError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Stable kebab-case code: `empty-image`, `range-outside-image`, `unreadable-window`, `invalid-option`.
  public var code: String
  /// Absolute offset of the affected bytes, when known.
  public var offset: Int?
  /// How many bytes are affected (0 when none).
  public var length: Int
  public var message: String

  public init(code: String, offset: Int?, length: Int, message: String) {
    self.code = code
    self.offset = offset
    self.length = length
    self.message = message
  }

  public var description: String {
    if let offset { return "\(code) at 0x\(String(offset, radix: 16)) (\(offset)), \(length) bytes: \(message)" }
    return "\(code): \(message)"
  }
}

/// Entropy over offset, downsampled to a fixed number of points for graphs.
public struct EntropyStrip: Sendable, Equatable {
  /// One point: the blocks whose start falls in `offset ..< offset + length` of the scanned bytes.
  public struct Point: Sendable, Equatable {
    /// Position in scan coordinates (the scanned ranges laid end to end); equals the image offset for a full scan.
    public var scanOffset: Int
    public var length: Int
    /// Byte-weighted mean, minimum and maximum block entropy, bits per byte.
    public var meanEntropy: Double
    public var minEntropy: Double
    public var maxEntropy: Double
    /// Bytes per content class in this point.
    public var bytesByClass: [RegionClass: Int]

    /// The class holding the most bytes (ties go to the earlier class in ``RegionClass`` order).
    public var dominantClass: RegionClass? {
      bytesByClass.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
    }
  }

  public var points: [Point]
  /// Total bytes the strip covers.
  public var scannedBytes: Int
}

/// Everything a content scan found.
public struct ScanResult: Sendable {
  /// Content classes over the scanned bytes (source `content`), neighbours merged.
  public var regions: RegionMap
  /// Bytes actually examined (the sum of the scanned ranges).
  public var scannedBytes: Int
  public var blockSize: Int
  /// Blocks per class (the last block of a range may be short).
  public var blockCounts: [RegionClass: Int]
  public var strip: EntropyStrip
  /// Problems met; the scan still covers everything else. Empty when the scan is complete.
  public var errors: [ScanError]
  /// Threads the scan ran on.
  public var threads: Int
  /// Bytes in non-zero blocks made of a single repeated byte value (erased flash reads as 0xFF). They keep their
  /// class in the map (`unknown`, or `text` for spaces) and are left out of the encryption assessment.
  public var fillBytes: Int

  /// Bytes per class (equal to `regions.summary`).
  public var bytesByClass: [RegionClass: Int] { regions.summary }

  /// True when no error affected the scan.
  public var isComplete: Bool { errors.isEmpty }

  /// Whether the image is almost entirely ciphertext, with the figures the decision rests on.
  public func encryptionAssessment() -> EncryptionAssessment {
    EncryptionAssessment(bytesByClass: bytesByClass, scannedBytes: scannedBytes, fillBytes: fillBytes)
  }
}

/// The decision "this whole image is encrypted", and the figures behind it.
///
/// A dump of a device whose storage is encrypted by a hardware key (iPhone NAND, T2/Apple-silicon Mac SSD read off
/// the chips) looks like uniformly random bytes from start to end, apart from zeroed or erased areas. The test:
/// at least ``minimumEncryptedFraction`` (90 %) of the data bytes are `encrypted`, and at least
/// ``minimumNonZeroBytes`` (1 MiB) of data exist. Data bytes are the scanned bytes minus `zero` blocks and minus
/// single-value fill blocks (``ScanResult/fillBytes``, e.g. erased NAND pages of 0xFF), because trimmed, erased or
/// never-written areas look like that whatever the encryption. Content classed `compressed` counts against the verdict: the scanner calls random
/// data compressed about once per 10 000 blocks, far below the 10 % margin.
public struct EncryptionAssessment: Sendable, Equatable {
  public static let minimumEncryptedFraction = 0.90
  public static let minimumNonZeroBytes = 1 << 20

  public var scannedBytes: Int
  public var zeroBytes: Int
  /// Bytes of non-zero single-value blocks, left out like zeros.
  public var fillBytes: Int
  /// Scanned bytes minus zero and fill bytes: the data the fractions are taken of.
  public var nonZeroBytes: Int
  public var encryptedBytes: Int
  public var compressedBytes: Int
  /// `text`, `apfs-object` and `unknown` bytes: content that shows structure.
  public var structuredBytes: Int
  /// `encrypted` bytes as a fraction of the data bytes (0 when there are none).
  public var encryptedFraction: Double
  /// `encrypted` + `compressed` bytes as a fraction of the data bytes.
  public var highEntropyFraction: Double
  public var isWholeImageEncrypted: Bool

  /// Pure: the same byte totals always give the same answer.
  public init(bytesByClass: [RegionClass: Int], scannedBytes: Int, fillBytes: Int = 0) {
    self.scannedBytes = scannedBytes
    self.fillBytes = fillBytes
    zeroBytes = bytesByClass[.zero] ?? 0
    encryptedBytes = bytesByClass[.encrypted] ?? 0
    compressedBytes = bytesByClass[.compressed] ?? 0
    structuredBytes = (bytesByClass[.text] ?? 0) + (bytesByClass[.apfsObject] ?? 0) + (bytesByClass[.unknown] ?? 0)
    nonZeroBytes = max(0, scannedBytes - zeroBytes - fillBytes)
    let denominator = Double(max(1, nonZeroBytes))
    encryptedFraction = nonZeroBytes > 0 ? Double(encryptedBytes) / denominator : 0
    highEntropyFraction = nonZeroBytes > 0 ? Double(encryptedBytes + compressedBytes) / denominator : 0
    isWholeImageEncrypted =
      nonZeroBytes >= Self.minimumNonZeroBytes && encryptedFraction >= Self.minimumEncryptedFraction
  }
}
