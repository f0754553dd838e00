import DiskImage
import ImageAccess

/// The evidence opened read-only: its files, its detected format, the disk it holds, and where the APFS container
/// starts inside that disk.
///
/// Opening goes outside-in: the stored files (one file, a split raw set, an EWF segment set) → the media they hold
/// (EWF decoded by libewf) → a wrapper (UDIF DMG expanded; encrcdsa and AEA described) → ``ContainerLocator``.
/// Every step keeps what it could read: a problem is recorded in ``problems`` and the report still says the rest.
public struct OpenedEvidence: Sendable {
  public enum Format: String, Sendable {
    case raw, gpt, dmg, ewf, splitRaw = "split-raw", sparseimage, sparsebundle, ipsw, aea, unknown
  }

  /// One partition of a GPT disk, in bytes.
  public struct Partition: Sendable, Equatable {
    public var index: Int
    public var typeGUID: String
    public var name: String
    public var offsetBytes: Int
    public var lengthBytes: Int
  }

  /// One file of a multi-file evidence.
  public struct SegmentFile: Sendable, Equatable {
    public var name: String
    public var path: String
    public var sizeBytes: Int
  }

  public let path: String
  public let format: Format
  /// The evidence bytes as stored: the file, or the segment files back to back (what `sha256` is taken over); for a
  /// sparse bundle, the disk it holds.
  public let stored: any ByteSource
  /// The media the evidence holds (the disk): `stored` itself, or the decoded EWF media; `nil` when it cannot be
  /// read at all (the reason is in ``problems``).
  public let media: (any ByteSource)?
  /// The bytes the APFS layer reads: the disk, a GPT partition of it, or an expanded DMG.
  public let apfsSource: (any ByteSource)?
  /// Offset of the container inside the (expanded) disk.
  public let apfsOffset: Int?
  public let partitions: [Partition]
  /// Problems met while opening and locating (a missing segment, bad GPT CRCs, an overflowing LBA), reported as
  /// errors.
  public var problems: [ParseError]
  /// An encrypted wrapper (encrcdsa DMG, AEA) that hides the disk: what it is and where its key must come from.
  public var encryptedWrapper: String? = nil
  /// For a DMG: the expanded size of its virtual disk.
  public var expandedBytes: Int? = nil
  /// The files of a split raw or EWF set, in order; `nil` for a single file.
  public var segments: [SegmentFile]? = nil
  /// For an E01 set: the libewf-backed media, with its acquisition metadata and checksum state.
  public var ewf: EWFImage? = nil
  /// For an AEA evidence opened with its key: its profile and what checking its signature found (profile 0 with
  /// `--aea-public-key`; otherwise `not-checked` or `unsigned`).
  public var aeaProfile: UInt32? = nil
  public var aeaSignature: AEAArchive.SignatureCheck? = nil
  /// A problem that makes the evidence itself damaged (a missing or truncated segment, an unreadable EWF set).
  public var evidenceDamage: ParseError? = nil
  /// `stored` and `media` are the same bytes (a raw file, a split raw set, a sparse bundle's disk).
  public var storedIsMedia = false
  /// `apfsSource` is `media` or a slice of it (not an expanded DMG).
  var apfsInMedia = false

  /// Where the bytes a content scan reads (`apfsSource`, else `media`, else `stored`) start inside `media`, when
  /// they are a range of it; `nil` when they are other bytes (an expanded DMG, a decoded AEA payload).
  public var scanOffsetInMedia: Int? {
    guard media != nil else { return nil }
    guard apfsSource != nil else { return 0 }
    return apfsInMedia ? apfsOffset : nil
  }

  /// The same inside `stored`: one sequential read of the stored bytes can then feed the evidence hash and the scan.
  public var scanOffsetInStored: Int? {
    if media == nil { return 0 }
    return storedIsMedia ? scanOffsetInMedia : nil
  }

