import APFSFormat
import DiskImage
import ImageAccess

/// The evidence file opened read-only, its detected format, and where the APFS container starts inside it.
public struct OpenedEvidence: Sendable {
  public enum Format: String, Sendable {
    case raw, gpt, dmg, ewf, ipsw, aea, unknown
  }

  public let path: String
  public let image: MappedImage
  public let format: Format
  /// The bytes the APFS layer reads: the file itself, a GPT partition of it, or an expanded DMG.
  public let apfsSource: (any ByteSource)?
  /// Offset of the container inside the (expanded) disk.
  public let apfsOffset: Int?
  public let partitions: [TriageReport.Evidence.Partition]
  /// Problems met while locating the container (bad GPT CRCs ...), reported as errors.
  public var problems: [ParseError]
  /// An encrypted wrapper (encrcdsa DMG, AEA) that hides the disk: what it is and where its key must come from.
  public var encryptedWrapper: String? = nil
  /// For a DMG: the expanded size of its virtual disk.
  public var expandedBytes: Int? = nil

  /// Opens `path` read-only and locates the APFS container: at offset 0, or in the first APFS partition of a GPT.
  ///
  /// - Throws: ``ImageAccess/ImageError`` when the file cannot be opened (exit code 3).
  public static func open(path: String, aeaKey: [UInt8]? = nil) throws(ImageError) -> OpenedEvidence {
    let image = try MappedImage(path: path)
    if let opened = openAEA(path: path, image: image, key: aeaKey) { return opened }
    return locate(path: path, image: image)
  }

  /// An Apple Encrypted Archive opened with its key (profile 0 needs none): the container is located in its payload
  /// (a DMG or a raw disk), decoded segment by segment in memory, never written to disk. `nil` when the file is not
  /// AEA, or when no key was given for an encrypted profile (then it is reported as an encrypted wrapper).
  static func openAEA(path: String, image: MappedImage, key: [UInt8]?) -> OpenedEvidence? {
    guard image.byteCount >= 12, (try? image.read(0..<4)) == Array("AEA1".utf8) else { return nil }
    do {
      let payload = AEASource(try AEAArchive.open(image, symmetricKey: key))
      var inner = locate(path: path, image: image, disk: payload)
      if case let .udif(dmg)? = try? DiskImageDetector.open(payload) {
        inner = locate(path: path, image: image, disk: dmg)
        inner.expandedBytes = dmg.byteCount
      }
      var opened = OpenedEvidence(
        path: path, image: image, format: .aea, apfsSource: inner.apfsSource, apfsOffset: inner.apfsOffset,
        partitions: inner.partitions, problems: inner.problems)
      opened.expandedBytes = inner.expandedBytes
      return opened
    } catch {
      if error.kind == .keyMissing && key == nil { return nil }
      var opened = OpenedEvidence(
        path: path, image: image, format: .aea, apfsSource: nil, apfsOffset: nil, partitions: [],
        problems: [ParseError(.invalid(error.message), in: error.structure, at: error.offset)])
      opened.encryptedWrapper = "Apple Encrypted Archive that could not be opened: \(error.description)"
      return opened
    }
  }

  static func locate(path: String, image: MappedImage) -> OpenedEvidence {
    // A wrapper first: UDIF (DMG), encrcdsa, AEA.
    do {
      switch try DiskImageDetector.open(image) {
      case .raw:
        break
      case let .udif(dmg):
        var inner = locate(path: path, image: image, disk: dmg)
        inner.expandedBytes = dmg.byteCount
        return OpenedEvidence(
          path: path, image: image, format: .dmg, apfsSource: inner.apfsSource, apfsOffset: inner.apfsOffset,
          partitions: inner.partitions, problems: inner.problems, expandedBytes: dmg.byteCount)
      case let .encrcdsa(header):
        var opened = OpenedEvidence(
          path: path, image: image, format: .dmg, apfsSource: nil, apfsOffset: nil, partitions: [], problems: [])
        opened.encryptedWrapper = "encrypted disk image (encrcdsa v\(header.version), AES-\(header.keyBits)); "
          + "the password or key must come from the user"
        return opened
      case let .aea(header):
        var opened = OpenedEvidence(
          path: path, image: image, format: .unknown, apfsSource: nil, apfsOffset: nil, partitions: [], problems: [])
        opened.encryptedWrapper = "Apple Encrypted Archive (AEA1, profile \(header.profile)"
          + (header.keyServiceURL.map { ", key service \($0)" } ?? "") + "): \(header.keyRequirement)"
        return opened
      }
    } catch {
      let parseError = (error as? ParseError) ?? ParseError(.invalid("\(error)"), in: "disk image", at: nil)
      var opened = locate(path: path, image: image, disk: image)
      opened.problems.insert(parseError, at: 0)
      return opened
    }
    return locate(path: path, image: image, disk: image)
  }

  /// Finds the container inside `disk` (the file itself, or a DMG's expanded disk).
  static func locate(path: String, image: MappedImage, disk: any ByteSource) -> OpenedEvidence {
    // A container at offset 0: "NXSB" at +32.
    if let magic = try? disk.reader(at: 32, length: 4, structure: "nx_superblock_t").u32(0),
      magic == NXSuperblock.magic
    {
      return OpenedEvidence(
        path: path, image: image, format: .raw, apfsSource: disk, apfsOffset: 0, partitions: [], problems: [])
    }
    // A GPT disk with an Apple_APFS partition.
    do {
      if let gpt = try GPT.read(from: disk) {
        let partitions = gpt.partitions.map { p in
          TriageReport.Evidence.Partition(
            index: p.index, typeGUID: p.typeGUID, name: p.name,
            offsetBytes: Int(clamping: p.firstLBA &* UInt64(gpt.sectorSize)),
            lengthBytes: Int(clamping: (p.lastLBA &- p.firstLBA &+ 1) &* UInt64(gpt.sectorSize)))
        }
        var problems = gpt.problems
        if let apfs = gpt.partitions.first(where: \.isAPFS) {
          let offset = Int(clamping: apfs.firstLBA &* UInt64(gpt.sectorSize))
          let length = Int(clamping: (apfs.lastLBA &- apfs.firstLBA &+ 1) &* UInt64(gpt.sectorSize))
          do {
            // A partition running past the end of the image is read up to the end (and reported).
            let available = max(0, disk.byteCount - offset)
            if length > available {
              problems.append(ParseError(.truncated(needed: length, available: available),
                                         in: "APFS partition", at: offset))
            }
            let slice = try SliceSource(disk, offset: offset, length: min(length, available))
            return OpenedEvidence(
              path: path, image: image, format: .gpt, apfsSource: slice, apfsOffset: offset,
              partitions: partitions, problems: problems)
          } catch {
            problems.append(error)
          }
        }
        return OpenedEvidence(
          path: path, image: image, format: .gpt, apfsSource: nil, apfsOffset: nil, partitions: partitions,
          problems: problems)
      }
    } catch let error as ParseError {
      return OpenedEvidence(
        path: path, image: image, format: .gpt, apfsSource: nil, apfsOffset: nil, partitions: [], problems: [error])
    } catch {}
    // Unknown: still handed to the container layer, which probes past a zeroed or overwritten block 0.
    return OpenedEvidence(
      path: path, image: image, format: .unknown, apfsSource: disk, apfsOffset: 0, partitions: [], problems: [])
  }
}
