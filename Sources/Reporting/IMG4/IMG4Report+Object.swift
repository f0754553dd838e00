import Foundation
import IPSWFormat
import ImageAccess
import ReportModel

extension IMG4Report {
  /// Describes the IMG4/IM4P/IM4M/IM4R object in `file`.
  ///
  /// - Throws: ``ReportFailure`` naming the file when it is no such object, too large, or does not parse.
  public static func describe(_ file: MappedImage, path: String, toolVersion: String) throws(ReportFailure) -> IMG4Report {
    guard let kind = IMG4.kind(of: file) else { throw ReportFailure("\(path): not an IMG4/IM4P/IM4M/IM4R DER object") }
    var report = IMG4Report(tool: .init(version: toolVersion), path: path, kind: kind)
    do {
      switch kind {
      case "IM4P": report.payload = payload(try IM4P(parsing: file))
      case "IMG4":
        let img4 = try IMG4(parsing: file)
        report.payload = payload(img4.payload)
        report.manifest = img4.manifest.map(manifest)
        report.restoreInfo = img4.restoreInfo.map { properties($0.properties) }
      case "IM4M":
        guard file.byteCount <= 4 << 20 else { throw ReportFailure("\(path): IM4M too large") }
        report.manifest = manifest(try IM4M(parsing: file.read(0..<file.byteCount)))
      default:
        guard file.byteCount <= 1 << 20 else { throw ReportFailure("\(path): IM4R too large") }
        report.restoreInfo = properties(try IM4R(parsing: file.read(0..<file.byteCount)).properties)
      }
    } catch let failure as ReportFailure {
      throw failure
    } catch {
      throw ReportFailure("\(path): \(error)")
    }
    return report
  }

  static func payload(_ p: IM4P) -> Payload {
    Payload(
      type: p.type, description: p.description, payloadOffset: p.payload.lowerBound, payloadSizeBytes: p.payload.count,
      payloadFormat: p.payloadFormat.rawValue,
      complzss: p.lzssHeader.map {
        .init(compressedSize: $0.compressedSize, uncompressedSize: $0.uncompressedSize, appendedDataBytes: $0.appendedDataSize)
      },
      compressionAlgorithm: p.compressionAlgorithm, compressionUncompressedSize: p.compressionUncompressedSize,
      keybags: p.keybags.map { .init(type: $0.typeName, ivLength: $0.iv.count, keyLength: $0.key.count) })
  }

  static func manifest(_ m: IM4M) -> Manifest {
    let iso = ISO8601DateFormatter()
    let check = m.verifySignature()
    return Manifest(
      version: m.version, properties: properties(m.properties), images: m.images.count,
      signature: .init(status: check.status, algorithm: check.algorithm, signer: check.signer),
      certificates: m.certificateFacts().map {
        .init(
          subject: $0.subject, issuer: $0.issuer, notBefore: iso.string(from: $0.notValidBefore),
          notAfter: iso.string(from: $0.notValidAfter), validity: $0.validity, issuerCheck: $0.issuerCheck)
      })
  }

  static func properties(_ list: [IM4MProperty]) -> [Property] { list.map { .init(name: $0.name, value: $0.value.text) } }
}
