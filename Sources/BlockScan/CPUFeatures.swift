#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Which vector instructions this build assumes and this machine has.
///
/// The portable build (the default) targets baseline x86-64 (SSE2) and runs anywhere. A release build made with
/// `-Xswiftc -target-cpu -Xswiftc haswell -Xswiftc -DRINGO_AVX2` lets the compiler use AVX2 everywhere; such a binary
/// must not run on a CPU without AVX2, so callers check ``unsupportedBuildMessage`` before scanning.
public enum CPUFeatures {
  /// True when this binary was built with the AVX2 setting (`-DRINGO_AVX2` next to `-target-cpu haswell`).
  public static var builtForAVX2: Bool {
    #if RINGO_AVX2
      return true
    #else
      return false
    #endif
  }

  /// True when the CPU reports AVX2 (`/proc/cpuinfo` flags on Linux; assumed false when that cannot be read).
  public static let hasAVX2: Bool = {
    #if os(Linux)
      guard let file = fopen("/proc/cpuinfo", "r") else { return false }
      defer { fclose(file) }
      var line = [CChar](repeating: 0, count: 8192)
      var lines = 0
      while lines < 10_000, fgets(&line, Int32(line.count), file) != nil {  // bounded: the file is small
        lines += 1
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("flags") { return text.split(separator: " ").contains("avx2") }
      }
      return false
    #else
      return false
    #endif
  }()

  /// A message when the build needs AVX2 and the CPU lacks it; nil when the build can run here.
  public static var unsupportedBuildMessage: String? {
    builtForAVX2 && !hasAVX2
      ? "this ringo was built for AVX2 (-target-cpu haswell) but the CPU has no AVX2; use the portable build" : nil
  }
}
