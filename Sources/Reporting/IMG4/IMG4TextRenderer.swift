import ReportModel

/// An IMG4 object's description as terminal text.
public struct IMG4TextRenderer: ReportRenderer {
  public init() {}

  public func render(_ r: IMG4Report) -> String {
    var lines = ["\(r.path): \(r.kind)"]
    if let p = r.payload {
      lines.append("IM4P type \(p.type), \"\(p.description)\"")
      lines.append("  payload \(p.payloadSizeBytes) bytes at offset \(p.payloadOffset), format \(p.payloadFormat)")
      if let h = p.complzss {
        lines.append("  complzss: \(h.compressedSize) -> \(h.uncompressedSize) bytes, appended \(h.appendedDataBytes)")
      }
      if let a = p.compressionAlgorithm {
        lines.append("  compression info: algorithm \(a), size \(p.compressionUncompressedSize ?? 0)")
      }
      for k in p.keybags { lines.append("  KBAG \(k.type): iv \(k.ivLength) bytes, key \(k.keyLength) bytes") }
    }
    if let m = r.manifest {
      lines.append("IM4M version \(m.version): \(m.properties.count) properties, \(m.images) images")
      for p in m.properties { lines.append("  \(p.name) = \(p.value)") }
      lines.append("  signature: \(m.signature.status) (\(m.signature.algorithm))")
      for c in m.certificates {
        lines.append("  certificate \(c.subject)")
        lines.append("    issuer \(c.issuer): \(c.issuerCheck)")
        lines.append("    valid \(c.notBefore) .. \(c.notAfter): \(c.validity)")
      }
    }
    for p in r.restoreInfo ?? [] { lines.append("IM4R \(p.name) = \(p.value)") }
    return lines.joined(separator: "\n") + "\n"
  }
}

extension IMG4Report: RenderableReport {
  public static var textRenderer: any ReportRenderer<IMG4Report> { IMG4TextRenderer() }
}
