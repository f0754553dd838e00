import ArgumentParser
import IPSWFormat
import ImageAccess

extension Ringo.IPSWCommand {
  struct Img4: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Describe a standalone IMG4, IM4P, IM4M or IM4R file (ticket signature and certificates included).")

    @Argument(help: "The file (opened read-only).") var file: String

    func run() throws {
      let image = try MappedImage(path: file)
      guard let kind = IMG4.kind(of: image) else {
        throw CommandFailure(description: "\(file): not an IMG4/IM4P/IM4M/IM4R DER object")
      }
      print("\(file): \(kind)")
      switch kind {
      case "IM4P": describe(try IM4P(parsing: image))
      case "IMG4":
        let img4 = try IMG4(parsing: image)
        describe(img4.payload)
        if let m = img4.manifest { describe(m) }
        if let r = img4.restoreInfo { describe(r) }
      case "IM4M":
        guard image.byteCount <= 4 << 20 else { throw CommandFailure(description: "IM4M too large") }
        describe(try IM4M(parsing: image.read(0..<image.byteCount)))
      default:
        guard image.byteCount <= 1 << 20 else { throw CommandFailure(description: "IM4R too large") }
        describe(try IM4R(parsing: image.read(0..<image.byteCount)))
      }
    }

    func describe(_ p: IM4P) {
      print("IM4P type \(p.type), \"\(p.description)\"")
      print("  payload \(p.payload.count) bytes at offset \(p.payload.lowerBound), format \(p.payloadFormat)")
      if let h = p.lzssHeader {
        print("  complzss: \(h.compressedSize) -> \(h.uncompressedSize) bytes, appended \(h.appendedDataSize)")
      }
      if let a = p.compressionAlgorithm {
        print("  compression info: algorithm \(a), size \(p.compressionUncompressedSize ?? 0)")
      }
      for k in p.keybags { print("  KBAG \(k.typeName): iv \(k.iv.count) bytes, key \(k.key.count) bytes") }
    }

    func describe(_ m: IM4M) {
      print("IM4M version \(m.version): \(m.properties.count) properties, \(m.images.count) images")
      for p in m.properties { print("  \(p.name) = \(p.value.text)") }
      let check = m.verifySignature()
      print("  signature: \(check.status) (\(check.algorithm))")
      for c in m.certificateFacts() {
        print("  certificate \(c.subject)")
        print("    issuer \(c.issuer): \(c.issuerCheck)")
        print("    valid \(c.notValidBefore) .. \(c.notValidAfter): \(c.validity)")
      }
    }

    func describe(_ r: IM4R) {
      for p in r.properties { print("IM4R \(p.name) = \(p.value.text)") }
    }
  }
}
