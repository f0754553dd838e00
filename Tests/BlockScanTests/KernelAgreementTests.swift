import TestSupport
import Testing

@testable import BlockScan

/// Every fast kernel against its scalar reference, on edge lengths and random inputs.
@Suite struct KernelAgreementTests {
  static let seed: UInt64 = 0x5EED_B10C_5CA7_0001  // fuzzing seed; failures reproduce from it
  static let edgeLengths = [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 257, 4095, 4096, 4097]

  static func inputs() -> [[UInt8]] {
    var rng = SeededRandom(seed: seed)
    var out: [[UInt8]] = []
    for n in edgeLengths {
      out.append(rng.bytes(n))
      out.append([UInt8](repeating: 0, count: n))
      out.append([UInt8](repeating: 0xFF, count: n))
      out.append((0..<n).map { UInt8(truncatingIfNeeded: $0 % 37 + 32) })
    }
    for _ in 0..<40 { out.append(rng.bytes(Int(rng.next() % 70_000))) }
    out.append(rng.bytes(300_000))  // several Fletcher chunks
    out.append([UInt8](repeating: 7, count: 70_000) + rng.bytes(100))  // a count beyond the entropy table
    return out
  }

  @Test func zeroTestMatchesReference() {
    for input in Self.inputs() {
      let fast = input.withUnsafeBytes { BlockKernels.isAllZero($0) }
      #expect(fast == ReferenceKernels.isAllZero(input), "length \(input.count)")
    }
  }

  @Test func zeroTestFindsASingleNonZeroByteAnywhere() {
    for n in [1, 15, 16, 17, 255, 256, 257, 4095, 4096] {
      for position in 0..<n where position < 40 || position > n - 40 || position % 97 == 0 {
        var bytes = [UInt8](repeating: 0, count: n)
        bytes[position] = 0x10
        #expect(!bytes.withUnsafeBytes { BlockKernels.isAllZero($0) }, "length \(n), byte \(position)")
      }
    }
  }

  @Test func readSumMatchesReference() {
    for input in Self.inputs() {
      #expect(input.withUnsafeBytes { BlockKernels.readSum($0) } == ReferenceKernels.readSum(input))
    }
  }

  @Test func fletcher64MatchesReference() {
    for input in Self.inputs() {
      let fast = input.withUnsafeBytes { BlockKernels.fletcher64($0) }
      #expect(fast == ReferenceKernels.fletcher64(input), "length \(input.count)")
    }
  }

  @Test func fletcher64KnownValue() {
    // Computed independently with the Python loop of apfs-notes §3.2 over bytes (7·i + 3) mod 256.
    let block = (0..<4096).map { UInt8(truncatingIfNeeded: 7 * $0 + 3) }
    #expect(block.withUnsafeBytes { BlockKernels.fletcher64($0) } == 0x5693_EE3F_F7A8_3BE8)
    #expect(ReferenceKernels.fletcher64(block) == 0x5693_EE3F_F7A8_3BE8)
  }

  @Test func fletcher64SurvivesWorstCaseWords() {
    // All-0xFF words maximise every lane; 2 MiB spans many 64 KiB chunks.
    let ones = [UInt8](repeating: 0xFF, count: 2 << 20)
    #expect(ones.withUnsafeBytes { BlockKernels.fletcher64($0) } == ReferenceKernels.fletcher64(ones))
  }

  @Test func blockStatsMatchReference() {
    for input in Self.inputs() {
      let scratch = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: BlockKernels.histogramScratchCount)
      defer { scratch.deallocate() }
      let fast = input.withUnsafeBytes { BlockStats(of: $0, scratch: scratch) }
      let reference = ReferenceKernels.blockStats(input)
      #expect(fast.byteCount == reference.byteCount)
      #expect(fast.zeroBytes == reference.zeroBytes)
      #expect(fast.printableBytes == reference.printableBytes)
      #expect(fast.controlBytes == reference.controlBytes)
      #expect(fast.highBytes == reference.highBytes)
      #expect(abs(fast.entropy - reference.entropy) < 1e-9, "length \(input.count)")
      #expect(abs(fast.chiSquare - reference.chiSquare) <= 1e-9 * max(1, reference.chiSquare), "length \(input.count)")
      let h = ReferenceKernels.histogram(input)
      for v in 0..<256 { #expect(Int(scratch[v]) == h[v]) }
    }
  }

