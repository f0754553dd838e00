import ReportModel

/// A disk image's description as terminal text.
public struct DMGTextRenderer: ReportRenderer {
  public init() {}

  public func render(_ r: DMGReport) -> String {
    var lines = ["file: \(r.path) (\(r.sizeBytes) bytes)", "kind: \(r.kind)"]
    func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
    if r.kind == "raw" { lines.append("no UDIF trailer, encrcdsa or AEA signature: read it as a raw disk image") }
    if let h = r.encrcdsa {
      lines.append("encryption: AES-\(h.keyBits), HMAC key \(h.hmacKeyBits) bits, block size \(h.blockSize)")
      lines.append("encrypted data: \(h.dataSizeBytes) bytes at offset \(h.dataOffset)")
      lines.append("key: \(h.keyRequirement)")
    }
    if let h = r.aea {
      lines.append("profile: \(h.profile) (\(h.profileName)), scrypt strength \(h.scryptStrength)")
      lines.append("auth data: \(h.authDataBytes) bytes, fields: \(h.authFields.joined(separator: ", "))")
      if let url = h.keyServiceURL { lines.append("key service: \(url)") }
      lines.append("key: \(h.keyRequirement)")
    }
    if let u = r.udif {
      lines.append(
        "koly: version \(u.kolyVersion), flags \(hex(u.flags)), image variant \(u.imageVariant), "
          + "segment \(u.segmentNumber)/\(u.segmentCount)")
      lines.append("data fork: \(u.dataForkLength) bytes at \(u.dataForkOffset)")
      lines.append("XML resource fork: \(u.xmlLength) bytes at \(u.xmlOffset)")
      lines.append(
        "master checksum: type \(u.masterChecksumType), \(u.masterChecksumBits) bits, \(hex(u.masterChecksumValue))")
      lines.append("sectors: \(u.sectors)")
      lines.append("expanded size: \(u.expandedSizeBytes) bytes")
      if u.uncoveredBytes > 0 { lines.append("not covered by any chunk (reads as zeros): \(u.uncoveredBytes) bytes") }
      lines.append("partitions (\(u.partitions.count)):")
      for p in u.partitions {
        lines.append(
          "  \(p.index): id \(p.id.map(String.init) ?? "-"), sectors \(p.firstSector)+\(p.sectorCount), "
            + "\(p.chunks) chunks, \(p.name)")
      }
      lines.append("chunks by type:")
      for c in u.chunkTypes {
        lines.append("  \(c.type): \(c.chunks)" + (c.storedBytes.map { ", \($0) bytes stored" } ?? ""))
      }
      if let sha = u.sha256 { lines.append("sha256 (expanded): \(sha)") }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

extension DMGReport: RenderableReport {
  public static var textRenderer: any ReportRenderer<DMGReport> { DMGTextRenderer() }
}
