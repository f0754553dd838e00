import Testing

@testable import BlockScan

/// The policy alone, from hand-made statistics (no bytes).
@Suite struct ContentPolicyTests {
  let policy = ContentPolicy.standard

  func stats(
    n: Int = 4096, zero: Int = 0, printable: Int = 0, control: Int = 0, high: Int = 0, entropy: Double,
    chi: Double = 255
  ) -> BlockStats {
    BlockStats(
      byteCount: n, zeroBytes: zero, printableBytes: printable, controlBytes: control, highBytes: high,
      entropy: entropy, chiSquare: chi)
  }

  @Test func zeroBlock() {
    #expect(policy.verdict(for: stats(zero: 4096, entropy: 0, chi: 4096 * 255)) == .zero)
  }

  @Test func textNeedsFewControlBytesAndManyPrintable() {
    #expect(policy.verdict(for: stats(printable: 4096, entropy: 4.6, chi: 30_000)) == .text)
    // Zero padding after the text does not count against it.
    #expect(policy.verdict(for: stats(zero: 3000, printable: 1096, entropy: 2.5, chi: 500_000)) == .text)
    // 2 % control bytes: not text.
    #expect(policy.verdict(for: stats(printable: 4014, control: 82, entropy: 4.8, chi: 30_000)) == .unknown)
    // Mostly high bytes (random-like): not text.
    #expect(policy.verdict(for: stats(printable: 1500, control: 0, high: 2596, entropy: 7.9, chi: 300)) != .text)
    // Random printable characters (a password list) are text: the rule reads byte classes, not entropy.
    #expect(policy.verdict(for: stats(printable: 4096, entropy: 6.55, chi: 1000)) == .text)
  }

  @Test func preCheckLimitsNeverRejectAText() {
    // At the limits the block may still be text; one byte more and it cannot be, whatever its zero bytes are.
    for n in [256, 300, 4095, 4096, 65_536] {
      let (control, nonPrintable) = policy.textPrecheckLimits(byteCount: n)
      #expect(policy.isText(ByteClassCounts(counted: n, zero: 0, printable: n - nonPrintable, high: nonPrintable - control)))
      let overControl = ByteClassCounts(counted: n, zero: 0, printable: n - control - 1, high: 0)
      #expect(overControl.control == control + 1)
      #expect(!policy.isText(overControl))
      let overHigh = ByteClassCounts(counted: n, zero: 0, printable: n - nonPrintable - 1, high: nonPrintable + 1)
      #expect(!policy.isText(overHigh))
    }
  }

  @Test func highEntropySplitsOnChiSquare() {
    let random = stats(printable: 1480, control: 470, high: 2130, entropy: 7.955, chi: 255)
    #expect(policy.verdict(for: random) == .randomLike)
    var biased = random
    biased.chiSquare = policy.randomChiSquareLimit + 1
    #expect(policy.verdict(for: biased) == .compressed)
    #expect(policy.verdict(for: random, startsWithCompressedSignature: true) == .compressed)
    var lower = random
    lower.entropy = 7.6  // below the high-entropy line, above the compressed minimum
    #expect(policy.verdict(for: lower) == .compressed)
    lower.entropy = 7.4
    #expect(policy.verdict(for: lower) == .unknown)
  }

  @Test func thresholdsAreTheDocumentedOnes() {
    #expect(abs(policy.randomChiSquareLimit - (255 + 4 * 510.0.squareRoot())) < 1e-12)
    #expect(abs(BlockStats.expectedRandomEntropy(byteCount: 4096) - 7.955) < 0.001)
    #expect(abs(policy.highEntropyMinimum(byteCount: 4096) - 7.705) < 0.001)
  }

  @Test func shortBlocksAreNotTestedStatistically() {
    let short = stats(n: 100, printable: 37, control: 12, high: 51, entropy: 6.4, chi: 260)
    #expect(policy.verdict(for: short) == .unknown)
  }
}
