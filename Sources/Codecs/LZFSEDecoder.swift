/// LZFSE streams: a sequence of blocks, each starting with a little-endian magic, ending with `bvx$`.
///
/// - `bvx-` (0x2d787662): raw bytes; header = magic, byte count.
/// - `bvxn` (0x6e787662): one LZVN block; header = magic, decoded size, payload size.
/// - `bvx1` (0x31787662): LZFSE block with a plain header (772 bytes: counts, final FSE states, 16-bit frequency tables).
/// - `bvx2` (0x32787662): LZFSE block with a packed header (three 64-bit words of bit fields, then the frequency
///   tables in a variable-length code; the header's own size is in the low 32 bits of the third word).
/// - `bvx$` (0x24787662): end of stream.
///
/// An LZFSE block holds two backward-read bit streams of tANS (FSE) symbols: the literals (4 interleaved states over a
/// 1024-state table) and the L, M, D triples (64/64/256-state tables, each symbol a base value plus raw extra bits;
/// D = 0 repeats the previous distance). On disk: lzfse reference `lzfse_internal.h` (block header layouts and the
/// L/M/D tables are facts taken from there); this decoder is an independent implementation that checks every count,
/// state, bit-stream position and back-reference.
enum LZFSEDecoder {
  static let endOfStream: UInt32 = 0x2478_7662  // "bvx$"
  static let uncompressed: UInt32 = 0x2d78_7662  // "bvx-"
  static let compressedV1: UInt32 = 0x3178_7662  // "bvx1"
  static let compressedV2: UInt32 = 0x3278_7662  // "bvx2"
  static let compressedLZVN: UInt32 = 0x6e78_7662  // "bvxn"

  static let v1HeaderSize = 772
  static let v2FixedHeaderSize = 32
  static let literalsPerBlock = 40_000
  static let matchesPerBlock = 10_000

  static let lSymbols = 20, mSymbols = 20, dSymbols = 64, literalSymbols = 256
  static let lStates = 64, mStates = 64, dStates = 256, literalStates = 1024