  /// Opens `path` read-only and locates the APFS container. `aeaKey` opens an Apple Encrypted Archive (profile 0
  /// needs none): its payload is decoded segment by segment in memory, never written.
  ///
  /// - Throws: ``ImageAccess/ImageError`` when the file (or a file of its set) cannot be opened (exit code 3).
  /// `aeaSigningKey` checks a signed archive's signature.
  public static func open(path: String, aeaKey: [UInt8]? = nil, aeaSigningKey: AEASigningKey? = nil) throws(ImageError)
    -> OpenedEvidence
  {
    if SparseBundle.matches(path: path) { return openSparseBundle(path: path) }
    if EWFImage.isEWF(path: path) { return try openEWF(path: path) }
    if let set = try SplitRawSet.open(path: path) {
      return sameBytes(
        located(
          path: path, format: .splitRaw, stored: set.source, media: set.source, segments: set.files, aeaKey: aeaKey,
          aeaSigningKey: aeaSigningKey))
    }
    let image = try MappedImage(path: path)
    if SparseImage.matches(image) {
      do {
        return located(path: path, format: .sparseimage, stored: image, media: try SparseImage.open(image), segments: nil)
      } catch {
        return unreadable(path: path, format: .sparseimage, stored: image, error, segments: nil)
      }
    }
    return sameBytes(
      located(
        path: path, format: nil, stored: image, media: image, segments: nil, aeaKey: aeaKey,
        aeaSigningKey: aeaSigningKey))
  }

  /// `opened` read from one source as both stored and media, unless an AEA payload was decoded from it.
  static func sameBytes(_ opened: OpenedEvidence) -> OpenedEvidence {
    var opened = opened
    opened.storedIsMedia = opened.format != .aea
    return opened
  }

  static func openSparseBundle(path: String) -> OpenedEvidence {
    do {
      // A bundle may hold thousands of band files: they are opened on demand, never all at once, so the "stored"
      // bytes (hashed, sized) are the disk the bundle holds, holes as zeros.
      let bundle = try SparseBundle(path: path)
      let media = bundle.media()
      return sameBytes(located(path: path, format: .sparsebundle, stored: media, media: media, segments: bundle.bandFiles))
    } catch {
      return unreadable(path: path, format: .sparsebundle, stored: MemorySource([]), error, segments: nil)
    }
  }

  /// Evidence whose media cannot be read at all: the files are reported with why.
  static func unreadable(
    path: String, format: Format, stored: any ByteSource, _ error: any Error, segments: [SegmentFile]?
  ) -> OpenedEvidence {
    let parseError = (error as? ParseError) ?? ParseError(.invalid("\(error)"), in: "\(format.rawValue)", at: nil)
    var opened = OpenedEvidence(
      path: path, format: format, stored: stored, media: nil, apfsSource: nil, apfsOffset: nil, partitions: [],
      problems: [parseError])
    opened.segments = segments
    opened.evidenceDamage = parseError
    return opened
  }

  static func openEWF(path: String) throws(ImageError) -> OpenedEvidence {
    do {
      let ewf = try EWFImage(firstSegment: path)
      let files = ewf.segmentFiles.map { SegmentFile(name: $0.name, path: $0.path, sizeBytes: $0.sizeBytes) }
      let stored = try storedSource(files)
      var opened = located(path: path, format: .ewf, stored: stored, media: ewf, segments: files)
      opened.ewf = ewf
      return opened
    } catch let error as ImageError {
      throw error
    } catch {
      // The set does not open as media: report its first file and why.
      let image = try MappedImage(path: path)
      return unreadable(
        path: path, format: .ewf, stored: image, error,
        segments: [SegmentFile(name: EWFImage.baseName(path), path: path, sizeBytes: image.byteCount)])
    }
  }

  /// The segment files mapped back to back.
  static func storedSource(_ files: [SegmentFile]) throws -> SegmentedSource {
    var segments: [SegmentedSource.Segment] = []
    for file in files { segments.append(.init(name: file.name, source: try MappedImage(path: file.path))) }
    return try SegmentedSource(segments: segments)
  }

