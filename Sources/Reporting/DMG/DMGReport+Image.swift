import DiskImage
import ImageAccess
import ReportModel

extension DMGReport {
  /// Describes a disk-image file: its kind and, for UDIF, the trailer, partitions and chunks.
  ///
  /// - Parameter hashExpanded: also expand every chunk and hash the virtual disk (`--sha256`).
  /// - Throws: ``ReportFailure`` naming the file and what ``DiskImageDetector`` or the expansion found.
  public static func describe(
    _ file: MappedImage, path: String, hashExpanded: Bool, toolVersion: String
  ) throws(ReportFailure) -> DMGReport {
    let kind: ImageKind
    do { kind = try DiskImageDetector.open(file) } catch { throw ReportFailure("\(path): \(error)") }
    var report = DMGReport(tool: .init(version: toolVersion), path: path, sizeBytes: file.byteCount, kind: kind.name)
    switch kind {
    case .raw: break
    case .encrcdsa(let h):
      report.encrcdsa = Encrcdsa(
        keyBits: h.keyBits, hmacKeyBits: h.hmacKeyBits, blockSize: h.blockSize, dataSizeBytes: h.dataSize,
        dataOffset: h.dataOffset, keyRequirement: h.keyRequirement)
    case .aea(let h):
      report.aea = AEA(
        profile: h.profile.rawValue, profileName: "\(h.profile)", scryptStrength: h.scryptStrength,
        authDataBytes: h.authDataLength, authFields: h.authData.map(\.key), keyServiceURL: h.keyServiceURL,
        keyRequirement: h.keyRequirement)
    case .udif(let udif):
      let koly = udif.koly
      let stored = udif.storedBytes
      report.udif = UDIF(
        kolyVersion: koly.version, flags: koly.flags, imageVariant: koly.imageVariant,
        segmentNumber: koly.segmentNumber, segmentCount: koly.segmentCount, dataForkOffset: koly.dataForkOffset,
        dataForkLength: koly.dataForkLength, xmlOffset: koly.xmlOffset, xmlLength: koly.xmlLength,
        masterChecksumType: koly.masterChecksumType, masterChecksumBits: koly.masterChecksumBits,
        masterChecksumValue: koly.masterChecksumValue, sectors: koly.sectorCount, expandedSizeBytes: udif.byteCount,
        uncoveredBytes: udif.uncoveredByteCount,
        partitions: udif.partitions.enumerated().map { index, p in
          .init(
            index: index, id: p.entry.id, firstSector: p.table.firstSector, sectorCount: p.table.sectorCount,
            chunks: p.table.chunks.count, name: p.name)
        },
        chunkTypes: udif.chunkCounts.sorted { $0.key < $1.key }.map { type, count in
          .init(
            type: type.name, chunks: count,
            storedBytes: type == .raw || type.codec != nil ? stored[type] ?? 0 : nil)
        },
        sha256: nil)
      if hashExpanded {
        do { report.udif?.sha256 = try EvidenceHash.sha256(of: udif) } catch {
          throw ReportFailure("cannot expand \(path): \(error)")
        }
      }
    }
    return report
  }
}
