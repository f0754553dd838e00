import Foundation
import ImageAccess
import RegionMap
import TestSupport
import Testing

@testable import BlockScan

/// The two-stage scan mode against exact mode: the labelled corpus's confusion matrices (published in README and
/// BENCHMARKS), stage two on groups whose sample misleads, thread-count independence, and `--sample` ranges.
@Suite(.serialized) struct TwoStageTests {
  static func classes(_ result: ScanResult, blocks: Int, blockSize: Int = 4096) -> [RegionClass] {
    var out = [RegionClass](repeating: .unknown, count: blocks)
    for run in result.regions.runs {
      var offset = run.offset
      while offset < run.end {
        out[offset / blockSize] = run.regionClass
        offset += blockSize
      }
    }
    return out
  }

  static func options(_ mode: ScanMode) -> ScanOptions {
    var o = ScanOptions()
    o.threads = 2
    o.mode = mode
    return o
  }

  /// Rows: exact mode's class; columns: the other mode's class; cells: blocks.
  static func agreement(_ exact: [RegionClass], _ other: [RegionClass], labels: [AccuracyCorpus.Label?]) -> String {
    let columns = ConfusionMatrix.columns
    var cells: [RegionClass: [RegionClass: Int]] = [:]
    for i in exact.indices where labels[i] != nil { cells[exact[i], default: [:]][other[i], default: 0] += 1 }
    var out = "| exact \\ two-stage | " + columns.map(\.rawValue).joined(separator: " | ") + " |\n"
    out += "|---|" + String(repeating: "---:|", count: columns.count) + "\n"
    for row in columns where cells[row] != nil {
      out += "| \(row.rawValue) | " + columns.map { String(cells[row]?[$0] ?? 0) }.joined(separator: " | ") + " |\n"
    }
    return out
  }

  @Test func confusionMatricesAgainstExactMode() throws {
    var report = ""
    for (title, drop) in [("contiguous sources", false), ("compressed streams without their header block", true)] {
      let corpus = try AccuracyCorpus(seed: AccuracyCorpusTests.seed, dropCompressedHeaders: drop)
      let source = MemorySource(corpus.image)
      let exact = try ContentScanner(options: Self.options(.exact)).scan(source: source)
      let twoStage = try ContentScanner(options: Self.options(.twoStage)).scan(source: source)
      let e = Self.classes(exact, blocks: corpus.labels.count)
      let t = Self.classes(twoStage, blocks: corpus.labels.count)
      let m = ConfusionMatrix(corpus: corpus, result: twoStage)
      report += ConfusionMatrix(corpus: corpus, result: exact).markdown(title: "Exact, \(title)") + "\n"
      report += m.markdown(title: "Two-stage, \(title)") + "\n"
      report += "Two-stage against exact, \(title) (blocks)\n\n" + Self.agreement(e, t, labels: corpus.labels) + "\n"
      // What stage one decides needs no histogram, so it is exact: zero, text and APFS objects agree block for block.
      for i in e.indices where [.zero, .text, .apfsObject].contains(e[i]) || [.zero, .text, .apfsObject].contains(t[i]) {
        #expect(e[i] == t[i], "block \(i): exact \(e[i]), two-stage \(t[i])")
      }
      // The same minimums as exact mode (AccuracyCorpusTests).
      #expect(m.count(.zero, .zero) == m.total(.zero) && m.count(.text, .text) == m.total(.text))
      for label in AccuracyCorpus.Label.allCases where label.isHighEntropy {
        #expect(m.count(label, .text) == 0 && m.count(label, .zero) == 0, "\(label)")
      }
      #expect(m.count(.apfsObject, .apfsObject) == m.total(.apfsObject))
      #expect(m.fraction(.random, [.encrypted]) >= 0.995)
      #expect(m.fraction(.aesCTR, [.encrypted]) >= 0.995)
      // The loss, bounded: of the blocks exact mode calls compressed, two-stage keeps at least 90 % compressed.
      let exactCompressed = e.indices.filter { e[$0] == .compressed && corpus.labels[$0] != nil }
      let kept = exactCompressed.filter { t[$0] == .compressed }.count
      #expect(Double(kept) >= 0.9 * Double(exactCompressed.count), "\(kept) of \(exactCompressed.count)")
    }
    print(report)
    try? report.write(toFile: NSTemporaryDirectory() + "/ringo-confusion-two-stage.md", atomically: true, encoding: .utf8)
  }