  /// Undoes a wrapper (UDIF, encrcdsa, AEA) around `media`, then locates the container. An AEA archive is opened
  /// with `aeaKey` (or without one for the signed-only profile 0) and its decoded payload located in turn.
  static func located(
    path: String, format: Format?, stored: any ByteSource, media: any ByteSource, segments: [SegmentFile]?,
    aeaKey: [UInt8]? = nil, aeaSigningKey: AEASigningKey? = nil
  ) -> OpenedEvidence {
    // An AEA archive is decoded before the wrapper detection, which only describes it (and whose header parser
    // refuses some signed archives the decoder reads).
    if media.byteCount >= 12, (try? media.read(0..<4)) == Array("AEA1".utf8),
      let decoded = openAEA(
        path: path, stored: stored, media: media, segments: segments, key: aeaKey, signingKey: aeaSigningKey)
    {
      return decoded
    }
    var opened: OpenedEvidence
    do {
      switch try DiskImageDetector.open(media, cache: .shared) {
      case .raw:
        opened = containerIn(media, path: path, format: format, stored: stored, media: media)
        opened.apfsInMedia = true
      case let .udif(dmg):
        opened = containerIn(dmg, path: path, format: format ?? .dmg, stored: stored, media: media)
        opened.expandedBytes = dmg.byteCount
      case let .encrcdsa(header):
        opened = OpenedEvidence(
          path: path, format: format ?? .dmg, stored: stored, media: media, apfsSource: nil, apfsOffset: nil,
          partitions: [], problems: [])
        opened.encryptedWrapper = "encrypted disk image (encrcdsa v\(header.version), AES-\(header.keyBits)); "
          + "the password or key must come from the user"
      case let .aea(header):
        opened = OpenedEvidence(
          path: path, format: format ?? .unknown, stored: stored, media: media, apfsSource: nil, apfsOffset: nil,
          partitions: [], problems: [])
        opened.encryptedWrapper = "Apple Encrypted Archive (AEA1, profile \(header.profile)"
          + (header.keyServiceURL.map { ", key service \($0)" } ?? "") + "): \(header.keyRequirement)"
      }
    } catch {
      let parseError = (error as? ParseError) ?? ParseError(.invalid("\(error)"), in: "disk image", at: nil)
      opened = containerIn(media, path: path, format: format, stored: stored, media: media)
      opened.apfsInMedia = true
      opened.problems.insert(parseError, at: 0)
    }
    opened.segments = segments
    return opened
  }

  /// Locates the container in `disk`; the format is the file's (`ewf`, `split-raw`, `dmg`) or else the layout found.
  static func containerIn(
    _ disk: any ByteSource, path: String, format: Format?, stored: any ByteSource, media: any ByteSource
  ) -> OpenedEvidence {
    let found = ContainerLocator.locate(in: disk)
    let layoutFormat: Format = switch found.layout {
    case .raw: .raw
    case .gpt: .gpt
    case .unknown: .unknown
    }
    return OpenedEvidence(
      path: path, format: format ?? layoutFormat, stored: stored, media: media, apfsSource: found.source,
      apfsOffset: found.offset, partitions: found.partitions, problems: found.problems)
  }

  /// The payload of the AEA archive in `media`, located like any other media (a DMG or a raw disk, format `aea`).
  /// `nil` when an encrypted profile was given no key: the archive is then reported as an encrypted wrapper. A wrong
  /// key, a tampered header, cluster or segment is a located problem.
  static func openAEA(
    path: String, stored: any ByteSource, media: any ByteSource, segments: [SegmentFile]?, key: [UInt8]?,
    signingKey: AEASigningKey? = nil
  ) -> OpenedEvidence? {
    do {
      let archive = try AEAArchive.open(media, symmetricKey: key)
      var opened = located(
        path: path, format: .aea, stored: stored, media: AEASource(archive, cache: .shared), segments: segments)
      let signature = archive.checkSignature(signingKey)
      opened.aeaProfile = archive.profile
      opened.aeaSignature = signature
      if case let .invalid(offset, reason) = signature {
        opened.problems.append(ParseError(.invalid(reason), in: "AEA signature", at: offset))
      }
      return opened
    } catch {
      if error.kind == .keyMissing && key == nil { return nil }
      var opened = OpenedEvidence(
        path: path, format: .aea, stored: stored, media: media, apfsSource: nil, apfsOffset: nil, partitions: [],
        problems: [ParseError(.invalid(error.message), in: error.structure, at: error.offset)])
      opened.segments = segments
      opened.encryptedWrapper = "Apple Encrypted Archive that could not be opened: \(error.description)"
      return opened
    }
  }
}
