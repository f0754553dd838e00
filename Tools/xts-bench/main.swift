// AES-XTS-128 decryption throughput of Ringo's XTSCipher (OpenSSL EVP, 512-byte APFS data units, one call per
// extent) on a buffer of SIZE MiB, decrypted in extents of EXTENT KiB, best of RUNS. Prints GB/s; Tools/xts-bench/run.sh
// sets it against `openssl speed -evp aes-128-xts` measured in the same invocation.
// Usage: ringo-xts-bench [SIZE_MiB=256] [EXTENT_KiB=1024] [RUNS=5]
import APFSFormat
import Foundation

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let sizeMiB = arguments.count > 0 ? arguments[0] : 256
let extentKiB = arguments.count > 1 ? arguments[1] : 1024
let runs = arguments.count > 2 ? arguments[2] : 5
let size = sizeMiB << 20
let extent = extentKiB << 10
precondition(extent % 512 == 0 && size % extent == 0, "SIZE must be a whole number of EXTENTs of whole 512-byte units")

var key = [UInt8](repeating: 0, count: 32)
for i in key.indices { key[i] = UInt8(truncatingIfNeeded: i &* 37 &+ 11) }
let cipher = XTSCipher(key: key)
var buffer = [UInt8](repeating: 0, count: size)
for i in stride(from: 0, to: size, by: 8) { buffer[i] = UInt8(truncatingIfNeeded: i >> 3) }

var best = Double.infinity
for _ in 0..<runs {
  let start = DispatchTime.now().uptimeNanoseconds
  try buffer.withUnsafeMutableBytes { whole in
    var offset = 0
    while offset < size {
      let piece = UnsafeMutableRawBufferPointer(rebasing: whole[offset..<(offset + extent)])
      try cipher.decrypt(piece, firstUnit: UInt64(offset / 512))
      offset += extent
    }
  }
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  best = min(best, seconds)
}
print(String(format: "ringo-xts\t%d\t%.3f", extent, Double(size) / best / 1e9))