  @Test func inconsistentHistogramsTakeTheGeneralPath() {
    // Counts that do not add up to the byte count, or exceed the c·log2(c) table, must not index past it.
    var h = [UInt32](repeating: 0, count: 256)
    h[5] = 100_000
    h[6] = UInt32.max
    let stats = h.withUnsafeBufferPointer { BlockStats(histogram: $0, byteCount: 4096) }
    #expect(stats.byteCount == 4096)
    let uniform = [UInt32](repeating: 16, count: 256)
    let exact = uniform.withUnsafeBufferPointer { BlockStats(histogram: $0, byteCount: 4096) }
    #expect(exact.entropy == 8)
    #expect(exact.chiSquare == 0)
  }

  /// Inputs that put every byte class in every lane and position: all 256 values, text with control bytes sprinkled
  /// in, and the usual random and edge-length inputs.
  static func classInputs() -> [[UInt8]] {
    var rng = SeededRandom(seed: Self.seed ^ 0xC1A5)
    var out = inputs()
    for n in [256, 4096, 5000] {
      out.append((0..<n).map { UInt8(truncatingIfNeeded: $0) })
      var text = (0..<n).map { UInt8(truncatingIfNeeded: $0 % 95 + 0x20) }
      for _ in 0..<(n / 150) { text[Int(rng.next() % UInt64(n))] = UInt8(truncatingIfNeeded: rng.next() % 0x20) }
      out.append(text)
    }
    return out
  }

  @Test func byteClassesMatchReferenceWhenNotStopped() {
    for input in Self.classInputs() {
      let reference = ReferenceKernels.blockStats(input)
      let fast = input.withUnsafeBytes { BlockKernels.byteClasses($0) }
      #expect(fast == reference.byteClasses, "length \(input.count)")
      #expect(fast.control == reference.controlBytes)
    }
  }

  @Test func byteClassesStopOnlyWhenTheLimitIsExceeded() {
    // Whatever the limits, a stop means the whole block's counts exceed them too (counts only grow), and the
    // counts up to the stop are exactly the reference counts of that prefix.
    var rng = SeededRandom(seed: Self.seed ^ 0x570B)
    for input in Self.classInputs() {
      for _ in 0..<4 {
        let controlLimit = Int(rng.next() % UInt64(max(1, input.count / 8) + 1))
        let otherLimit = controlLimit + Int(rng.next() % UInt64(max(1, input.count / 4) + 1))
        let fast = input.withUnsafeBytes {
          BlockKernels.byteClasses($0, stopAboveControl: controlLimit, stopAboveNonPrintable: otherLimit)
        }
        let prefix = ReferenceKernels.blockStats(Array(input[0..<fast.counted]))
        #expect(fast == prefix.byteClasses, "length \(input.count), stopped at \(fast.counted)")
        let whole = ReferenceKernels.blockStats(input)
        if fast.counted < input.count {
          #expect(fast.counted % 256 == 0)
          #expect(whole.controlBytes > controlLimit || whole.controlBytes + whole.highBytes > otherLimit)
        }
      }
    }
  }

  @Test func randomBlocksStopEarly() {
    // The pre-check is cheap on ciphertext because it gives up within the first 1 KiB of a 4 KiB block.
    var rng = SeededRandom(seed: Self.seed ^ 0xE4)
    let limits = ContentPolicy.standard.textPrecheckLimits(byteCount: 4096)
    for _ in 0..<100 {
      let block = rng.bytes(4096)
      let counts = block.withUnsafeBytes {
        BlockKernels.byteClasses($0, stopAboveControl: limits.control, stopAboveNonPrintable: limits.nonPrintable)
      }
      #expect(counts.counted <= 1024)
    }
  }
}