  /// Blocks whose sample pieces are random but whose other bytes use 16 byte values twice as often: the samples look
  /// random, the blocks are biased. With stage two allowed for every group below the limit, two-stage gives exact
  /// mode's answer; with stage two shut off, the samples alone call them encrypted. (The pieces are drawn until the
  /// router samples the block and the sample rules out text, as it does for 99 % of random blocks: a block measured
  /// whole shows its bias, and two of them in a group are enough to call it compressed.)
  @Test func stageTwoMeasuresGroupsTheSampleMisjudges() throws {
    var rng = SeededRandom(seed: 77)
    let pieces = ScanOptions().stageOneSampleBytes / BlockKernels.samplePieceBytes
    let controlLimit = ContentPolicy.standard.textPrecheckLimits(byteCount: 4096).control
    var bytes: [UInt8] = []
    for _ in 0..<512 {
      var block = rng.bytes(4096).map { $0 % 240 }
      repeat {
        for k in 0..<pieces {
          let start = BlockKernels.samplePieceStart(k, pieces: pieces, blockSize: 4096)
          block.replaceSubrange(
            start..<(start + BlockKernels.samplePieceBytes), with: rng.bytes(BlockKernels.samplePieceBytes))
        }
      } while ReferenceKernels.controlBytes(Array(block[0..<64])) < 2
        || ReferenceKernels.controlBytes(ReferenceKernels.spreadSample(block, pieces: pieces)) <= controlLimit
      bytes += block
    }
    let source = MemorySource(bytes)
    let exact = Self.classes(try ContentScanner(options: Self.options(.exact)).scan(source: source), blocks: 512)
    #expect(exact.allSatisfy { $0 == .compressed })
    var always = Self.options(.twoStage)
    always.stageTwoChiSquareFloor = 0
    #expect(Self.classes(try ContentScanner(options: always).scan(source: source), blocks: 512) == exact)
    var never = Self.options(.twoStage)
    never.stageTwoChiSquareFloor = .infinity
    let sampledOnly = Self.classes(try ContentScanner(options: never).scan(source: source), blocks: 512)
    #expect(sampledOnly.filter { $0 == .encrypted }.count >= 480)
  }

  /// The sample is spread over the block, so a block that is random only at its start (a file's last block, padded
  /// with zeros or followed by text) is not decided from its random part: two-stage classes it as exact mode does.
  @Test func partlyRandomBlocksTakeTheExactPath() throws {
    var rng = SeededRandom(seed: 78)
    var bytes: [UInt8] = []
    for i in 0..<256 {
      let fill = 1024 + (i % 4) * 512  // 1, 1.5, 2 or 2.5 KiB of random bytes, then zeros or text
      bytes += rng.bytes(fill)
      bytes += i % 2 == 0
        ? [UInt8](repeating: 0, count: 4096 - fill)
        : (0..<(4096 - fill)).map { UInt8(truncatingIfNeeded: $0 % 26 + 0x61) }
      bytes += rng.bytes(4096)  // a random block between them, so the partly random blocks sit inside runs
    }
    let source = MemorySource(bytes)
    let blocks = bytes.count / 4096
    let exact = Self.classes(try ContentScanner(options: Self.options(.exact)).scan(source: source), blocks: blocks)
    let twoStage = Self.classes(try ContentScanner(options: Self.options(.twoStage)).scan(source: source), blocks: blocks)
    for i in stride(from: 0, to: blocks, by: 2) {
      #expect(exact[i] != .encrypted, "block \(i)")
      #expect(twoStage[i] == exact[i], "block \(i): exact \(exact[i]), two-stage \(twoStage[i])")
    }
  }

