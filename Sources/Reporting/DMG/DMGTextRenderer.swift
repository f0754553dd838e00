import Foundation
import ReportModel
import Triage

/// A disk image's description as terminal text.
public struct DMGTextRenderer: ReportRenderer {
  public var words: Words
  public init(words: Words = Words(.en)) { self.words = words }

  public func render(_ r: DMGReport) -> String {
    let w = words, bytes = w[.bytesUnit]
    let english = w.catalogue.language == .en
    var lines: [String] = []
    func line(_ label: Label, _ text: String) { lines.append("\(w[label]): \(text)") }
    func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
    line(.file, "\(r.path) (\(r.sizeBytes) \(bytes))")
    line(.kind, r.kind)
    if r.kind == "raw" { lines.append(w[.rawDiskImage]) }
    if let h = r.encrcdsa {
      line(.encryption, "AES-\(h.keyBits), \(w[.hmacKey]) \(h.hmacKeyBits) \(w[.bits]), \(w[.blockSize]) \(h.blockSize)")
      line(.encryptedData, "\(h.dataSizeBytes) \(bytes) \(w[.atOffset]) \(h.dataOffset)")
      // The DiskImage module states the key requirement in English; other languages compose it from the labels.
      line(.key, english ? h.keyRequirement : "\(w[.encryptedDiskImage]) (encrcdsa, AES-\(h.keyBits)): \(w[.keyFromUser])")
    }
    if let h = r.aea {
      line(.profile, "\(h.profile) (\(h.profileName)), \(w[.scryptStrength]) \(h.scryptStrength)")
      line(.authData, "\(h.authDataBytes) \(bytes), \(w[.fields]): \(h.authFields.joined(separator: ", "))")
      if let url = h.keyServiceURL { line(.keyService, url) }
      line(.key, english ? h.keyRequirement : "AEA (\(h.profileName)): "
           + (h.keyServiceURL.map { w[.keyFromApple].replacingOccurrences(of: "{url}", with: $0) } ?? w[.keyFromVendor]))
    }
    if let u = r.udif {
      line(.koly, "\(w[.version]) \(u.kolyVersion), \(w[.flags]) \(hex(u.flags)), \(w[.imageVariant]) \(u.imageVariant), "
           + "\(w[.segment]) \(u.segmentNumber)/\(u.segmentCount)")
      line(.dataFork, "\(u.dataForkLength) \(bytes) \(w[.at]) \(u.dataForkOffset)")
      line(.xmlResourceFork, "\(u.xmlLength) \(bytes) \(w[.at]) \(u.xmlOffset)")
      line(.masterChecksum, "\(w[.type]) \(u.masterChecksumType), \(u.masterChecksumBits) \(w[.bits]), "
           + hex(u.masterChecksumValue))
      line(.sectors, "\(u.sectors)")
      line(.expandedSize, "\(u.expandedSizeBytes) \(bytes)")
      if u.uncoveredBytes > 0 { line(.notCovered, "\(u.uncoveredBytes) \(bytes)") }
      lines.append("\(w[.partitions]) (\(u.partitions.count)):")
      for p in u.partitions {
        lines.append(
          "  \(p.index): \(w[.id]) \(p.id.map(String.init) ?? "-"), \(w[.sectors]) \(p.firstSector)+\(p.sectorCount), "
            + "\(p.chunks) \(w[.chunks]), \(p.name)")
      }
      lines.append("\(w[.chunksByType]):")
      for c in u.chunkTypes {
        lines.append("  \(c.type): \(c.chunks)" + (c.storedBytes.map { ", \($0) \(w[.bytesStored])" } ?? ""))
      }
      if let sha = u.sha256 { line(.sha256Expanded, sha) }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

extension DMGReport: RenderableReport {
  public static var textRenderer: any ReportRenderer<DMGReport> { DMGTextRenderer() }
  public static func textRenderer(in language: Language) -> any ReportRenderer<DMGReport> {
    DMGTextRenderer(words: Words(language))
  }
}
