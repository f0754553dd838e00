/// LZVN, Apple's byte-oriented LZ77 coder: `bvxn` blocks inside LZFSE streams and APFS decmpfs types 7/8.
///
/// Each opcode carries a literal length L, a match length M and a distance D (or reuses the previous D). Opcode
/// classes, from the first byte:
/// - `sml_d` `LLMMMDDD DDDDDDDD`: L = 0…3, M = 3…10, D < 2048;
/// - `med_d` `101LLMMM DDDDDDMM DDDDDDDD`: M = 3…34, D < 16384 (little-endian 16-bit field);
/// - `lrg_d` `LLMMM111` + LE16 D; `pre_d` `LLMMM110` (previous D);
/// - `sml_l` `1110LLLL`, `lrg_l` `11100000` + (L − 16); `sml_m` `1111MMMM`, `lrg_m` `11110000` + (M − 16);
/// - `eos` 0x06 ends the stream; `nop` 0x0E, 0x16; every other opcode (0x1E…0x3E step 8, 0x70–0x7F, 0xD0–0xDF) is
///   undefined and makes the stream corrupt. Literal bytes follow the opcode, then the match is copied.
///
/// On disk: lzfse reference `lzvn_decode_base.c` opcode table (facts only; this is an independent implementation).
enum LZVNDecoder {
  static func decodeStream(_ input: UnsafeRawBufferPointer, into output: BoundedOutput) throws(CodecError) {
    let sawEnd = try decode(input, into: output, codec: .lzvn, inputBase: 0)
    if !sawEnd, output.count != output.expectedSize { throw CodecError(.lzvn, .truncated, at: input.count) }
  }

  /// Decodes opcodes from `input` into `output` until `eos` or the end of `input`.
  ///
  /// - Returns: whether an `eos` opcode was seen.
  /// - Throws: ``CodecError`` at `inputBase` + the opcode's offset.
  @discardableResult
  static func decode(
    _ input: UnsafeRawBufferPointer, into output: BoundedOutput, codec: Codec, inputBase: Int
  ) throws(CodecError) -> Bool {
    let count = input.count
    guard count > 0 else { return false }
    let bytes = input.baseAddress!
    var i = 0
    var previousDistance = 0
    // Bounded: every opcode consumes at least one input byte.
    while i < count {
      let opcode = input[i]
      let at = inputBase &+ i
      var literal = 0
      var match = 0
      var distance = previousDistance
      switch opcode {
      case 0xE0:  // lrg_l
        guard count &- i >= 2 else { throw CodecError(codec, .truncated, at: at) }
        literal = Int(input[i &+ 1]) &+ 16
        i &+= 2
      case 0xE1...0xEF:  // sml_l
        literal = Int(opcode & 0x0F)
        i &+= 1
      case 0xF0:  // lrg_m
        guard count &- i >= 2 else { throw CodecError(codec, .truncated, at: at) }
        match = Int(input[i &+ 1]) &+ 16
        i &+= 2
      case 0xF1...0xFF:  // sml_m
        match = Int(opcode & 0x0F)
        i &+= 1
      case 0x70...0x7F, 0xD0...0xDF:
        throw CodecError(codec, .corrupt("undefined opcode 0x\(String(opcode, radix: 16))"), at: at)
      case 0xA0...0xBF:  // med_d
        guard count &- i >= 3 else { throw CodecError(codec, .truncated, at: at) }
        let field = Int(input[i &+ 1]) | Int(input[i &+ 2]) << 8
        literal = Int((opcode >> 3) & 0x03)
        match = (Int(opcode & 0x07) << 2 | field & 0x03) &+ 3
        distance = field >> 2
        i &+= 3
      default:
        switch opcode & 0x07 {
        case 6:
          if opcode < 0x40 {
            if opcode == 0x06 { return true }  // eos
            if opcode == 0x0E || opcode == 0x16 {  // nop
              i &+= 1
              continue
            }
            throw CodecError(codec, .corrupt("undefined opcode 0x\(String(opcode, radix: 16))"), at: at)
          }
          literal = Int(opcode >> 6)  // pre_d
          match = Int((opcode >> 3) & 0x07) &+ 3
          i &+= 1
        case 7:  // lrg_d
          guard count &- i >= 3 else { throw CodecError(codec, .truncated, at: at) }
          literal = Int(opcode >> 6)
          match = Int((opcode >> 3) & 0x07) &+ 3
          distance = Int(input[i &+ 1]) | Int(input[i &+ 2]) << 8
          i &+= 3
        default:  // sml_d
          guard count &- i >= 2 else { throw CodecError(codec, .truncated, at: at) }
          literal = Int(opcode >> 6)
          match = Int((opcode >> 3) & 0x07) &+ 3
          distance = Int(opcode & 0x07) << 8 | Int(input[i &+ 1])
          i &+= 2
        }
      }
      if literal > 0 {
        guard literal <= count &- i else { throw CodecError(codec, .truncated, at: at) }
        try output.append(bytes + i, count: literal, at: at)
        i &+= literal
      }
      if match > 0 {
        try output.copyMatch(distance: distance, length: match, at: at)
        previousDistance = distance
      }
    }
    return false
  }
}
