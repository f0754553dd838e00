import Crypto

/// One running digest over every window of a ``WindowFeed``, in order, on the consumer thread that calls
/// ``consume(_:progress:)``. A window that cannot be read stops the digest (its error, with the window's offset,
/// is the result) but the remaining windows are still taken and released, so the other consumers go on. Without
/// threads, ``digest(_:windows:read:progress:)`` gives the same digests from one sequential read.
public final class StreamDigest: @unchecked Sendable {
  // @unchecked: touched by one consumer thread, then read after that thread has been joined (WindowFeed.run).
  public enum Kind: Sendable { case sha256, md5, sha1 }

  private var sha256 = SHA256()
  private var md5 = Insecure.MD5()
  private var sha1 = Insecure.SHA1()
  public let kind: Kind
  private var failure: ParseError?

  public init(_ kind: Kind) { self.kind = kind }

  /// Digests every window of `feed` in order; `progress` advances by each window.
  public func consume(_ feed: WindowFeed, progress: ByteProgress? = nil) {
    for (index, range) in feed.windows.enumerated() {
      do {
        try feed.withWindow(index) { add($0) }
      } catch {
        fail(error, at: range.lowerBound)
      }
      progress?.advance(range.count)
    }
  }

  /// The digests of `windows` read one after the other on the calling thread with one buffer, each window read once
  /// for every digest: the results ``consume(_:progress:)`` gives over the same windows, for when the threads of a
  /// ``WindowFeed`` cannot be had. `progress` advances by each window.
  public static func digest(_ digests: [StreamDigest], windows: [Range<Int>], read: WindowFeed.Reader,
                            progress: ByteProgress? = nil)
  {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, windows.map(\.count).max() ?? 1), alignment: 64)
    defer { buffer.deallocate() }
    for range in windows {
      let window = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<range.count])
      do {
        try read(window, range.lowerBound)
        for digest in digests { digest.add(UnsafeRawBufferPointer(window)) }
      } catch {
        for digest in digests { digest.fail(error, at: range.lowerBound) }
      }
      progress?.advance(range.count)
    }
  }

  private func add(_ bytes: UnsafeRawBufferPointer) {
    guard failure == nil else { return }
    switch kind {
    case .sha256: sha256.update(bufferPointer: bytes)
    case .md5: md5.update(bufferPointer: bytes)
    case .sha1: sha1.update(bufferPointer: bytes)
    }
  }

  /// Stops the digest at the first unreadable window.
  private func fail(_ error: any Error, at offset: Int) {
    if failure == nil {
      failure = (error as? ParseError) ?? ParseError(.invalid("\(error)"), in: "evidence", at: offset)
    }
  }

  /// The hex digest, or the first read error.
  public func result() -> Result<String, ParseError> {
    if let failure { return .failure(failure) }
    return switch kind {
    case .sha256: .success(EvidenceHash.hexString(sha256.finalize()))
    case .md5: .success(EvidenceHash.hexString(md5.finalize()))
    case .sha1: .success(EvidenceHash.hexString(sha1.finalize()))
    }
  }
}
