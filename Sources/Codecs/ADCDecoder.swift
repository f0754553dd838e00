/// Apple Data Compression (ADC), the LZ77 variant of UDIF 0x80000004 chunks.
///
/// Opcode byte `b`: if `b & 0x80`, a literal run of `(b & 0x7f) + 1` bytes follows; else if `b & 0x40`, a match of
/// `(b & 0x3f) + 4` bytes at distance `BE16(next two bytes) + 1`; else a match of `((b >> 2) & 0xf) + 3` bytes at
/// distance `(((b & 3) << 8) | next byte) + 1`. On disk: ipsw-notes §3.2 (checked on 8 real chunks).
enum ADCDecoder {
  static func decode(_ input: UnsafeRawBufferPointer, into output: BoundedOutput) throws(CodecError) {
    let count = input.count
    var i = 0
    // Bounded: every pass consumes at least one input byte.
    while i < count {
      if let expectedSize = output.expectedSize, output.count == expectedSize { break }  // trailing padding after a full chunk
      let opcode = input[i]
      if opcode & 0x80 != 0 {
        let length = Int(opcode & 0x7f) &+ 1
        guard length <= count &- i &- 1 else { throw CodecError(.adc, .truncated, at: i) }
        try output.append(input.baseAddress! + (i &+ 1), count: length, at: i)
        i &+= 1 &+ length
      } else if opcode & 0x40 != 0 {
        guard count &- i >= 3 else { throw CodecError(.adc, .truncated, at: i) }
        let length = Int(opcode & 0x3f) &+ 4
        let distance = (Int(input[i &+ 1]) << 8 | Int(input[i &+ 2])) &+ 1
        try output.copyMatch(distance: distance, length: length, at: i)
        i &+= 3
      } else {
        guard count &- i >= 2 else { throw CodecError(.adc, .truncated, at: i) }
        let length = Int((opcode >> 2) & 0x0f) &+ 3
        let distance = (Int(opcode & 0x03) << 8 | Int(input[i &+ 1])) &+ 1
        try output.copyMatch(distance: distance, length: length, at: i)
        i &+= 2
      }
    }
  }
}
