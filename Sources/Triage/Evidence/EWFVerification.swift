import Evidence
import ReportModel
import ImageAccess

/// The EWF facts of the report: acquisition metadata, the stored and recomputed digests, whether they agree, and
/// the chunks whose checksum failed.
public struct EWFVerification: Sendable {
  public var section: TriageReport.Evidence.EWF
  /// Report errors: a failed chunk checksum (with its media offset), media that cannot be read, a digest mismatch.
  public var errors: [TriageReport.ReportError]
  /// The first of those problems, which makes the evidence damaged.
  public var damage: ParseError?

  /// The report section from the media `digests` (`nil`: not hashed, `--no-hash`) checked against the stored ones,
  /// and the chunk checksum failures libewf met (all of them once the media was read whole).
  public static func run(_ ewf: EWFImage, digests: Result<(md5: String, sha1: String), ParseError>?) -> EWFVerification {
    let m = ewf.metadata
    var errors: [TriageReport.ReportError] = []
    var damage: ParseError? = nil
    var computed = TriageReport.Evidence.EWF.Digests()
    var verified: Bool? = nil
    switch digests {
    case .success(let digests)?:
      computed.md5 = digests.md5
      computed.sha1 = digests.sha1
      let comparisons = [(m.storedMD5, digests.md5, "MD5"), (m.storedSHA1, digests.sha1, "SHA-1")]
        .compactMap { stored, now, name in stored.map { ($0, now, name) } }
      if !comparisons.isEmpty {
        verified = comparisons.allSatisfy { $0.0 == $0.1 }
        for (stored, now, name) in comparisons where stored != now {
          let problem = ParseError(.invalid("the media's \(name) is \(now), the acquisition stored \(stored)"),
                                   in: "ewf_hash_section", at: nil)
          errors.append(.init(code: "ewf-hash-mismatch", offset: nil, message: problem.description))
          damage = damage ?? problem
        }
      }
    case .failure(let error)?:
      errors.append(.init(code: "ewf-unreadable", offset: error.offset, message: error.description))
      damage = damage ?? error
      verified = m.storedMD5 == nil && m.storedSHA1 == nil ? nil : false
    case nil:
      break
    }
    let late = checksumErrors(ewf)
    errors.append(contentsOf: late.errors)
    damage = damage ?? late.first
    if !late.errors.isEmpty, verified == true { verified = false }
    return EWFVerification(
      section: .init(
        caseNumber: m.caseNumber, evidenceNumber: m.evidenceNumber, examiner: m.examiner,
        description: m.description, notes: m.notes, acquiredAt: m.acquiredAt.map { EWFImage.isoDate($0) ?? $0 },
        acquirySoftware: m.acquirySoftware, mediaSizeBytes: ewf.byteCount,
        stored: .init(md5: m.storedMD5, sha1: m.storedSHA1, sha256: nil), computed: computed, verified: verified,
        checksumErrors: ewf.checksumErrors().map { .init(offset: $0.offset, length: $0.length) }),
      errors: errors, damage: damage)
  }

  /// The chunk checksum failures met so far, as report errors (offset = media offset of the chunk). libewf reports
  /// chunks that no segment file holds the same way; a failed run reaching the end of the media of a set without
  /// its hash section (which the last segment holds) is reported as the missing segment it is.
  public static func checksumErrors(_ ewf: EWFImage) -> (errors: [TriageReport.ReportError], first: ParseError?) {
    let tailMissing = ewf.metadata.storedMD5 == nil && ewf.metadata.storedSHA1 == nil
    let problems = ewf.checksumErrors().map { failed -> (String, ParseError) in
      if tailMissing, failed.offset + failed.length == ewf.byteCount, let last = ewf.segmentFiles.last,
        let next = EWFImage.nextSegmentName(last.path).map(EWFImage.baseName)
      {
        return ("ewf-segment-missing", ParseError(
          .invalid("the last \(failed.length) bytes of media are in no segment file: \(next) (after \(last.name)) is "
                   + "missing or truncated"), in: "ewf_segment \(next)", at: failed.offset))
      }
      return ("ewf-chunk-checksum", ParseError(
        .invalid("chunk checksum does not match (\(failed.length) bytes of media)"), in: "ewf_chunk", at: failed.offset))
    }
    return (problems.map { .init(code: $0.0, offset: $0.1.offset, message: $0.1.description) }, problems.first?.1)
  }
}
