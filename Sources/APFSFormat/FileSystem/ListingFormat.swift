/// How `ringo ls` prints a listing.
///
/// - ``text``: `TYPE INODE<TAB>SIZE<TAB>PATH`, names exactly as stored (invalid UTF-8 as `\xNN`).
/// - ``json``: one JSON object per line: `path`, `type`, `inode`, `size`, and when the inode exists `mode`, `uid`,
///   `gid`, `links` and the four times in nanoseconds since 1970 (`accessed_ns`, `modified_ns`, `changed_ns`,
///   `created_ns`); `target` for symbolic links; `inode_missing` when the entry points at no inode.
/// - ``bodyfile``: The Sleuth Kit's body format (`fls -m`), which `mactime` turns into a timeline:
///   `MD5|name|inode|mode_as_string|UID|GID|size|atime|mtime|ctime|crtime`, times in whole seconds, MD5 `0`,
///   a symbolic link's name followed by ` -> target` as `fls -m` writes it;
///   `|`, control characters and invalid UTF-8 in names as `\xNN`.
public enum ListingFormat: String, Sendable, CaseIterable {
  case text, json, bodyfile

  /// Mode, owner and times are needed (not only sizes).
  public var needsDetails: Bool { self != .text }

  /// Appends the display bytes of `name` (one path component) to `out`.
  public func escape(_ name: ArraySlice<UInt8>, into out: inout [UInt8]) {
    var ascii = true
    for byte in name where byte >= 0x80 {
      ascii = false
      break
    }
    let valid = ascii || String(validating: name, as: UTF8.self) != nil
    for byte in name {
      switch self {
      case .text:
        if valid || byte < 0x80 { out.append(byte) } else { Self.hex(byte, into: &out) }
      case .bodyfile:
        if byte == UInt8(ascii: "|") || byte < 0x20 || byte == 0x7F || (!valid && byte >= 0x80) {
          Self.hex(byte, into: &out)
        } else {
          out.append(byte)
        }
      case .json:
        if !valid && byte >= 0x80 {
          out.append(UInt8(ascii: "\\"))  // the text form's "\xNN", with its backslash escaped for JSON
          Self.hex(byte, into: &out)
        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
          out.append(UInt8(ascii: "\\"))
          out.append(byte)
        } else if byte < 0x20 {
          out.append(contentsOf: Array("\\u00".utf8))
          out.append(Self.digits[Int(byte >> 4)])
          out.append(Self.digits[Int(byte & 0xF)])
        } else {
          out.append(byte)
        }
      }
    }
  }

  /// Appends one line for `entry` to `out`.
  public func render(_ entry: ListedEntry, into out: inout [UInt8]) {
    switch self {
    case .text:
      out.append(contentsOf: Self.letter(entry.kind).utf8)
      out.append(UInt8(ascii: " "))
      Self.decimal(entry.fileID, into: &out)
      out.append(UInt8(ascii: "\t"))
      Self.decimal(entry.inode?.size ?? 0, into: &out)
      out.append(UInt8(ascii: "\t"))
      out.append(contentsOf: entry.path)
    case .json:
      out.append(contentsOf: Self.jsonPath)
      out.append(contentsOf: entry.path)
      out.append(contentsOf: Self.jsonType)
      out.append(contentsOf: entry.kind.rawValue.utf8)
      out.append(contentsOf: Self.jsonInode)
      Self.decimal(entry.fileID, into: &out)
      out.append(contentsOf: Self.jsonSize)
      Self.decimal(entry.inode?.size ?? 0, into: &out)
      if let target = entry.linkTarget {
        out.append(contentsOf: Self.jsonTarget)
        escape(target[...], into: &out)
        out.append(UInt8(ascii: "\""))
      }
      if let inode = entry.inode {
        let values = [
          UInt64(inode.mode), UInt64(inode.owner), UInt64(inode.group), inode.accessTime, inode.modifyTime,
          inode.changeTime, inode.createTime,
        ]
        for (key, value) in zip(Self.jsonDetailKeys, values) {
          out.append(contentsOf: key)
          Self.decimal(value, into: &out)
        }
        out.append(contentsOf: Self.jsonLinks)
        if inode.links < 0 { out.append(UInt8(ascii: "-")) }
        Self.decimal(UInt64(inode.links.magnitude), into: &out)
      } else {
        out.append(contentsOf: Self.jsonMissing)
      }
      out.append(UInt8(ascii: "}"))
    case .bodyfile:
      let inode = entry.inode
      out.append(contentsOf: Array("0|".utf8))
      out.append(contentsOf: entry.path)
      if let target = entry.linkTarget {  // as fls -m: "name -> target"
        out.append(contentsOf: Array(" -> ".utf8))
        escape(target[...], into: &out)
      }
      out.append(UInt8(ascii: "|"))
      Self.decimal(entry.fileID, into: &out)
      out.append(UInt8(ascii: "|"))
      out.append(contentsOf: Self.modeString(kind: entry.kind, mode: inode?.mode).utf8)
      for value in [
        UInt64(inode?.owner ?? 0), UInt64(inode?.group ?? 0), inode?.size ?? 0,
        (inode?.accessTime ?? 0) / 1_000_000_000, (inode?.modifyTime ?? 0) / 1_000_000_000,
        (inode?.changeTime ?? 0) / 1_000_000_000, (inode?.createTime ?? 0) / 1_000_000_000,
      ] {
        out.append(UInt8(ascii: "|"))
        Self.decimal(value, into: &out)
      }
    }
    out.append(UInt8(ascii: "\n"))
  }

