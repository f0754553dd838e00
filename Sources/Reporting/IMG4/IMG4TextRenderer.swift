import ReportModel
import Triage

/// An IMG4 object's description as terminal text.
public struct IMG4TextRenderer: ReportRenderer {
  public var words: Words
  public init(words: Words = Words(.en)) { self.words = words }

  public func render(_ r: IMG4Report) -> String {
    let w = words, bytes = w[.bytesUnit]
    var lines = ["\(r.path): \(r.kind)"]
    if let p = r.payload {
      lines.append("IM4P \(w[.type]) \(p.type), \"\(p.description)\"")
      lines.append("  \(w[.payload]) \(p.payloadSizeBytes) \(bytes) \(w[.atOffset]) \(p.payloadOffset), \(w[.format]) \(p.payloadFormat)")
      if let h = p.complzss {
        lines.append("  complzss: \(h.compressedSize) -> \(h.uncompressedSize) \(bytes), \(w[.appended]) \(h.appendedDataBytes)")
      }
      if let a = p.compressionAlgorithm {
        lines.append("  \(w[.compressionInfo]): \(w[.algorithm]) \(a), \(w[.size]) \(p.compressionUncompressedSize ?? 0)")
      }
      for k in p.keybags {
        lines.append("  KBAG \(k.type): \(w[.iv]) \(k.ivLength) \(bytes), \(w[.key]) \(k.keyLength) \(bytes)")
      }
    }
    if let m = r.manifest {
      lines.append("IM4M \(w[.version]) \(m.version): \(m.properties.count) \(w[.properties]), \(m.images) \(w[.images])")
      for p in m.properties { lines.append("  \(p.name) = \(p.value)") }
      lines.append("  \(w[.signature]): \(m.signature.status) (\(m.signature.algorithm))")
      for c in m.certificates {
        lines.append("  \(w[.certificate]) \(c.subject)")
        lines.append("    \(w[.issuer]) \(c.issuer): \(c.issuerCheck)")
        lines.append("    \(w[.valid]) \(c.notBefore) .. \(c.notAfter): \(c.validity)")
      }
    }
    for p in r.restoreInfo ?? [] { lines.append("IM4R \(p.name) = \(p.value)") }
    return lines.joined(separator: "\n") + "\n"
  }
}

extension IMG4Report: RenderableReport {
  public static var textRenderer: any ReportRenderer<IMG4Report> { IMG4TextRenderer() }
  public static func textRenderer(in language: Language) -> any ReportRenderer<IMG4Report> {
    IMG4TextRenderer(words: Words(language))
  }
}
