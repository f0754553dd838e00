import ReportModel
import Triage

extension Labels {
  /// The evidence's files and EWF facts as label/value rows, shared by the text and Markdown renderers: the segment
  /// files of a split raw or EWF set, the acquisition metadata, the stored and recomputed digests and whether they
  /// agree, and the chunks whose checksum failed. Values from the evidence (names, examiner, notes) are kept as they
  /// are; everything else is in the report's language.
  func evidenceFileRows(_ e: TriageReport.Evidence) -> [(label: String, value: String)] {
    var rows: [(String, String)] = []
    if let segments = e.segments, !segments.isEmpty {
      rows.append((self[.segmentFiles], segments.map { "\($0.name) (\(bytes(UInt64($0.sizeBytes))))" }
        .joined(separator: ", ")))
    }
    guard let ewf = e.ewf else { return rows }
    let metadata: [(Label, String?)] = [
      (.caseNumber, ewf.caseNumber), (.evidenceNumber, ewf.evidenceNumber), (.examiner, ewf.examiner),
      (.descriptionLabel, ewf.description), (.notes, ewf.notes), (.acquiredAt, ewf.acquiredAt),
      (.acquirySoftware, ewf.acquirySoftware),
    ]
    for (label, value) in metadata { if let value { rows.append((self[label], value)) } }
    rows.append((self[.mediaSize], bytes(UInt64(ewf.mediaSizeBytes))))
    func digests(_ d: TriageReport.Evidence.EWF.Digests) -> String? {
      let parts = [("MD5", d.md5), ("SHA-1", d.sha1), ("SHA-256", d.sha256)].compactMap { name, value in
        value.map { "\(name) \($0)" }
      }
      return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
    rows.append((self[.storedDigests], digests(ewf.stored) ?? self[.none]))
    rows.append((self[.computedDigests], digests(ewf.computed) ?? notComputed))
    rows.append((self[.verified], self[ewf.verified.map { $0 ? .verifiedMatches : .verifiedDiffers } ?? .verifiedUnknown]))
    if let first = ewf.checksumErrors.first {
      rows.append((self[.chunkChecksumErrors], "\(ewf.checksumErrors.count), \(self[.firstAtOffset]) \(first.offset)"))
    }
    return rows
  }
}
