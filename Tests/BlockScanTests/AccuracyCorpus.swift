import TestSupport
import Crypto
import Foundation
import ImageAccess
import RegionMap
import Testing
import _CryptoExtras

@testable import BlockScan

/// A labelled corpus built in the test from what this machine has: random bytes, AES-CTR ciphertext, zlib (gzip),
/// xz and bzip2 output of text and of binaries (run through the Debian tools), plain text, SQLite pages, binaries
/// from /usr/bin, zeros and APFS objects. Every source starts on a block boundary (as files do in a file system);
/// its last partial block is padded with zeros and left out of the matrix.
struct AccuracyCorpus {
  /// Ground-truth labels. `binary` and `sqlite` have no single right class: they are reported, not asserted.
  enum Label: String, CaseIterable {
    case zero, text, random, aesCTR = "aes-ctr", zlib, xz, bzip2, sqlite, binary, apfsObject = "apfs-object"

    var isHighEntropy: Bool { [.random, .aesCTR, .zlib, .xz, .bzip2].contains(self) }
  }

  var image: [UInt8] = []
  /// Label of each block index; nil for padded boundary blocks.
  var labels: [Label?] = []
  let blockSize: Int

  enum CorpusError: Error, CustomStringConvertible {
    case toolFailed(String, Int32)
    case missing(String)
    var description: String {
      switch self {
      case let .toolFailed(tool, status): "\(tool) exited with status \(status)"
      case let .missing(what): "corpus source missing: \(what)"
      }
    }
  }

  /// - Parameter dropCompressedHeaders: leave out the first block of every compressed stream, as in a fragment
  ///   whose header is lost (signatures then cannot help).
  init(seed: UInt64, blockSize: Int = 4096, scale: Int = 1, dropCompressedHeaders: Bool = false) throws {
    self.blockSize = blockSize
    let cut = dropCompressedHeaders ? blockSize : 0
    var rng = SeededRandom(seed: seed)
    let mib = 1 << 20
    let text = try Self.textSource(bytes: 6 * mib * scale, rng: &rng)
    let binaries = try Self.binarySource(bytes: 6 * mib * scale)
    add(.zero, [UInt8](repeating: 0, count: 2 * mib))
    add(.text, text)
    add(.random, rng.bytes(6 * mib * scale))
    let key = SymmetricKey(data: rng.bytes(32))
    let nonce = try AES._CTR.Nonce(nonceBytes: rng.bytes(12))
    add(.aesCTR, Array(try AES._CTR.encrypt(text, using: key, nonce: nonce)))
    add(.zlib, cut, try Self.run("gzip", ["-c", "-6", "-n"], input: text))
    add(.zlib, cut, try Self.run("gzip", ["-c", "-6", "-n"], input: binaries))
    add(.xz, cut, try Self.run("xz", ["-c", "-6", "-T1"], input: text))
    add(.xz, cut, try Self.run("xz", ["-c", "-6", "-T1"], input: binaries))
    add(.bzip2, cut, try Self.run("bzip2", ["-c", "-9"], input: text))
    add(.bzip2, cut, try Self.run("bzip2", ["-c", "-9"], input: binaries))
    add(.sqlite, try Self.sqlitePages())
    add(.binary, binaries)
    for i in 0..<64 {
      add(.apfsObject, Blocks.apfsObject(type: [0x4000_0002, 0x4000_0003, 0x0000_000B, 0x8000_0005][i % 4], oid: UInt64(1024 + i), rng: &rng))
    }
    add(.zero, [UInt8](repeating: 0, count: mib))
  }

  mutating func add(_ label: Label, _ cut: Int, _ bytes: [UInt8]) {
    add(label, Array(bytes.dropFirst(cut)))
  }

  mutating func add(_ label: Label, _ bytes: [UInt8]) {
    let full = bytes.count / blockSize
    image += bytes
    labels += [Label?](repeating: label, count: full)
    let rest = bytes.count % blockSize
    if rest > 0 {
      image += [UInt8](repeating: 0, count: blockSize - rest)
      labels.append(nil)
    }
  }

