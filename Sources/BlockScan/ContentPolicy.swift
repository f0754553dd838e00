/// What the policy can say about one block on its own, before neighbouring blocks are looked at.
public enum BlockVerdict: Sendable, Equatable {
  /// Every byte is zero.
  case zero
  /// Printable text (ASCII or mostly-ASCII UTF-8/UTF-16), low entropy.
  case text
  /// High entropy with evidence of structure (a biased histogram or a compressed-format signature).
  case compressed
  /// High entropy and no evidence against "uniformly random" in this block alone. Neighbouring blocks may still
  /// show the run is compressed (see ``ContentScanner``).
  case randomLike
  /// Neither: binaries, databases, mixed content, or too short to test.
  case unknown
}

/// Turns ``BlockStats`` into a ``BlockVerdict`` with named thresholds. Pure; testable without any bytes.
///
/// The thresholds and why (measured at 4 KiB on the corpus described in the README):
/// - **zero**: every byte is 0x00. Exact, no threshold.
/// - **text**: control bytes at most ``textMaxControlFraction`` (1 %) and printable ASCII at least
///   ``textMinPrintableFraction`` (85 %) of the non-zero bytes. Zero bytes are left out of the fractions so that a
///   file's zero-padded last block and UTF-16 text still count. Random bytes hold about 12 % control bytes (4096
///   bytes: about 500), so they are never text; x86/arm binaries and database pages hold length and pointer bytes
///   below 0x20 and fail the control test. The rule needs only byte-class counts, so the scanner decides it with a
///   SIMD pre-check (``BlockKernels/byteClasses(_:stopAboveControl:stopAboveNonPrintable:)``) before any histogram.
///   An earlier version also required entropy at most 6.5 bits; it is dropped because such a block cannot be high
///   entropy anyway (85 % printable, 1 % control and 14 % high bytes give at most 7.31 bits, below
///   ``compressedMinEntropy``), so the entropy test only moved random-looking printable strings (passwords, 6.55
///   bits) from `text` to `unknown`.
/// - **high entropy**: entropy within ``highEntropyMargin`` (0.25 bits) of what `n` random bytes give
///   (``BlockStats/expectedRandomEntropy(byteCount:)``, 7.955 bits at 4 KiB). Compressed output of zlib, bzip2 and
///   xz was at 7.60 bits or more in 4 KiB blocks on the corpus; binaries and text stay below 7.0.
/// - **compressed versus random**: chi-square above ``randomChiSquareLimit`` (255 + 4·√510 ≈ 345) means the byte
///   histogram is not uniform; uniformly random data exceeds it about once in 10 000 blocks. zlib and bzip2 output is
///   biased enough in 15–90 % of 4 KiB blocks; xz output is not biased at all. A high-entropy block with no such
///   evidence is `randomLike`: the driver then checks the run it belongs to (aggregated histograms, a signature at
///   the start of the run) before calling it `encrypted`.
/// - **somewhat high entropy** (between ``compressedMinEntropy`` 7.5 bits and the high-entropy threshold, and not
///   text): compressed. Encrypted data never falls this low in a whole block.
/// - Blocks shorter than ``minimumStatisticalBytes`` (256) cannot be tested statistically: zero, text or unknown.
public struct ContentPolicy: Sendable, Equatable {
  public var textMaxControlFraction = 0.01
  public var textMinPrintableFraction = 0.85
  public var highEntropyMargin = 0.25
  public var compressedMinEntropy = 7.5
  /// Standard deviations above the chi-square mean (255) that still count as random.
  public var randomChiSquareSigmas = 4.0
  public var minimumStatisticalBytes = 256

  public init() {}

  /// The policy documented above.
  public static let standard = ContentPolicy()

  /// Chi-square values above this are not uniformly random (255 + `randomChiSquareSigmas`·√(2·255)).
  public var randomChiSquareLimit: Double { 255.0 + randomChiSquareSigmas * (510.0).squareRoot() }

  /// The entropy at or above which a block of `n` bytes counts as high entropy.
  public func highEntropyMinimum(byteCount n: Int) -> Double {
    BlockStats.expectedRandomEntropy(byteCount: n) - highEntropyMargin
  }

  /// True when the block is high-entropy enough to take part in run aggregation (compressed or random-looking).
  public func isHighEntropy(_ s: BlockStats) -> Bool {
    s.byteCount >= minimumStatisticalBytes && s.entropy >= compressedMinEntropy && !isText(s)
  }

  func isText(_ s: BlockStats) -> Bool { isText(s.byteClasses) }

  /// The text rule on byte-class counts of a whole block.
  public func isText(_ c: ByteClassCounts) -> Bool {
    let nonZero = c.nonZero
    guard nonZero > 0 else { return false }
    let n = Double(nonZero)
    return Double(c.control) <= textMaxControlFraction * n && Double(c.printable) >= textMinPrintableFraction * n
  }

  /// Limits for the pre-check kernel on a block of `n` bytes: more control bytes, or more control plus high bytes,
  /// than these and the block cannot be text whatever its other bytes are (the non-zero bytes are at most `n`).
  public func textPrecheckLimits(byteCount n: Int) -> (control: Int, nonPrintable: Int) {
    // The rule's own expressions, so that floating-point rounding cannot put a limit below what the rule accepts:
    // control <= f·n, and printable >= p·n, i.e. at least ⌈p·n⌉ printable bytes. (m - ⌈p·m⌉ grows with m, so the
    // limit for n non-zero bytes also holds for fewer.)
    let control = Int((textMaxControlFraction * Double(n)).rounded(.down))
    let nonPrintable = n - Int((textMinPrintableFraction * Double(n)).rounded(.up))
    return (control, max(0, nonPrintable))
  }

  /// The verdict for one block from its statistics alone, plus whether a compressed-format signature starts it.
  ///
  /// - Complexity: O(1).
  public func verdict(for s: BlockStats, startsWithCompressedSignature signature: Bool = false) -> BlockVerdict {
    if s.isAllZero { return .zero }
    if isText(s) { return .text }
    guard s.byteCount >= minimumStatisticalBytes, s.entropy >= compressedMinEntropy else { return .unknown }
    if signature { return .compressed }
    if s.entropy < highEntropyMinimum(byteCount: s.byteCount) { return .compressed }
    if s.chiSquare > randomChiSquareLimit { return .compressed }
    return .randomLike
  }
}