  /// The type letter of the text listing.
  public static func letter(_ kind: FileKind) -> String {
    switch kind {
    case .regular: "r"
    case .directory: "d"
    case .symlink: "l"
    case .fifo: "p"
    case .characterDevice: "c"
    case .blockDevice: "b"
    case .socket: "s"
    case .whiteout: "w"
    case .unknown: "-"
    }
  }

  /// TSK's `mode_as_string`: the name's type letter, "/", the inode's type letter and `ls -l` permission bits
  /// (`r/rrw-r--r--`, `d/drwxr-xr-x`; sockets are `h` as a name and `s` as an inode, as in `fls`).
  public static func modeString(kind: FileKind, mode: UInt16?) -> String {
    func nameLetter(_ kind: FileKind) -> String { kind == .socket ? "h" : letter(kind) }
    guard let mode else { return "\(nameLetter(kind))/----------" }
    let metaKind = FileKind(mode: mode)
    var s = "\(nameLetter(kind))/" + (metaKind == .socket ? "s" : nameLetter(metaKind))
    let bits: [(UInt16, Character)] = [
      (0o400, "r"), (0o200, "w"), (0o100, "x"), (0o040, "r"), (0o020, "w"), (0o010, "x"), (0o004, "r"), (0o002, "w"),
      (0o001, "x"),
    ]
    var chars = bits.map { mode & $0.0 != 0 ? $0.1 : "-" }
    if mode & 0o4000 != 0 { chars[2] = chars[2] == "x" ? "s" : "S" }
    if mode & 0o2000 != 0 { chars[5] = chars[5] == "x" ? "s" : "S" }
    if mode & 0o1000 != 0 { chars[8] = chars[8] == "x" ? "t" : "T" }
    s.append(contentsOf: chars)
    return s
  }

  static let digits = Array("0123456789abcdef".utf8)
  static let jsonPath = Array(#"{"path":""#.utf8)
  static let jsonType = Array(#"","type":""#.utf8)
  static let jsonInode = Array(#"","inode":"#.utf8)
  static let jsonSize = Array(#","size":"#.utf8)
  static let jsonTarget = Array(#","target":""#.utf8)
  static let jsonLinks = Array(#","links":"#.utf8)
  static let jsonMissing = Array(#","inode_missing":true"#.utf8)
  static let jsonDetailKeys = ["mode", "uid", "gid", "accessed_ns", "modified_ns", "changed_ns", "created_ns"].map {
    Array(",\"\($0)\":".utf8)
  }

  static func hex(_ byte: UInt8, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\\"))
    out.append(UInt8(ascii: "x"))
    out.append(digits[Int(byte >> 4)])
    out.append(digits[Int(byte & 0xF)])
  }

  static func decimal(_ value: UInt64, into out: inout [UInt8]) {
    var v = value
    var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: UInt64.max has 20 digits
    withUnsafeMutableBytes(of: &scratch) { buffer in
      var i = buffer.count
      repeat {
        i -= 1
        buffer[i] = UInt8(truncatingIfNeeded: v % 10) &+ UInt8(ascii: "0")
        v /= 10
      } while v != 0
      out.append(contentsOf: buffer[i...])
    }
  }
}

/// Collects output bytes and hands them to `sink` in chunks of about 256 KiB (one buffered writer for a listing).
public struct ListingWriter {
  public var buffer: [UInt8] = []
  let chunk: Int
  let sink: ([UInt8]) throws -> Void

  public init(chunk: Int = 1 << 18, sink: @escaping ([UInt8]) throws -> Void) {
    self.chunk = chunk
    self.sink = sink
    buffer.reserveCapacity(chunk + 4096)
  }

  /// Hands the buffer to the sink once it holds a chunk.
  public mutating func flushIfFull() throws {
    if buffer.count >= chunk { try flush() }
  }

  public mutating func flush() throws {
    guard !buffer.isEmpty else { return }
    try sink(buffer)
    buffer.removeAll(keepingCapacity: true)
  }
}
