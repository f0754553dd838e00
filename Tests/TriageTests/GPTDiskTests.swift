import APFSFormat
import Evidence
import Foundation
import ImageAccess
import Testing
import TestSupport

@testable import Triage

/// GPT disk images partitioned by util-linux `sfdisk` with an mkapfs container in the Apple_APFS partition.
@Suite struct GPTDiskTests {
  /// A 140 MiB sparse disk: GPT by sfdisk, APFS partition at sector 2048 holding a 128 MiB mkapfs container.
  static func makeDisk() throws -> String {
    let folder = URL(fileURLWithPath: try Scratch.file([], name: "placeholder")).deletingLastPathComponent().path
    let script = """
      set -e
      cd '\(folder)'
      truncate -s 128M part.img
      mkapfs -L InGPT part.img
      truncate -s 140M disk.img
      printf 'label: gpt\\nstart=2048, size=262144, type=7C3457EF-0000-11AA-AA11-00306543ECAC, name="Container"\\n' \
        | sfdisk -q disk.img
      dd if=part.img of=disk.img bs=1M seek=1 conv=notrunc,sparse status=none
      rm part.img
      """
    let result = try ExternalPrograms.runScript(script)
    guard result.status == 0 else {
      throw RealImages.Missing(path: "GPT disk build failed (sfdisk/mkapfs): \(result.combined)")
    }
    return folder + "/disk.img"
  }

  func triage(_ path: String) throws -> TriageReport {
    var options = TriageOptions()
    options.hash = false
    return try Triage.run(path: path, options: options, toolVersion: "test")
  }

  @Test func findsTheAPFSPartitionAndReportsItsOffset() throws {
    let disk = try Self.makeDisk()
    let report = try triage(disk)
    #expect(report.evidence.format == "gpt")
    #expect(report.evidence.apfsOffsetBytes == 2048 * 512)
    #expect(report.evidence.partitions.first?.typeGUID == GPT.apfsPartitionType)
    #expect(report.evidence.partitions.first?.name == "Container")
    #expect(report.container?.volumes.first?.name == "InGPT")
    #expect(report.errors.isEmpty)
    // pstat reads the same container at the same offset (in sectors).
    let (status, output) = try RealImages.run("pstat", ["-o", "2048", disk])
    #expect(status == 0)
    #expect(output.contains("Number of Free Blocks: \(report.container?.freeBlocks ?? 0)"))
    #expect(try SchemaCheck.validate(report))
  }

  @Test func aDamagedPartitionArrayCRCIsReportedAndTheContainerStillRead() throws {
    let disk = try Self.makeDisk()
    let path = try Scratch.mutatedCopy(of: disk) { bytes in
      bytes[1024 + 56 + 10] ^= 0x20  // a byte of the first entry's name, covered by the array CRC
    }
    let report = try triage(path)
    #expect(report.container?.volumes.first?.name == "InGPT")
    #expect(report.errors.contains { $0.code == "checksum-mismatch" && $0.offset == 1024 })
  }
}