  static let lExtraBits: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 5, 8]
  static let lBaseValue: [Int32] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 28, 60]
  static let mExtraBits: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 5, 8, 11]
  static let mBaseValue: [Int32] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 24, 56, 312]
  static let dExtraBits: [UInt8] = [
    0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7,
    8, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10, 11, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15,
  ]
  static let dBaseValue: [Int32] = [
    0, 1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 28, 36, 44, 52, 60, 76, 92, 108, 124, 156, 188, 220, 252, 316, 380, 444,
    508, 636, 764, 892, 1020, 1276, 1532, 1788, 2044, 2556, 3068, 3580, 4092, 5116, 6140, 7164, 8188, 10236, 12284,
    14332, 16380, 20476, 24572, 28668, 32764, 40956, 49148, 57340, 65532, 81916, 98300, 114684, 131068, 163836,
    196604, 229372,
  ]

  static func decode(_ input: UnsafeRawBufferPointer, into output: BoundedOutput) throws(CodecError) {
    var position = 0
    // Bounded: every block consumes at least 4 input bytes.
    while true {
      guard input.count &- position >= 4 else { throw CodecError(.lzfse, .truncated, at: position) }
      let magic = le32(input, position)
      switch magic {
      case endOfStream:
        return
      case uncompressed:
        guard input.count &- position >= 8 else { throw CodecError(.lzfse, .truncated, at: position) }
        let rawCount = Int(le32(input, position &+ 4))
        guard rawCount <= input.count &- position &- 8 else { throw CodecError(.lzfse, .truncated, at: position) }
        try output.append(input.baseAddress! + (position &+ 8), count: rawCount, at: position)
        position &+= 8 &+ rawCount
      case compressedLZVN:
        guard input.count &- position >= 12 else { throw CodecError(.lzfse, .truncated, at: position) }
        let rawCount = Int(le32(input, position &+ 4))
        let payloadCount = Int(le32(input, position &+ 8))
        guard payloadCount <= input.count &- position &- 12 else {
          throw CodecError(.lzfse, .truncated, at: position)
        }
        try output.reserve(rawCount, at: position)  // a bomb fails here, before any work
        let start = output.count
        let payload = UnsafeRawBufferPointer(
          rebasing: input[(position &+ 12)..<(position &+ 12 &+ payloadCount)])
        try LZVNDecoder.decode(payload, into: output, codec: .lzfse, inputBase: position &+ 12)
        guard output.count &- start == rawCount else {
          throw CodecError(
            .lzfse, .corrupt("bvxn block decoded to \(output.count - start) bytes, header says \(rawCount)"),
            at: position)
        }
        position &+= 12 &+ payloadCount
      case compressedV1, compressedV2:
        let header = try BlockHeader(parsing: input, at: position, v2: magic == compressedV2)
        try decodeBlock(header, input: input, at: position, into: output)
        position &+= header.headerSize &+ header.literalPayloadBytes &+ header.lmdPayloadBytes
      default:
        throw CodecError(.lzfse, .corrupt("unknown block magic 0x\(String(magic, radix: 16))"), at: position)
      }
    }
  }

  @inline(__always)
  static func le32(_ input: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
    input.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
  }

  @inline(__always)
  static func le64(_ input: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
    input.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
  }

  /// The fields of a `bvx1`/`bvx2` header, unpacked (`lzfse_compressed_block_header_v1`).
  struct BlockHeader {
    var rawBytes = 0  // n_raw_bytes
    var literalCount = 0  // n_literals
    var matchCount = 0  // n_matches
    var literalPayloadBytes = 0  // n_literal_payload_bytes
    var lmdPayloadBytes = 0  // n_lmd_payload_bytes
    var literalBits = 0  // literal_bits, -7...0
    var literalStates: [Int] = [0, 0, 0, 0]  // literal_state[4]
    var lmdBits = 0  // lmd_bits
    var lState = 0, mState = 0, dState = 0
    var lFrequencies: [UInt16] = []
    var mFrequencies: [UInt16] = []
    var dFrequencies: [UInt16] = []
    var literalFrequencies: [UInt16] = []
    var headerSize = 0

    init(parsing input: UnsafeRawBufferPointer, at position: Int, v2: Bool) throws(CodecError) {
      let available = input.count &- position
      var frequencies = [UInt16](repeating: 0, count: lSymbols + mSymbols + dSymbols + literalSymbols)
      if v2 {
        guard available >= v2FixedHeaderSize else { throw CodecError(.lzfse, .truncated, at: position) }
        rawBytes = Int(le32(input, position &+ 4))
        let v0 = le64(input, position &+ 8)
        let v1 = le64(input, position &+ 16)
        let v2word = le64(input, position &+ 24)
        func field(_ v: UInt64, _ offset: Int, _ bits: Int) -> Int { Int((v >> UInt64(offset)) & ((1 << UInt64(bits)) - 1)) }
        literalCount = field(v0, 0, 20)
        literalPayloadBytes = field(v0, 20, 20)
        matchCount = field(v0, 40, 20)
        literalBits = field(v0, 60, 3) - 7
        literalStates = [field(v1, 0, 10), field(v1, 10, 10), field(v1, 20, 10), field(v1, 30, 10)]
        lmdPayloadBytes = field(v1, 40, 20)
        lmdBits = field(v1, 60, 3) - 7
        headerSize = field(v2word, 0, 32)
        lState = field(v2word, 32, 10)
        mState = field(v2word, 42, 10)
        dState = field(v2word, 52, 10)
        guard headerSize >= v2FixedHeaderSize else {
          throw CodecError(.lzfse, .corrupt("bvx2 header size \(headerSize) is below 32"), at: position &+ 24)
        }
        guard headerSize <= available else { throw CodecError(.lzfse, .truncated, at: position) }
        if headerSize > v2FixedHeaderSize {
          try LZFSEDecoder.decodeFrequencies(
            input, from: position &+ v2FixedHeaderSize, to: position &+ headerSize, into: &frequencies)
        }
      } else {
        guard available >= v1HeaderSize else { throw CodecError(.lzfse, .truncated, at: position) }
        func u16(_ offset: Int) -> Int {
          Int(input.loadUnaligned(fromByteOffset: position &+ offset, as: UInt16.self).littleEndian)
        }
        func i32(_ offset: Int) -> Int { Int(Int32(bitPattern: le32(input, position &+ offset))) }
        rawBytes = Int(le32(input, position &+ 4))
        // offset 8 n_payload_bytes is derived, not trusted
        literalCount = Int(le32(input, position &+ 12))
        matchCount = Int(le32(input, position &+ 16))
        literalPayloadBytes = Int(le32(input, position &+ 20))
        lmdPayloadBytes = Int(le32(input, position &+ 24))
        literalBits = i32(28)
        literalStates = [u16(32), u16(34), u16(36), u16(38)]
        lmdBits = i32(40)
        lState = u16(44)
        mState = u16(46)
        dState = u16(48)
        for k in 0..<frequencies.count { frequencies[k] = UInt16(u16(50 &+ 2 &* k)) }
        headerSize = v1HeaderSize
      }
      var offset = 0
      lFrequencies = Array(frequencies[offset..<(offset + lSymbols)]); offset += lSymbols
      mFrequencies = Array(frequencies[offset..<(offset + mSymbols)]); offset += mSymbols
      dFrequencies = Array(frequencies[offset..<(offset + dSymbols)]); offset += dSymbols
      literalFrequencies = Array(frequencies[offset..<(offset + literalSymbols)])

      // Checks (lzfse_check_block_header_v1), then the payload must be present.
      func bad(_ text: String) -> CodecError { CodecError(.lzfse, .corrupt(text), at: position) }
      guard literalCount <= literalsPerBlock else { throw bad("\(literalCount) literals in one block") }
      guard matchCount <= matchesPerBlock else { throw bad("\(matchCount) matches in one block") }
      guard literalStates.allSatisfy({ $0 >= 0 && $0 < LZFSEDecoder.literalStates }) else { throw bad("literal state out of range") }
      guard lState < lStates, mState < mStates, dState < dStates else { throw bad("L/M/D state out of range") }
      guard (-7...0).contains(literalBits), (-7...0).contains(lmdBits) else { throw bad("bad final bit counts") }
      for (table, states, name) in [
        (lFrequencies, lStates, "L"), (mFrequencies, mStates, "M"), (dFrequencies, dStates, "D"),
        (literalFrequencies, LZFSEDecoder.literalStates, "literal"),
      ] {
        guard table.reduce(0, { $0 + Int($1) }) <= states else { throw bad("\(name) frequencies sum above \(states)") }
      }
      guard literalPayloadBytes <= available &- headerSize,
        lmdPayloadBytes <= available &- headerSize &- literalPayloadBytes
      else { throw CodecError(.lzfse, .truncated, at: position) }
    }

  }

  /// Decodes the v2 frequency tables: a prefix code read LSB first (2, 3, 5, 8 or 14 bits per value).
  static func decodeFrequencies(
    _ input: UnsafeRawBufferPointer, from start: Int, to end: Int, into frequencies: inout [UInt16]
  ) throws(CodecError) {
    var source = start
    var accumulator: UInt32 = 0
    var bitCount = 0
    for k in 0..<frequencies.count {
      while source < end, bitCount &+ 8 <= 32 {
        accumulator |= UInt32(input[source]) << UInt32(bitCount)
        bitCount &+= 8
        source &+= 1
      }
      let (value, width) = frequencyValue(accumulator)
      guard width <= bitCount else {
        throw CodecError(.lzfse, .corrupt("frequency table ends early"), at: source)
      }
      frequencies[k] = value
      accumulator >>= UInt32(width)
      bitCount &-= width
    }
    guard bitCount < 8, source == end else {
      throw CodecError(.lzfse, .corrupt("frequency table does not end at the header end"), at: source)
    }
  }

  /// One prefix-coded frequency: the low 5 bits select the code length.
  @inline(__always)
  static func frequencyValue(_ bits: UInt32) -> (UInt16, Int) {
    let low = Int(bits & 31)
    switch low & 3 {
    case 0, 2: return (UInt16(low & 2 == 0 ? 0 : 1), 2)  // xx00 -> 0, xx10 -> 1
    case 1: return (UInt16(low & 4 == 0 ? 2 : 3), 3)  // x001 -> 2, x101 -> 3
    default:
      switch low & 0x0F {
      case 0x03: return (UInt16(low & 0x10 == 0 ? 4 : 6), 5)  // 00011 -> 4, 10011 -> 6
      case 0x0B: return (UInt16(low & 0x10 == 0 ? 5 : 7), 5)  // 01011 -> 5, 11011 -> 7
      case 0x07: return (UInt16(8 &+ ((bits >> 4) & 0x0F)), 8)
      default: return (UInt16(24 &+ ((bits >> 4) & 0x3FF)), 14)  // 0x0F
      }
    }
  }

  /// A tANS decoder entry: `nextState = delta + read(bits)`; value entries add `base + read(valueBits)`.
  struct Entry {
    var bits: UInt8 = 0  // k (state bits) for literals; k + value bits for L/M/D
    var valueBits: UInt8 = 0
    var symbol: UInt8 = 0
    var delta: Int32 = 0
    var base: Int32 = 0
  }

  /// Builds the decoder table for `frequencies` over `stateCount` states (a power of two).
  ///
  /// Symbol i owns `freq[i]` consecutive states; state j of a symbol with frequency f reads k or k-1 bits, where
  /// k is the shift that puts `f << k` in `[N, 2N)`. States left over when the frequencies sum below N stay zero.
  static func buildTable(
    _ frequencies: [UInt16], stateCount: Int, extraBits: [UInt8]? = nil, baseValues: [Int32]? = nil
  ) -> [Entry] {
    var table = [Entry](repeating: Entry(), count: stateCount)
    let stateLeadingZeros = UInt32(stateCount).leadingZeroBitCount
    var index = 0
    for (symbol, frequency) in frequencies.enumerated() where frequency > 0 {
      let f = Int(frequency)
      let k = UInt32(f).leadingZeroBitCount - stateLeadingZeros  // f <= N, so k >= 0
      let j0 = ((2 &* stateCount) >> k) &- f
      let valueBits = extraBits?[symbol] ?? 0
      let base = baseValues?[symbol] ?? 0
      for j in 0..<f where index < stateCount {  // sum <= N was checked; the guard keeps it obvious
        var entry = Entry()
        entry.symbol = UInt8(truncatingIfNeeded: symbol)
        entry.valueBits = valueBits
        entry.base = base
        if j < j0 {
          entry.bits = UInt8(k) &+ valueBits
          entry.delta = Int32(((f &+ j) << k) &- stateCount)
        } else {
          entry.bits = UInt8(k &- 1) &+ valueBits
          entry.delta = Int32((j &- j0) << (k &- 1))
        }
        table[index] = entry
        index &+= 1
      }
    }
    return table
  }

  /// A bit stream read backwards from the end of a payload (`fse_in_stream64`).
  struct BackwardBits {
    var accumulator: UInt64 = 0
    var bitCount = 0
    var position: Int  // next unread byte is at position - 1
    let start: Int
    let input: UnsafeRawBufferPointer

    init(_ input: UnsafeRawBufferPointer, start: Int, end: Int, finalBits: Int) throws(CodecError) {
      self.input = input
      self.start = start
      if finalBits != 0 {
        guard end &- start >= 8 else { throw CodecError(.lzfse, .truncated, at: start) }
        position = end &- 8
        accumulator = le64(input, position)
        bitCount = finalBits &+ 64
      } else {
        guard end &- start >= 7 else { throw CodecError(.lzfse, .truncated, at: start) }
        position = end &- 7
        var value: UInt64 = 0
        for b in 0..<7 { value |= UInt64(input[position &+ b]) << UInt64(8 &* b) }
        accumulator = value
        bitCount = 56
      }
      guard bitCount >= 56, bitCount < 64, accumulator >> UInt64(bitCount) == 0 else {
        throw CodecError(.lzfse, .corrupt("bit stream does not start cleanly"), at: end)
      }
    }

    /// Refills to at least 56 bits, reading whole bytes backwards.
    @inline(__always)
    mutating func refill() throws(CodecError) {
      let bits = (63 &- bitCount) & ~7
      let bytes = bits >> 3
      guard position &- start >= bytes else {
        throw CodecError(.lzfse, .corrupt("bit stream reads before its start"), at: start)
      }
      position &-= bytes
      guard bits > 0 else { return }
      var incoming: UInt64 = 0
      for b in 0..<bytes { incoming |= UInt64(input[position &+ b]) << UInt64(8 &* b) }
      accumulator = accumulator << UInt64(bits) | incoming
      bitCount &+= bits
    }

    @inline(__always)
    mutating func pull(_ n: Int) throws(CodecError) -> UInt64 {
      guard n <= bitCount else { throw CodecError(.lzfse, .corrupt("bit stream exhausted"), at: position) }
      bitCount &-= n
      let result = accumulator >> UInt64(bitCount)
      accumulator &= bitCount == 0 ? 0 : (UInt64.max >> UInt64(64 &- bitCount))
      return result
    }
  }

  static func decodeBlock(
    _ header: BlockHeader, input: UnsafeRawBufferPointer, at position: Int, into output: BoundedOutput
  ) throws(CodecError) {
    try output.reserve(header.rawBytes, at: position)  // a bomb fails here, before any work
    let blockStart = output.count
    let literalTable = buildTable(header.literalFrequencies, stateCount: literalStates)
    let lTable = buildTable(header.lFrequencies, stateCount: lStates, extraBits: lExtraBits, baseValues: lBaseValue)
    let mTable = buildTable(header.mFrequencies, stateCount: mStates, extraBits: mExtraBits, baseValues: mBaseValue)
    let dTable = buildTable(header.dFrequencies, stateCount: dStates, extraBits: dExtraBits, baseValues: dBaseValue)

    // Literals: four interleaved states, decoded four at a time from the end of the literal payload.
    let literalStart = position &+ header.headerSize
    let literalEnd = literalStart &+ header.literalPayloadBytes
    let roundedLiteralCount = (header.literalCount &+ 3) & ~3
    let literals = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, roundedLiteralCount))
    defer { literals.deallocate() }
    // The refill may step back over bytes before the payload (the reference decoder bounds it by the stream start for
    // literals and by the literal payload start for L/M/D); those bits are loaded but never consumed.
    var bits = try BackwardBits(input, start: 0, end: literalEnd, finalBits: header.literalBits)
    var states = header.literalStates
    var i = 0
    while i < roundedLiteralCount {
      try bits.refill()
      for lane in 0..<4 {
        let entry = literalTable[states[lane]]
        states[lane] = Int(entry.delta) &+ Int(try bits.pull(Int(entry.bits)))
        guard states[lane] < literalStates else {
          throw CodecError(.lzfse, .corrupt("literal state out of range"), at: bits.position)
        }
        literals[i &+ lane] = entry.symbol
      }
      i &+= 4
    }

    // L, M, D triples.
    let lmdEnd = literalEnd &+ header.lmdPayloadBytes
    var lmd = try BackwardBits(input, start: literalStart, end: lmdEnd, finalBits: header.lmdBits)
    var lState = header.lState, mState = header.mState, dState = header.dState
    var distance = -1
    var literalIndex = 0
    for _ in 0..<header.matchCount {
      try lmd.refill()
      let l = try valueDecode(&lState, lTable, &lmd)
      let m = try valueDecode(&mState, mTable, &lmd)
      let d = try valueDecode(&dState, dTable, &lmd)
      if d != 0 { distance = d }
      guard l <= header.literalCount &- literalIndex else {
        throw CodecError(.lzfse, .corrupt("literal run past the decoded literals"), at: lmd.position)
      }
      if l > 0 {
        try output.append(literals + literalIndex, count: l, at: lmd.position)
        literalIndex &+= l
      }
      if m > 0 {
        try output.copyMatch(distance: distance, length: m, at: lmd.position)
      }
    }
    guard output.count &- blockStart == header.rawBytes else {
      throw CodecError(
        .lzfse, .corrupt("block decoded to \(output.count - blockStart) bytes, header says \(header.rawBytes)"),
        at: position)
    }
  }

  @inline(__always)
  static func valueDecode(_ state: inout Int, _ table: [Entry], _ bits: inout BackwardBits) throws(CodecError) -> Int {
    let entry = table[state]
    let raw = try bits.pull(Int(entry.bits))
    let next = Int(entry.delta) &+ Int(raw >> UInt64(entry.valueBits))
    guard next >= 0, next < table.count else {
      throw CodecError(.lzfse, .corrupt("state out of range"), at: bits.position)
    }
    state = next
    return Int(entry.base) &+ Int(raw & ((1 << UInt64(entry.valueBits)) &- 1))
  }
}
