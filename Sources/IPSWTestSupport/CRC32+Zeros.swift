import ImageAccess

extension CRC32 {
  /// Adds `count` zero bytes in O(log count) time (the CRC register is linear over GF(2); the "append one zero byte"
  /// step is a 32×32 bit matrix raised to the `count`-th power by squaring). Used for sparse test archives; test
  /// support only (the product never needs it).
  public mutating func updateZeros(count: UInt64) {
    // Column i of a matrix is the image of the register value with only bit i set, one zero byte later.
    var step = (0..<32).map { i -> UInt32 in
      var one = CRC32(register: UInt32(1) << UInt32(i))
      one.update([0])
      return one.register
    }
    func apply(_ m: [UInt32], _ v: UInt32) -> UInt32 {
      var out: UInt32 = 0
      var v = v
      var i = 0
      while v != 0 {
        if v & 1 != 0 { out ^= m[i] }
        v >>= 1
        i += 1
      }
      return out
    }
    var n = count
    var s = register
    while n != 0 {
      if n & 1 != 0 { s = apply(step, s) }
      step = step.map { apply(step, $0) }
      n >>= 1
    }
    self = CRC32(register: s)
  }
}
