import Testing
@testable import ImageAccess

@Suite struct ByteReaderTests {
  let reader = ByteReader([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08], base: 0x1000, structure: "test_t")

  @Test func littleAndBigEndian() throws {
    #expect(try reader.u16(0) == 0x0201)
    #expect(try reader.u32(0) == 0x0403_0201)
    #expect(try reader.u64(0) == 0x0807_0605_0403_0201)
    #expect(try reader.be32(4) == 0x0506_0708)
  }

  @Test func everyTruncationIsLocated() {
    for start in 0...9 {
      #expect(throws: ParseError.self) { _ = try reader.u64(start == 0 ? 1 : start) }
    }
    do {
      _ = try reader.u32(6)
      Issue.record("read past the end did not throw")
    } catch {
      #expect(error.reason == .truncated(needed: 4, available: 2))
      #expect(error.offset == 0x1006)
      #expect(error.structure == "test_t")
    }
  }

  @Test func negativeAndHugeOffsetsThrowInsteadOfTrapping() {
    #expect(throws: ParseError.self) { _ = try reader.u8(-1) }
    #expect(throws: ParseError.self) { _ = try reader.bytes(2, Int.max) }
    #expect(throws: ParseError.self) { _ = try reader.bytes(Int.max, 2) }
  }

  @Test func uuidPrintsInStorageOrder() throws {
    let r = ByteReader((0..<16).map { UInt8($0) })
    #expect(try r.uuid(0).description == "00010203-0405-0607-0809-0a0b0c0d0e0f")
  }

  @Test func cStringStopsAtNulOrField() throws {
    let r = ByteReader(Array("Data\0junk".utf8) + Array("full".utf8))
    #expect(try r.cString(0, maxLength: 9) == "Data")
    #expect(try r.cString(9, maxLength: 4) == "full")
  }
}
