// AES-XTS-128 decryption throughput of Ringo's XTSCipher (OpenSSL, 512-byte APFS data units, one call per extent):
// a buffer of BUFFER KiB decrypted in extents of EXTENT KiB, PASSES times per run, best of RUNS, through the provider
// path (the default) or EVP. Prints GB/s; Tools/xts-bench/run.sh sets it against `openssl speed -evp aes-128-xts`
// measured in the same invocation. A buffer that fits the CPU cache measures the cipher as `openssl speed` does; a
// buffer of hundreds of MiB adds the memory traffic.
// Usage: ringo-xts-bench [BUFFER_KiB=256] [EXTENT_KiB=64] [PASSES=20] [RUNS=200] [provider|evp]
import APFSFormat
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let numbers = arguments.compactMap { Int($0) }
let bufferKiB = numbers.count > 0 ? numbers[0] : 256
let extentKiB = numbers.count > 1 ? numbers[1] : 64
let passes = numbers.count > 2 ? numbers[2] : 20
let runs = numbers.count > 3 ? numbers[3] : 200
let path: XTSCipher.Path = arguments.contains("evp") ? .evp : .provider
let size = bufferKiB << 10
let extent = extentKiB << 10
precondition(extent % 512 == 0 && extent > 0 && size % extent == 0, "BUFFER must be a whole number of EXTENTs")

var key = [UInt8](repeating: 0, count: 32)
for i in key.indices { key[i] = UInt8(truncatingIfNeeded: i &* 37 &+ 11) }
let cipher = XTSCipher(key: key, path: path)
var buffer = [UInt8](repeating: 0, count: size)
for i in stride(from: 0, to: size, by: 8) { buffer[i] = UInt8(truncatingIfNeeded: i >> 3) }

var best = Double.infinity
for _ in 0..<runs {
  let start = DispatchTime.now().uptimeNanoseconds
  try buffer.withUnsafeMutableBytes { whole in
    for _ in 0..<passes {
      var offset = 0
      while offset < size {
        let piece = UnsafeMutableRawBufferPointer(rebasing: whole[offset..<(offset + extent)])
        try cipher.decrypt(piece, firstUnit: UInt64(offset / 512))
        offset += extent
      }
    }
  }
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  best = min(best, seconds)
}
print(String(format: "ringo-xts-%@\t%d\t%.3f", cipher.entryPoint.rawValue, extent, Double(size * passes) / best / 1e9))
