import Foundation
import IPSWTestSupport
import TestSupport
import Testing

@testable import Triage

/// `ringo triage IMAGE --ipsw FILE`: the update's space need against the device's free space, and the kernel's
/// facts in the explanation.
@Suite struct IPSWTriageTests {
  static func ipsw(minimumMiB: Int, keybag: Bool) throws -> String {
    var builder = IPSWBuilder()
    let payload = Array("Darwin Kernel Version 23.4.0: test kernel; root:xnu-10063.102.14~1/RELEASE_ARM64_T8101\0".utf8)
      + [UInt8](repeating: 0, count: 2000)
    let kernel = DERBuilder.im4p(
      type: "krnl", description: "KernelCacheBuilder-2405", payload: payload,
      keybags: keybag ? [(1, [UInt8](repeating: 1, count: 16), [UInt8](repeating: 2, count: 32))] : [])
    builder.components = [("KernelCache", .init(path: "kernelcache.release.iphone13", bytes: kernel))]
    builder.minimumSystemPartitionMiB = minimumMiB
    builder.padding = [1: 1, 16: 260]
    let path = try Scratch.file([], name: "update.ipsw")
    try FileManager.default.removeItem(atPath: path)
    try builder.write(to: path)
    return path
  }

  func triage(_ sample: String, ipsw: String) throws -> TriageReport {
    var options = TriageOptions()
    options.hash = false
    options.ipswPath = ipsw
    return try Triage.run(
      path: RealImages.packageRoot.appendingPathComponent("Samples/\(sample).img").path, options: options,
      toolVersion: "test")
  }

  @Test func aShortfallIsTheBootLoopCaseAndTheKernelIsCited() throws {
    let report = try triage("ios-full", ipsw: try Self.ipsw(minimumMiB: 9000, keybag: true))
    let shortfall = try #require(report.findings.first { $0.code == "update-space-shortfall" })
    #expect(shortfall.facts["is_estimate"] == .bool(true))
    #expect(shortfall.facts["minimum_system_partition_mib"] == .int(9000))
    #expect(report.ipsw?.productVersion == "17.4")
    #expect(report.ipsw?.kernelcacheType == "krnl")
    #expect(report.ipsw?.kernelcacheEncrypted == true)
    #expect(report.verdict.verdictClass == .unrecoverableWithoutVendor)
    #expect(report.verdict.reasons.contains { $0.contains("IM4P of type krnl") && $0.contains("KBAG") })
    #expect(report.verdict.reasons.first == shortfall.message)
    #expect(try SchemaCheck.validate(report))
  }

  @Test func enoughSpaceIsStatedWithTheFigures() throws {
    // 1 MiB needed (minimum 0 + padding 1 MiB for a 1 GB device) against 2.4 MiB free on the healthy sample.
    let report = try triage("ios-healthy", ipsw: try Self.ipsw(minimumMiB: 0, keybag: false))
    #expect(!report.findings.contains { $0.code == "update-space-shortfall" })
    let need = try #require(report.findings.first { $0.code == "update-space-need" })
    #expect(need.facts["estimated_need_bytes"] == .uint(1 << 20))
  }

  @Test func anUnreadableIPSWIsAnErrorNotACrash() throws {
    let report = try triage("ios-full", ipsw: try Scratch.file(Array("not a zip".utf8), name: "bad.ipsw"))
    #expect(report.errors.contains { $0.code == "ipsw-unreadable" })
    #expect(report.ipsw == nil)
  }
}
