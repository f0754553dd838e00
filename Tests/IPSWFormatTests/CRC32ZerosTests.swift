import ImageAccess
import IPSWTestSupport
import Testing

/// `CRC32.updateZeros` (test support, for sparse ZIP entries) equals feeding the zero bytes one by one.
@Suite struct CRC32ZerosTests {
  @Test(arguments: [0, 1, 7, 64, 1000, 65_537])
  func zerosInLogarithmicTimeEqualZerosFedByteByByte(count: Int) {
    var fast = CRC32()
    fast.update(Array("prefix".utf8))
    var slow = fast
    fast.updateZeros(count: UInt64(count))
    slow.update([UInt8](repeating: 0, count: count))
    #expect(fast.value == slow.value)
  }

  @Test func aPausedCRCResumesFromItsRegister() {
    var whole = CRC32()
    whole.update(Array("hello, world".utf8))
    var first = CRC32()
    first.update(Array("hello, ".utf8))
    var resumed = CRC32(register: first.register)
    resumed.update(Array("world".utf8))
    #expect(resumed.value == whole.value)
    #expect(whole.value == 0xFFAB_723A)  // CRC-32 of "hello, world" (zlib.crc32)
  }
}
