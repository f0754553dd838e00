import Foundation

/// Temporary files for tests, always in the system temp folder (never beside evidence).
public enum Scratch {
  /// Writes `bytes` to a new temporary file and returns its path.
  public static func file(_ bytes: [UInt8], name: String = "image.bin") throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ringo-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  /// A copy of `path` with `mutate` applied to its bytes.
  public static func mutatedCopy(of path: String, _ mutate: (inout [UInt8]) throws -> Void) throws -> String {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    try mutate(&bytes)
    return try file(bytes, name: URL(fileURLWithPath: path).lastPathComponent)
  }

  /// Deterministic pseudo-random bytes (``SeededRandom``).
  public static func randomBytes(count: Int, seed: UInt64) -> [UInt8] {
    var random = SeededRandom(seed: seed)
    return random.bytes(count)
  }
}

/// Little-endian edits of image bytes, with the APFS Fletcher-64 checksum recomputed, for building hostile images.
public enum BlockEdit {
  public static func put64(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt64) {
    for k in 0..<8 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
  }
  public static func put32(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt32) {
    for k in 0..<4 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
  }
  public static func put16(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt16) {
    for k in 0..<2 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
  }
  public static func get64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
    (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
  }
  public static func get32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
  }

  /// Recomputes the Fletcher-64 checksum of the block at `offset` (an independent copy of the algorithm).
  public static func reseal(_ bytes: inout [UInt8], block offset: Int, size: Int = 4096) {
    let m: UInt64 = 0xFFFF_FFFF
    var s1: UInt64 = 0
    var s2: UInt64 = 0
    var i = offset + 8
    while i < offset + size {
      s1 = (s1 + UInt64(get32(bytes, i))) % m
      s2 = (s2 + s1) % m
      i += 4
    }
    let c1 = m - ((s1 + s2) % m)
    let c2 = m - ((s1 + c1) % m)
    put64(&bytes, offset, (c2 << 32) | c1)
  }
}
