#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Plain scalar versions of every kernel, written for clarity and not speed. Tests check the fast kernels against
/// these; nothing in the scanner calls them.
public enum ReferenceKernels {
  public static func isAllZero(_ bytes: [UInt8]) -> Bool {
    for b in bytes where b != 0 { return false }
    return true
  }

  public static func readSum(_ bytes: [UInt8]) -> UInt64 {
    var sum: UInt64 = 0
    var i = 0
    while i + 8 <= bytes.count {
      var word: UInt64 = 0
      for k in 0..<8 { word |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
      sum &+= word
      i += 8
    }
    while i < bytes.count {
      sum &+= UInt64(bytes[i])
      i += 1
    }
    return sum
  }

  /// Fletcher-64 exactly as apfs-notes §3.2 writes it: every 32-bit word from byte 8, both sums reduced each step.
  public static func fletcher64(_ object: [UInt8]) -> UInt64 {
    let m: UInt64 = 0xFFFF_FFFF
    var s1: UInt64 = 0
    var s2: UInt64 = 0
    var i = 8
    while i + 4 <= object.count {
      let w =
        UInt64(object[i]) | UInt64(object[i + 1]) << 8 | UInt64(object[i + 2]) << 16 | UInt64(object[i + 3]) << 24
      s1 = (s1 + w) % m
      s2 = (s2 + s1) % m
      i += 4
    }
    let c1 = m - ((s1 + s2) % m)
    let c2 = m - ((s1 + c1) % m)
    return (c2 << 32) | c1
  }

  public static func histogram(_ bytes: [UInt8]) -> [Int] {
    var h = [Int](repeating: 0, count: 256)
    for b in bytes { h[Int(b)] += 1 }
    return h
  }

  /// Two-stage mode's sample of a block: `pieces` stretches of 64 bytes, piece `k` at `k · ⌊count / pieces⌋`.
  public static func spreadSample(_ block: [UInt8], pieces: Int) -> [UInt8] {
    var out: [UInt8] = []
    for k in 0..<pieces {
      let start = k * (block.count / pieces)
      out += block[start..<(start + 64)]
    }
    return out
  }

  /// Control bytes as the text rule counts them: 0x01...0x1F except tab, LF and CR, and 0x7F.
  public static func controlBytes(_ bytes: [UInt8]) -> Int {
    bytes.filter { (0x01...0x1F).contains($0) && ![0x09, 0x0A, 0x0D].contains($0) || $0 == 0x7F }.count
  }

  /// Block statistics from the textbook formulas: `-Σ p·log2 p` and `Σ (c - e)² / e`.
  public static func blockStats(_ bytes: [UInt8]) -> BlockStats {
    let h = histogram(bytes)
    let n = bytes.count
    var printable = 0
    var control = 0
    var high = 0
    for v in 0..<256 {
      switch v {
      case 0x09, 0x0A, 0x0D, 0x20...0x7E: printable += h[v]
      case 0x01...0x1F, 0x7F: control += h[v]
      case 0x80...0xFF: high += h[v]
      default: break
      }
    }
    var entropy = 0.0
    var chi = 0.0
    if n > 0 {
      let expected = Double(n) / 256
      for c in h {
        if c > 0 {
          let p = Double(c) / Double(n)
          entropy -= p * log2(p)
        }
        chi += (Double(c) - expected) * (Double(c) - expected) / expected
      }
    }
    return BlockStats(
      byteCount: n, zeroBytes: h[0], printableBytes: printable, controlBytes: control, highBytes: high,
      entropy: entropy, chiSquare: chi)
  }
}
