import Foundation
import ReportModel
import Triage

/// The IPSW inventory as terminal text, labelled in the language of `words`.
public struct IPSWTextRenderer: ReportRenderer {
  public var words: Words
  public init(words: Words = Words(.en)) { self.words = words }

  public func render(_ r: IPSWReport) -> String {
    let w = words, bytes = w[.bytesUnit]
    var out: [String] = []
    func mib(_ b: UInt64) -> String { String(format: "%.1f MiB", Double(b) / 1_048_576) }
    func yes(_ detail: String) -> String { "\(w[.yes]) (\(detail))" }
    out.append("IPSW \(r.evidence.path)  (\(r.evidence.sizeBytes) \(bytes), \(r.archive.entries) \(w[.entries])"
               + "\(r.archive.zip64 ? ", ZIP64" : ""))")
    out.append(
      "\(w[.product]): \(r.product.types.joined(separator: ", "))  \(w[.version]) \(r.product.version ?? "?")  "
        + "\(w[.build]) \(r.product.build ?? "?")")
    out.append("\(w[.identities]) (\(r.identities.count)):")
    for i in r.identities {
      let board = i.boardID.map { "0x" + String($0, radix: 16) } ?? "?"
      let chip = i.chipID.map { "0x" + String($0, radix: 16) } ?? "?"
      out.append(
        "  [\(i.index)] \(i.variant ?? "?") / \(i.restoreBehavior ?? "?")  \(i.deviceClass ?? "?")  \(w[.board]) \(board) "
          + "\(w[.chip]) \(chip)" + (i.minimumSystemPartitionMiB.map { "  MinimumSystemPartition \($0) MiB" } ?? ""))
    }
    out.append("\(w[.components]) (\(r.components.count))\(r.digestsChecked ? "" : ", " + w[.digestsNotChecked]):")
    for c in r.components {
      let size = c.sizeBytes.map { "\($0)" } ?? "-"
      out.append("  \(c.digestStatus.padding(toLength: 11, withPad: " ", startingAt: 0)) \(c.name) \(c.path) \(size)")
    }
    out.append("\(w[.diskImages]):")
    for d in r.diskImages {
      let kind = d.container.map { " \($0)" } ?? ""
      let expanded = d.expandedSizeBytes.map { ", \(w[.expandsTo]) \($0) \(bytes)" } ?? ""
      out.append("  \(d.role): \(d.name) \(d.sizeBytes) \(bytes) (\(mib(d.sizeBytes)))\(kind)\(expanded)")
    }
    if let k = r.kernelcache {
      out.append("\(w[.kernelcache]) \(k.path): IM4P \(k.im4pType), \(k.payloadFormat), \(k.payloadSizeBytes) \(bytes)")
      out.append("  \(w[.encrypted]): " + (k.encrypted ? yes(k.keybags.map(\.type).joined(separator: ", ")) : w[.no]))
      if let u = k.uncompressedSizeBytes { out.append("  \(w[.uncompressed]): \(u) \(bytes)") }
      if let v = k.kernelVersion { out.append("  \(v)") }
      if let n = k.decompressionNote { out.append("  \(w[.note]): \(n)") }
      out.append("  \(w[.personalised]): \(k.personalize.map { $0 ? yes(w[.needsTicket]) : w[.no] } ?? w[.unknownValue])")
    }
    if !r.img4Files.isEmpty { out.append("\(w[.img4Payloads]): \(r.img4Files.count)") }
    for f in r.img4Files {
      out.append("  \(f.type) \(f.payloadFormat) \(f.payloadSizeBytes) \(f.path)\(f.keybags.isEmpty ? "" : " KBAG")")
    }
    if let t = r.ticket {
      out.append("\(w[.ticket]): \(w[.signature]) \(t.signature.status) (\(t.signature.algorithm))")
      for c in t.certificates { out.append("  \(w[.cert]) \(c.subject): \(c.validity), \(w[.issuer]) \(c.issuerCheck)") }
      for d in t.digestComparison { out.append("  \(d.status) \(d.component) (\(d.fourCC))") }
    }
    if let e = r.spaceEstimate {
      out.append(
        w[.spaceNeed].replacingOccurrences(of: "{gb}", with: "\(e.deviceCapacityGB)")
          + ": \(e.estimatedMiB) MiB = \(e.minimumSystemPartitionMiB) + \(e.paddingMiB ?? 0) \(w[.padding])")
      out.append("  \(w[.from]) \(e.sources.joined(separator: "; "))")
    }
    for e in r.errors { out.append("\(w[.error]): \(e.message)") }
    if let volumes = r.rootFilesystemVolumes {
      out.append("\(w[.rootVolumes]):")
      for v in volumes {
        out.append("  \(v.name)  \(w[.role]) \(v.role)  \(w[.encryption]) \(v.encryption)  \(w[.allocated]) \(v.allocatedBytes) \(bytes)")
      }
    }
    if let error = r.rootFilesystemError { out.append("\(w[.rootFilesystem]): \(error)") }
    return out.joined(separator: "\n") + "\n"
  }
}

extension IPSWReport: RenderableReport {
  public static var textRenderer: any ReportRenderer<IPSWReport> { IPSWTextRenderer() }
  public static func textRenderer(in language: Language) -> any ReportRenderer<IPSWReport> {
    IPSWTextRenderer(words: Words(language))
  }
}
