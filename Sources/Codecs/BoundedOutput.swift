/// A growable output buffer that refuses to grow past a hard cap, shared by every decoder.
///
/// The cap is the caller's `limit`, or the expected size when one is known (a stream that decodes to more than it
/// should is corrupt, and stopping early keeps memory bounded). Capacity grows by doubling, so memory is at most
/// about twice the bytes actually produced, and never more than `cap + 1` bytes: the spare byte lets the C-library
/// loops detect "one byte too many" without a second probe.
final class BoundedOutput {
  private(set) var base: UnsafeMutablePointer<UInt8>
  private(set) var capacity: Int
  /// Bytes produced so far.
  var count = 0
  /// The most bytes the stream may produce.
  let cap: Int
  let codec: Codec
  let expectedSize: Int?
  let limit: Int
  /// Whether `base` was allocated here (and is freed in deinit) or belongs to the caller's array.
  private let ownsStorage: Bool

  /// Wraps caller-owned storage of `capacity` bytes (`cap + 1`); it never grows.
  init(wrapping storage: UnsafeMutablePointer<UInt8>, capacity: Int, codec: Codec, expectedSize: Int, limit: Int) {
    self.codec = codec
    self.expectedSize = expectedSize
    self.limit = max(0, limit)
    cap = min(self.limit, expectedSize)
    precondition(capacity == cap &+ 1, "wrapped storage must be cap + 1 bytes")  // programmer error
    base = storage
    self.capacity = capacity
    ownsStorage = false
  }

  init(codec: Codec, expectedSize: Int?, limit: Int, inputCount: Int) {
    self.codec = codec
    self.expectedSize = expectedSize
    self.limit = max(0, limit)
    let cap = min(self.limit, expectedSize ?? Int.max)
    self.cap = cap
    let guess: Int
    if let expectedSize {
      guess = expectedSize
    } else {
      let (scaled, overflow) = inputCount.multipliedReportingOverflow(by: 4)
      guess = min(cap, max(64 << 10, overflow ? cap : scaled))
    }
    capacity = max(1, min(guess, cap) &+ 1)  // cap <= Int.max / 2 in practice; +1 is the probe byte
    base = .allocate(capacity: capacity)
    ownsStorage = true
  }

  deinit { if ownsStorage { base.deallocate() } }

  /// The error for output past the cap: a size mismatch when the expected size was the binding cap.
  func overflowError(at inputOffset: Int?) -> CodecError {
    if let expectedSize, expectedSize < limit {
      return CodecError(codec, .corrupt("stream decodes to more than the expected \(expectedSize) bytes"), at: inputOffset)
    }
    return CodecError(codec, .outputLimitExceeded(limit: limit), at: inputOffset)
  }

  /// Makes room for `extra` more bytes, or throws when that would pass the cap.
  @inline(__always)
  func reserve(_ extra: Int, at inputOffset: Int?) throws(CodecError) {
    guard extra <= cap &- count else { throw overflowError(at: inputOffset) }
    let needed = count &+ extra
    if needed > capacity { grow(to: needed) }
  }

  /// Grows capacity for the C-library loops: doubles, up to `cap + 1`. Returns false when already there.
  func growForStreaming() -> Bool {
    let hardMax = cap == Int.max ? Int.max : cap &+ 1
    guard capacity < hardMax else { return false }
    let doubled = capacity > hardMax / 2 ? hardMax : capacity &* 2
    grow(to: min(hardMax, max(doubled, capacity &+ 1)))
    return true
  }

  private func grow(to needed: Int) {
    precondition(ownsStorage, "wrapped storage never grows: reserve() caps below its capacity")
    var newCapacity = capacity
    while newCapacity < needed { newCapacity = newCapacity > Int.max / 2 ? needed : newCapacity &* 2 }
    newCapacity = min(newCapacity, cap == Int.max ? newCapacity : max(needed, cap &+ 1))
    let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    fresh.update(from: base, count: count)
    base.deallocate()
    base = fresh
    capacity = newCapacity
  }

  @inline(__always)
  func append(_ byte: UInt8, at inputOffset: Int) throws(CodecError) {
    try reserve(1, at: inputOffset)
    base[count] = byte
    count &+= 1
  }

  /// Copies `length` bytes from `source` (input bytes, already bounds-checked by the caller).
  @inline(__always)
  func append(_ source: UnsafeRawPointer, count length: Int, at inputOffset: Int) throws(CodecError) {
    try reserve(length, at: inputOffset)
    (base + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: length)
    count &+= length
  }

  /// Copies `length` bytes from `distance` bytes back in the output (an LZ match), overlapping copies included.
  @inline(__always)
  func copyMatch(distance: Int, length: Int, at inputOffset: Int) throws(CodecError) {
    guard distance > 0, distance <= count else {
      throw CodecError(codec, .corrupt("match distance \(distance) with only \(count) bytes decoded"), at: inputOffset)
    }
    try reserve(length, at: inputOffset)
    let destination = base + count
    let source = destination - distance
    if distance >= length {
      destination.update(from: source, count: length)
    } else {
      for i in 0..<length { destination[i] = source[i] }  // overlapping: byte by byte repeats the pattern
    }
    count &+= length
  }

  /// Appends `length` copies of `byte`.
  func appendRepeating(_ byte: UInt8, count length: Int, at inputOffset: Int) throws(CodecError) {
    try reserve(length, at: inputOffset)
    (base + count).initialize(repeating: byte, count: length)
    count &+= length
  }

  /// The decoded bytes as an array.
  func finish() -> [UInt8] {
    Array(UnsafeBufferPointer(start: base, count: count))
  }
}