  /// Text whose first line holds a few control bytes (within the text rule's 1 %) is routed past the text pre-check,
  /// in both modes; the histogram's class counts (exact mode) or the exact path (two-stage, whose sample cannot rule
  /// text out) still call it text, and a block with too many control bytes is not text.
  @Test func routedTextIsStillText() throws {
    var rng = SeededRandom(seed: 79)
    var bytes: [UInt8] = []
    for i in 0..<64 {
      var block = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next() % 26 + 0x61) }
      let controls = i % 2 == 0 ? 3 : 60  // 3: text; 60 (over 40 of 4096): not text
      for k in 0..<controls { block[k < 3 ? k * 7 : Int(rng.next() % 4096)] = 0x01 }
      bytes += block
    }
    let source = MemorySource(bytes)
    for mode in ScanMode.allCases {
      let classes = Self.classes(try ContentScanner(options: Self.options(mode)).scan(source: source), blocks: 64)
      for i in 0..<64 {
        if i % 2 == 0 {
          #expect(classes[i] == .text, "\(mode) block \(i)")
        } else {
          #expect(classes[i] != .text, "\(mode) block \(i)")
        }
      }
    }
  }

  /// Two-stage results do not depend on the thread count, and random data stays encrypted.
  @Test func twoStageIsIndependentOfThreads() throws {
    var rng = SeededRandom(seed: 3)
    let source = MemorySource(rng.bytes(24 << 20))
    var one = Self.options(.twoStage)
    one.threads = 1
    let a = try ContentScanner(options: one).scan(source: source)
    let b = try ContentScanner(options: Self.options(.twoStage)).scan(source: source)
    #expect(a.regions.runs == b.regions.runs)
    #expect(Double(a.bytesByClass[.encrypted] ?? 0) >= 0.995 * Double(24 << 20))
  }

  /// The spread sample's one-table histogram counts exactly the bytes of its pieces; the fold returns their squares,
  /// control bytes and largest count and adds them to the group's counts, and the unfold takes them out again.
  @Test func sampleKernelsMatchTheReference() {
    var rng = SeededRandom(seed: 9)
    let counts = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: 256)
    let aggregate = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: 256)
    defer { counts.deallocate(); aggregate.deallocate() }
    for (length, pieces) in [(2048, 8), (4096, 8), (4097, 8), (5000, 7), (4096, 4), (16_384, 64), (64, 1)] {
      for block in [
        rng.bytes(length), [UInt8](repeating: 0xAB, count: length), rng.bytes(length).map { $0 & 0x0F },
        rng.bytes(length).map { $0 % 40 },
      ] {
        let sample = ReferenceKernels.spreadSample(block, pieces: pieces)
        let reference = ReferenceKernels.histogram(sample)
        block.withUnsafeBytes { BlockKernels.spreadSampleHistogram($0, pieces: pieces, into: counts) }
        #expect(counts.map(Int.init) == reference, "length \(length), \(pieces) pieces")
        for v in 0..<256 { aggregate[v] = UInt16(truncatingIfNeeded: v &* 7) }
        let before = Array(aggregate)
        let fold = BlockKernels.foldSample(UnsafeBufferPointer(counts), into: aggregate)
        #expect(fold.largest == reference.max())
        #expect(fold.control == ReferenceKernels.controlBytes(sample))
        if fold.largest <= BlockKernels.sampleFoldMaximumCount {
          #expect(fold.squares == reference.reduce(0) { $0 + $1 * $1 }, "length \(length), \(pieces) pieces")
        }
        for v in 0..<256 { #expect(aggregate[v] == before[v] &+ counts[v]) }
        BlockKernels.unfoldSample(UnsafeBufferPointer(counts), from: aggregate)
        #expect(Array(aggregate) == before)
      }
    }
  }

  /// The router counts control bytes in the first line exactly as the text rule does.
  @Test func firstLineControlBytesMatchTheReference() {
    var rng = SeededRandom(seed: 10)
    var inputs = (0..<200).map { _ in rng.bytes(64 + Int(rng.next() % 64)) }
    inputs.append((0..<256).map { UInt8($0) })
    inputs.append(Array((0..<256).map { UInt8($0) }.reversed()))
    inputs.append([UInt8](repeating: 0, count: 64))
    inputs.append((0..<64).map { UInt8([0x09, 0x0A, 0x0D, 0x7F, 0x1F, 0x01, 0x20, 0x80][$0 % 8]) })
    for input in inputs {
      let fast = input.withUnsafeBytes { BlockKernels.firstLineControlBytes($0) }
      #expect(fast == ReferenceKernels.controlBytes(Array(input[0..<64])))
    }
  }

  @Test func sampledRangesTakeOneWindowInN() {
    #expect(ContentScanner.sampledRanges(byteCount: 100, window: 10, every: 1) == [0..<100])
    #expect(ContentScanner.sampledRanges(byteCount: 0, window: 10, every: 3) == [])
    #expect(ContentScanner.sampledRanges(byteCount: 50, window: .max / 2, every: 3) == [0..<50])
    let size = 4096 * 10 + 5
    let ranges = ContentScanner.sampledRanges(byteCount: size, window: 10, every: 4)
    #expect(ranges == ContentScanner.sampledRanges(byteCount: size, window: 10, every: 4))  // the same every run
    // One window-aligned range per stretch of 4 windows (the last stretch may have none), in order, inside the image.
    #expect(ranges.count >= 1023 && ranges.count <= 1025)
    for (i, r) in ranges.enumerated() {
      #expect(r.lowerBound % 10 == 0 && r.upperBound <= size && !r.isEmpty)
      if i > 0 { #expect(r.lowerBound / 40 > ranges[i - 1].lowerBound / 40) }
    }
    // Not always the same window of the stretch (no aliasing with a period of 4 windows).
    #expect(Set(ranges.map { $0.lowerBound % 40 }) == [0, 10, 20, 30])
  }
}
