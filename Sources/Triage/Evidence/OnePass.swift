import BlockScan
import Crypto
import Evidence
import ImageAccess

/// One sequential read of a source serving every whole-source consumer of a triage at once: ordered digests
/// (SHA-256 of the evidence; MD5 and SHA-1 of an E01's media), each on its own thread, and the content scanner's
/// workers over the part of the source the scan covers. Built on ``ImageAccess/WindowFeed``: a fixed ring of
/// windows (`slots` × the scanner's window, 8 MiB by default), so memory stays bounded whatever the source size.
public enum OnePass {
  public typealias Digest = StreamDigest.Kind

  public struct Outcome: Sendable {
    /// Hex digests in the order asked, or the first read error (its offset) for each.
    public var digests: [Result<String, ParseError>]
    /// The scan of `scanRange`, when one was asked.
    public var scan: ScanResult?
  }

  /// Reads `source` once with `producers` threads (`makeReader(p)` gives each its own reader; `nil`: copy from
  /// `source`) and hands every window to `digests` and, for the windows of `scanRange`, to `scanner`.
  ///
  /// The scan result is the one ``BlockScan/ContentScanner/scan(source:ranges:)`` gives over the same bytes. When
  /// the threads of the shared read cannot be created, the digests and the scan are read apart, one after the other
  /// on the calling thread, with the same results.
  public static func run(
    _ source: any ByteSource, digests: [Digest], scanner: ContentScanner? = nil, scanRange: Range<Int>? = nil,
    producers: Int = 1, makeReader: (@Sendable (Int) -> WindowFeed.Reader)? = nil, slots: Int = 6,
    progress: ByteProgress? = nil
  ) -> Outcome {
    let size = scanner?.options.windowSize ?? 8 << 20
    let scanned = scanner == nil ? nil : scanRange.map { $0.clamped(to: 0..<source.byteCount) }
    var windows: [Range<Int>]
    var scanWindows = 0..<0
    if let scanner, let scanned {
      windows = WindowFeed.split(0..<scanned.lowerBound, size: size)
      let first = windows.count
      windows += scanner.windowRanges(byteCount: scanned.count).map {
        ($0.lowerBound + scanned.lowerBound)..<($0.upperBound + scanned.lowerBound)
      }
      scanWindows = first..<windows.count
      windows += WindowFeed.split(scanned.upperBound..<source.byteCount, size: size)
    } else {
      windows = WindowFeed.split(0..<source.byteCount, size: size)
    }
    let all = 0..<windows.count
    let feed = WindowFeed(
      windows: windows, consumers: Array(repeating: all, count: digests.count) + (scanned == nil ? [] : [scanWindows]),
      slots: max(slots, producers + 3))
    let sinks = digests.map { StreamDigest($0) }
    let scanBox = ScanBox()
    var consumers: [@Sendable () -> Void] = sinks.enumerated().map { lane, sink in
      { sink.consume(feed, progress: lane == 0 ? progress : nil) }
    }
    if let scanner, let scanned {
      let base = scanWindows.lowerBound
      consumers.append {
        scanBox.result = scanner.scan(byteCount: scanned.count) { range, body in
          try feed.withWindow(base + range.lowerBound / size) { body($0) }
        }
      }
    }
    let copy = WindowFeed.copier(source)
    let ran =
      if makeReader == nil, let image = source as? MappedImage {
        feed.run(lending: { try image.lend($0) }, consumers: consumers)  // a mapped file: no copy
      } else {
        feed.run(producers: producers, makeReader: makeReader ?? { _ in copy }, consumers: consumers)
      }
    guard ran else {
      // No threads to be had: separate reads on this thread, the digests first, then the scan (same results).
      let separate = digests.map { StreamDigest($0) }
      StreamDigest.digest(separate, windows: windows, read: makeReader?(0) ?? copy, progress: progress)
      let scan = scanner.flatMap { scanner in
        scanned.map { scanned in
          scanner.scan(byteCount: scanned.count) { range, body in
            try source.withBytes((range.lowerBound + scanned.lowerBound)..<(range.upperBound + scanned.lowerBound)) {
              body($0)
            }
          }
        }
      }
      return Outcome(digests: separate.map { $0.result() }, scan: scan)
    }
    return Outcome(
      digests: sinks.map { $0.result() },
      scan: scanBox.result)
  }

  final class ScanBox: @unchecked Sendable {
    // @unchecked: written by the scan consumer thread, read after `run` has joined it.
    var result: ScanResult?
  }
}

/// The whole-evidence reads of one triage, started beside the container walk: SHA-256 of the stored bytes, MD5 and
/// SHA-1 of an E01's media, and the content scan when its bytes are a range of one of those (then one read serves
/// both: ``OnePass``). A scan over other bytes (an expanded DMG, a sparse image's disk) is left to the caller.
struct EvidenceReads {
  private var sha256: Background<Result<String, ParseError>>?
  private var storedPass: Background<OnePass.Outcome>?
  private var mediaPass: Background<OnePass.Outcome>?

  /// True when the scan runs here (``scanResult()``), false when the caller must run it.
  private(set) var sharedScan = false

  init(_ evidence: OpenedEvidence, hash: Bool, scanner: ContentScanner?, progress: ByteProgress?) {
    guard hash else { return }
    let stored = evidence.stored
    let scanCount = (evidence.apfsSource ?? evidence.media ?? evidence.stored).byteCount
    if let ewf = evidence.ewf {
      sha256 = Background { Self.hash(stored, progress: progress) }
      let offset = scanner == nil ? nil : evidence.scanOffsetInMedia
      sharedScan = offset != nil
      mediaPass = Background {
        OnePass.run(ewf, digests: [.md5, .sha1], scanner: offset == nil ? nil : scanner,
                    scanRange: offset.map { $0..<($0 + scanCount) }, producers: EWFImage.decodeThreads,
                    makeReader: ewf.makeReader, progress: progress)
      }
    } else if let scanner, let offset = evidence.scanOffsetInStored {
      sharedScan = true
      storedPass = Background {
        OnePass.run(stored, digests: [.sha256], scanner: scanner, scanRange: offset..<(offset + scanCount),
                    progress: progress)
      }
    } else {
      sha256 = Background { Self.hash(stored, progress: progress) }
    }
  }

  private static func hash(_ stored: any ByteSource, progress: ByteProgress?) -> Result<String, ParseError> {
    do {
      return .success(try EvidenceHash.sha256(of: stored, progress: progress))
    } catch {
      return .failure((error as? ParseError) ?? ParseError(.invalid("\(error)"), in: "evidence", at: nil))
    }
  }

  /// SHA-256 of the stored bytes (`nil`: not hashed).
  func sha256Result() -> Result<String, ParseError>? {
    sha256?.wait() ?? storedPass?.wait().digests.first
  }

  /// MD5 and SHA-1 of the E01 media (`nil`: not hashed, or not an E01).
  func ewfDigests() -> Result<(md5: String, sha1: String), ParseError>? {
    guard let digests = mediaPass?.wait().digests, digests.count == 2 else { return nil }
    switch (digests[0], digests[1]) {
    case let (.success(md5), .success(sha1)): return .success((md5, sha1))
    case let (.failure(error), _), let (_, .failure(error)): return .failure(error)
    }
  }

  /// The scan run by the shared read.
  func scanResult() -> ScanResult? {
    guard sharedScan else { return nil }
    return (storedPass ?? mediaPass)?.wait().scan
  }
}
