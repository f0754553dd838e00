#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why evidence could not be opened or read at the operating-system level.
public struct ImageError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    case open, stat, map, read, write, notRegularFile
  }
  public var kind: Kind
  public var path: String
  public var errno: Int32
  public var offset: Int?

  public init(_ kind: Kind, path: String, errno: Int32, offset: Int? = nil) {
    self.kind = kind
    self.path = path
    self.errno = errno
    self.offset = offset
  }

  public var description: String {
    let what: String
    switch kind {
    case .open: what = "cannot open"
    case .stat: what = "cannot stat"
    case .map: what = "cannot map"
    case .read: what = "cannot read"
    case .write: what = "cannot write"
    case .notRegularFile: what = "not a regular file or block device"
    }
    let reason = errno != 0 ? String(cString: strerror(errno)) : ""
    let at = offset.map { " at offset \($0)" } ?? ""
    return "\(what) \(path)\(at)\(reason.isEmpty ? "" : ": \(reason)")"
  }
}