  /// Text: Debian copyright files (real prose and licences) then seeded word salad up to `bytes`.
  static func textSource(bytes: Int, rng: inout SeededRandom) throws -> [UInt8] {
    var out: [UInt8] = []
    let docs = "/usr/share/doc"
    let packages = (try? FileManager.default.contentsOfDirectory(atPath: docs).sorted()) ?? []
    for package in packages where out.count < bytes / 2 {
      if let data = FileManager.default.contents(atPath: "\(docs)/\(package)/copyright") { out += data }
    }
    guard !out.isEmpty else { throw CorpusError.missing("\(docs)/*/copyright") }
    let words = ["evidence", "block", "container", "volume", "the", "of", "and", "to", "recover", "image", "key",
      "snapshot", "checkpoint", "a", "is", "free", "space", "encrypted", "report", "analyst", "device", "file"]
    while out.count < bytes {
      let word = words[Int(rng.next() % UInt64(words.count))]
      out += Array(word.utf8)
      out.append(rng.next() % 12 == 0 ? 0x0A : 0x20)
    }
    return Array(out.prefix(bytes))
  }

  /// Binaries: the first bytes of executables in /usr/bin, in name order.
  static func binarySource(bytes: Int) throws -> [UInt8] {
    var out: [UInt8] = []
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/bin").sorted()) ?? []
    for name in names where out.count < bytes {
      guard let handle = FileHandle(forReadingAtPath: "/usr/bin/\(name)") else { continue }
      defer { try? handle.close() }
      guard let head = try? handle.read(upToCount: 4) , head == Data([0x7F, 0x45, 0x4C, 0x46]) else { continue }
      try handle.seek(toOffset: 0)
      if let data = try handle.read(upToCount: 512 << 10) { out += data }
    }
    guard out.count >= bytes / 2 else { throw CorpusError.missing("ELF binaries in /usr/bin") }
    return Array(out.prefix(bytes))
  }

  /// A real SQLite database file (4 KiB pages) with text and numeric rows, made by the sqlite3 tool.
  static func sqlitePages() throws -> [UInt8] {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-corpus-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let db = dir.appendingPathComponent("c.sqlite").path
    let sql = """
      PRAGMA page_size=4096;
      CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, value REAL, code INTEGER);
      CREATE INDEX t_name ON t(name);
      WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 30000)
      INSERT INTO t SELECT x, printf('user-%d-%s', x, hex(x * 7919)), x * 3.25, (x * 2654435761) % 4294967296 FROM c;
      """
    _ = try run("sqlite3", [db], input: Array(sql.utf8), inputAsStdin: true)
    guard let data = FileManager.default.contents(atPath: db) else { throw CorpusError.missing("sqlite3 output") }
    return Array(data)
  }

  /// Runs a listed tool (Tools/external-programs.tsv) on `input` (a temp file, or stdin) and returns its standard
  /// output.
  static func run(_ tool: String, _ arguments: [String], input: [UInt8], inputAsStdin: Bool = false) throws -> [UInt8] {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-corpus-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let inPath = dir.appendingPathComponent("in").path
    guard FileManager.default.createFile(atPath: inPath, contents: Data(input)) else {
      throw CorpusError.missing("temp files in \(dir.path)")
    }
    let result = try ExternalPrograms.run(
      tool, inputAsStdin ? arguments : arguments + [inPath], input: inputAsStdin ? input : nil)
    guard result.status == 0 else { throw CorpusError.toolFailed(tool, result.status) }
    return Array(result.standardOutput)
  }

}

/// Rows: true label; columns: scanner class; cells: blocks.
struct ConfusionMatrix {
  static let columns: [RegionClass] = [.zero, .text, .compressed, .encrypted, .apfsObject, .unknown]
  var cells: [AccuracyCorpus.Label: [RegionClass: Int]] = [:]

  init(corpus: AccuracyCorpus, result: ScanResult) {
    var classes = [RegionClass](repeating: .unknown, count: corpus.labels.count)
    for run in result.regions.runs {
      var offset = run.offset
      while offset < run.end {
        classes[offset / corpus.blockSize] = run.regionClass
        offset += corpus.blockSize
      }
    }
    for (i, label) in corpus.labels.enumerated() {
      guard let label else { continue }
      cells[label, default: [:]][classes[i], default: 0] += 1
    }
  }

