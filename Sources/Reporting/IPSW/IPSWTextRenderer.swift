import Foundation
import ReportModel

/// The IPSW inventory as terminal text.
public struct IPSWTextRenderer: ReportRenderer {
  public init() {}

  public func render(_ r: IPSWReport) -> String {
    var out: [String] = []
    func mib(_ b: UInt64) -> String { String(format: "%.1f MiB", Double(b) / 1_048_576) }
    out.append("IPSW \(r.evidence.path)  (\(r.evidence.sizeBytes) bytes, \(r.archive.entries) entries\(r.archive.zip64 ? ", ZIP64" : ""))")
    out.append(
      "Product: \(r.product.types.joined(separator: ", "))  version \(r.product.version ?? "?")  build \(r.product.build ?? "?")"
    )
    out.append("Identities (\(r.identities.count)):")
    for i in r.identities {
      let board = i.boardID.map { "0x" + String($0, radix: 16) } ?? "?"
      let chip = i.chipID.map { "0x" + String($0, radix: 16) } ?? "?"
      out.append(
        "  [\(i.index)] \(i.variant ?? "?") / \(i.restoreBehavior ?? "?")  \(i.deviceClass ?? "?")  board \(board) chip \(chip)"
          + (i.minimumSystemPartitionMiB.map { "  MinimumSystemPartition \($0) MiB" } ?? ""))
    }
    out.append("Components (\(r.components.count))\(r.digestsChecked ? "" : ", digests not checked"):")
    for c in r.components {
      let size = c.sizeBytes.map { "\($0)" } ?? "-"
      out.append("  \(c.digestStatus.padding(toLength: 11, withPad: " ", startingAt: 0)) \(c.name) \(c.path) \(size)")
    }
    out.append("Disk images:")
    for d in r.diskImages {
      let kind = d.container.map { " \($0)" } ?? ""
      let expanded = d.expandedSizeBytes.map { ", expands to \($0) bytes" } ?? ""
      out.append("  \(d.role): \(d.name) \(d.sizeBytes) bytes (\(mib(d.sizeBytes)))\(kind)\(expanded)")
    }
    if let k = r.kernelcache {
      out.append("Kernelcache \(k.path): IM4P \(k.im4pType), \(k.payloadFormat), \(k.payloadSizeBytes) bytes")
      out.append("  encrypted: \(k.encrypted ? "yes (" + k.keybags.map(\.type).joined(separator: ", ") + ")" : "no")")
      if let u = k.uncompressedSizeBytes { out.append("  uncompressed: \(u) bytes") }
      if let v = k.kernelVersion { out.append("  \(v)") }
      if let n = k.decompressionNote { out.append("  note: \(n)") }
      out.append("  personalised: \(k.personalize.map { $0 ? "yes (needs a device ticket)" : "no" } ?? "unknown")")
    }
    if !r.img4Files.isEmpty { out.append("IMG4 payloads: \(r.img4Files.count)") }
    for f in r.img4Files {
      out.append("  \(f.type) \(f.payloadFormat) \(f.payloadSizeBytes) \(f.path)\(f.keybags.isEmpty ? "" : " KBAG")")
    }
    if let t = r.ticket {
      out.append("Ticket: signature \(t.signature.status) (\(t.signature.algorithm))")
      for c in t.certificates { out.append("  cert \(c.subject): \(c.validity), issuer \(c.issuerCheck)") }
      for d in t.digestComparison { out.append("  \(d.status) \(d.component) (\(d.fourCC))") }
    }
    if let e = r.spaceEstimate {
      out.append(
        "Space need (estimate) for a \(e.deviceCapacityGB) GB device: \(e.estimatedMiB) MiB = \(e.minimumSystemPartitionMiB) + \(e.paddingMiB ?? 0) padding")
      out.append("  from \(e.sources.joined(separator: "; "))")
    }
    for e in r.errors { out.append("error: \(e.message)") }
    if let volumes = r.rootFilesystemVolumes {
      out.append("root filesystem volumes (APFS):")
      for v in volumes {
        out.append("  \(v.name)  role \(v.role)  encryption \(v.encryption)  allocated \(v.allocatedBytes) bytes")
      }
    }
    if let error = r.rootFilesystemError { out.append("root filesystem: \(error)") }
    return out.joined(separator: "\n") + "\n"
  }
}

extension IPSWReport: RenderableReport {
  public static var textRenderer: any ReportRenderer<IPSWReport> { IPSWTextRenderer() }
}
