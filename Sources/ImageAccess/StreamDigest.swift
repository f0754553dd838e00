import Crypto

/// One running digest over every window of a ``WindowFeed``, in order, on the consumer thread that calls
/// ``consume(_:progress:)``. A window that cannot be read stops the digest (its error, with the window's offset,
/// is the result) but the remaining windows are still taken and released, so the other consumers go on.
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
        try feed.withWindow(index) { bytes in
          guard failure == nil else { return }
          switch kind {
          case .sha256: sha256.update(bufferPointer: bytes)
          case .md5: md5.update(bufferPointer: bytes)
          case .sha1: sha1.update(bufferPointer: bytes)
          }
        }
      } catch {
        if failure == nil {
          failure = (error as? ParseError) ?? ParseError(.invalid("\(error)"), in: "evidence", at: range.lowerBound)
        }
      }
      progress?.advance(range.count)
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
