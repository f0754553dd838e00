/// The words of every report, one catalogue per language: summaries, reasons, advice, finding messages, labels and
/// headings. Rules and the verdict return codes with their figures; the catalogue turns them into sentences when the
/// report is built. Adding a code without a phrase does not compile (the switches are exhaustive), and
/// `CatalogueTests` checks every code and label in every language.
public protocol Catalogue: Sendable {
  var language: Language { get }
  func summary(_ summary: Summary) -> String
  func reason(_ reason: Reason) -> String
  func advice(_ advice: Advice) -> String
  func finding(_ observation: Observation) -> String
  func verdictName(_ verdict: TriageReport.VerdictClass) -> String
  /// Labels and headings of the rendered reports and command output.
  var labels: [Label: String] { get }
  /// "how much of a volume's file data is readable" line of a volume.
  func readable(plaintext: UInt64, encrypted: UInt64, compressed: UInt64?, classes: [String: Int]?) -> String
  /// The unlock line of an encrypted volume: state, method and user, KEK entries by kind, hint (for a per-file
  /// volume, why no password unlocks it off the device).
  func unlock(_ unlock: TriageReport.Volume.Unlock, encryption: String) -> String
}

extension Catalogue {
  public func label(_ label: Label) -> String { labels[label] ?? label.rawValue }
  public func bytes(_ count: UInt64) -> String { ByteText.exact(count, language) }
}

extension Language {
  /// The catalogue of this language.
  public var catalogue: any Catalogue {
    switch self {
    case .en: EnglishCatalogue()
    case .ja: JapaneseCatalogue()
    }
  }
}

/// Labels and headings (single words or short phrases without figures).
public enum Label: String, Sendable, CaseIterable {
  // report headings
  case title, verdict, reasons, advice, evidence, container, volumes, findings, errors
  case noContainer = "no-container", notComputed = "not-computed", notMeasured = "not-measured"
  // evidence and container fields
  case path, size, format, apfsAt = "apfs-at", apfsOffset = "apfs-offset", sha256, tool
  case uuid, blockSize = "block-size", blocks, freeBlocks = "free-blocks", free, checkpoint
  case checkpointXID = "checkpoint-xid", fallback, keybag, yes, no
  // volume fields
  case number, name, role, encryption, caseSensitive = "case-sensitive", allocBlocks = "alloc-blocks"
  case alloc, reserve, quota, available, files, directories, dirs, symlinks, snapshots
  case countedInTree = "counted-in-tree", countedInSuperblock = "counted-in-superblock"
  // units and small words
  case bytesUnit = "bytes-unit", atOffset = "at-offset", none
  // listing commands (ls, stat, map, scan, dmg, ipsw)
  case type, mode, inode, modified, created, owner, group, links, extents, offset, length, share, regionClass = "class"
  case directory, file, symlink, other, total, compressed, encrypted, plaintext, sparse
  // stat
  case volume, snapshot, parent, privateID = "private-id", uid, gid, allocated, defaultCryptoID = "default-crypto-id"
  case protection, defaultClass = "default-class", compression, uncompressedSize = "uncompressed-size"
  case unreadableHeader = "unreadable-header", extent, logical, block, cryptoID = "crypto-id", crypto, key, version
  case noCryptoState = "no-crypto-state", onekeyTweak = "onekey-tweak", xattr, embedded, inStream = "in-stream"
  // map, scan
  case runs, error, contentScanOf = "content-scan-of", blocksOf = "blocks-of", seconds, threads
  case entropyLegend = "entropy-legend", singleValueFill = "single-value-fill", leftOut = "left-out"
  case dataBytes = "data-bytes", highEntropy = "high-entropy", wholeImageEncrypted = "whole-image-encrypted"
  case svgWritten = "svg-written", entropyOf = "entropy-of", id
  case sampledOneWindowIn = "sampled-one-window-in", exactModeIsReported = "exact-mode-is-reported"
  case entryAtOffset = "entry-at-offset"
  // dmg
  case koly, kind, rawDiskImage = "raw-disk-image", hmacKey = "hmac-key", bits, encryptedData = "encrypted-data", at
  case encryptedDiskImage = "encrypted-disk-image", keyFromUser = "key-from-user", keyFromApple = "key-from-apple"
  case keyFromVendor = "key-from-vendor", profile, scryptStrength = "scrypt-strength", authData = "auth-data", fields
  case keyService = "key-service", flags, imageVariant = "image-variant", segment, dataFork = "data-fork"
  case xmlResourceFork = "xml-resource-fork", masterChecksum = "master-checksum", sectors
  case expandedSize = "expanded-size", notCovered = "not-covered", partitions, chunks, chunksByType = "chunks-by-type"
  case bytesStored = "bytes-stored", sha256Expanded = "sha256-expanded"
  // ipsw
  case entries, product, build, identities, board, chip, components, digestsNotChecked = "digests-not-checked"
  case diskImages = "disk-images", expandsTo = "expands-to", kernelcache, uncompressed, note, personalised
  case needsTicket = "needs-ticket", unknownValue = "unknown-value", img4Payloads = "img4-payloads", ticket
  case signature, cert, issuer, spaceNeed = "space-need", padding, from, rootVolumes = "root-volumes"
  case rootFilesystem = "root-filesystem"
  // batch
  case batchOf = "batch-of", reportsIn = "reports-in", verdicts, filesHeading = "files-heading"
  // ipsw extract, ipsw img4
  case extracted, refusedOrFailed = "refused-or-failed", payload, appended, compressionInfo = "compression-info"
  case algorithm, iv, properties, images, certificate, valid, emptyImage = "empty-image"
  // ipsw extract of an AEA archive
  case clusters, everyMACVerified = "every-mac-verified"
  // evidence files (split raw, EWF)
  case segmentFiles = "segment-files", acquisition, caseNumber = "case-number", evidenceNumber = "evidence-number"
  case examiner, descriptionLabel = "description", notes, acquiredAt = "acquired-at"
  case acquirySoftware = "acquiry-software", mediaSize = "media-size", storedDigests = "stored-digests"
  case computedDigests = "computed-digests", verified, verifiedMatches = "verified-matches"
  case verifiedDiffers = "verified-differs", verifiedUnknown = "verified-unknown"
  case chunkChecksumErrors = "chunk-checksum-errors", firstAtOffset = "first-at-offset"
}

/// Labels a renderer uses, with the byte and percent formats of its language.
public struct Words: Sendable {
  public let catalogue: any Catalogue
  public init(_ language: Language) { catalogue = language.catalogue }
  public subscript(_ label: Label) -> String { catalogue.label(label) }
  public func bytes(_ count: UInt64) -> String { catalogue.bytes(count) }
  public func yesNo(_ flag: Bool) -> String { catalogue.label(flag ? .yes : .no) }

  /// `label:` padded to `width` characters (the field lines of `stat` and of the triage text).
  public func field(_ label: Label, width: Int = 13) -> String {
    let text = self[label] + ":"
    return text + String(repeating: " ", count: max(1, width - text.count))
  }
}