  func count(_ label: AccuracyCorpus.Label, _ cls: RegionClass) -> Int { cells[label]?[cls] ?? 0 }
  func total(_ label: AccuracyCorpus.Label) -> Int { cells[label]?.values.reduce(0, +) ?? 0 }
  func fraction(_ label: AccuracyCorpus.Label, _ classes: Set<RegionClass>) -> Double {
    let t = total(label)
    return t == 0 ? 0 : Double(classes.reduce(0) { $0 + count(label, $1) }) / Double(t)
  }

  /// A Markdown table with percentages (block counts in parentheses).
  func markdown(title: String) -> String {
    var out = "\(title)\n\n| label \\ class | blocks | " + Self.columns.map(\.rawValue).joined(separator: " | ") + " |\n"
    out += "|---|---:|" + String(repeating: "---:|", count: Self.columns.count) + "\n"
    for label in AccuracyCorpus.Label.allCases where total(label) > 0 {
      let t = total(label)
      out += "| \(label.rawValue) | \(t) | "
      out += Self.columns.map { cls -> String in
        let c = count(label, cls)
        return c == 0 ? "·" : String(format: "%.1f %%", 100 * Double(c) / Double(t))
      }.joined(separator: " | ")
      out += " |\n"
    }
    return out
  }
}

@Suite(.serialized) struct AccuracyCorpusTests {
  static let seed: UInt64 = 0xC0_2205_2026  // corpus seed

  @Test func confusionMatrixAt4KiBMeetsTheMinimums() throws {
    let corpus = try AccuracyCorpus(seed: Self.seed)
    let source = MemorySource(corpus.image)
    var withContext = ScanOptions()
    withContext.threads = 2
    var isolated = withContext
    isolated.useRunContext = false
    let matrices = [
      ("Run context on (default): contiguous sources", try ContentScanner(options: withContext).scan(source: source)),
      ("Every block alone (no run context)", try ContentScanner(options: isolated).scan(source: source)),
    ].map { ConfusionMatrix(corpus: corpus, result: $0.1).markdown(title: $0.0) }
    let report = "Confusion matrix at 4 KiB, corpus seed \(String(Self.seed, radix: 16)), \(corpus.labels.count) blocks\n\n"
      + matrices.joined(separator: "\n")
    let fragments = try AccuracyCorpus(seed: Self.seed, dropCompressedHeaders: true)
    let fragmentMatrix = ConfusionMatrix(
      corpus: fragments, result: try ContentScanner(options: withContext).scan(source: MemorySource(fragments.image))
    ).markdown(title: "Run context on, compressed streams without their first (header) block")
    let full = report + "\n" + fragmentMatrix
    print(full)
    try? full.write(toFile: NSTemporaryDirectory() + "/ringo-confusion-4k.md", atomically: true, encoding: .utf8)

    for useContext in [true, false] {
      var options = withContext
      options.useRunContext = useContext
      let m = ConfusionMatrix(corpus: corpus, result: try ContentScanner(options: options).scan(source: source))
      // Zero and text: 100 % correct.
      #expect(m.total(.zero) > 0 && m.count(.zero, .zero) == m.total(.zero))
      #expect(m.total(.text) > 0 && m.count(.text, .text) == m.total(.text))
      // High entropy versus text/zero: never confused either way.
      for label in AccuracyCorpus.Label.allCases where label.isHighEntropy {
        #expect(m.total(label) > 0)
        #expect(m.count(label, .text) == 0 && m.count(label, .zero) == 0, "\(label)")
      }
      for label in [AccuracyCorpus.Label.zero, .text] {
        #expect(m.count(label, .compressed) == 0 && m.count(label, .encrypted) == 0, "\(label)")
      }
      // APFS objects with a correct checksum are always found.
      #expect(m.count(.apfsObject, .apfsObject) == m.total(.apfsObject))
      // Ciphertext and random bytes: at least 99.5 % encrypted.
      #expect(m.fraction(.random, [.encrypted]) >= 0.995)
      #expect(m.fraction(.aesCTR, [.encrypted]) >= 0.995)
    }
  }
}
