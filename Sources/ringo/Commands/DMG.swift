import ArgumentParser
import DiskImage
import Foundation
import ImageAccess
import Triage
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Ringo {
  /// `ringo dmg IMAGE`: what a disk-image file is and, for UDIF, how its virtual disk is stored.
  struct DMG: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "dmg",
      abstract: "Describe a DMG (UDIF) image: trailer, partitions, chunks per codec, expanded size.",
      discussion: """
        The image is opened read-only and nothing is written. Encrypted (encrcdsa) and AEA-wrapped images are \
        recognised and described, not decrypted. With --sha256 every chunk is expanded and the SHA-256 of the \
        virtual disk is printed.
        """
    )

    @Argument(help: "The disk image file.")
    var image: String

    @Flag(name: .customLong("sha256"), help: "Expand every chunk and print the SHA-256 of the virtual disk.")
    var sha256 = false

    @OptionGroup var language: LanguageOption

    func run() throws {
      let file: MappedImage
      do {
        file = try MappedImage(path: image)
      } catch {
        throw EvidenceUnreadable(underlying: error)
      }
      let kind: ImageKind
      do {
        kind = try DiskImageDetector.open(file)
      } catch {
        throw CommandFailure(description: "\(image): \(error)")
      }
      let w = language.words
      func line(_ label: Label, _ text: String) { print("\(w[label]): \(text)") }
      line(.file, "\(image) (\(file.byteCount) \(w[.bytesUnit]))")
      line(.kind, kind.name)
      switch kind {
      case .raw:
        print(w[.rawDiskImage])
      case .encrcdsa(let header):
        line(.encryption, "AES-\(header.keyBits), \(w[.hmacKey]) \(header.hmacKeyBits) \(w[.bits]), \(w[.blockSize]) "
             + "\(header.blockSize)")
        line(.encryptedData, "\(header.dataSize) \(w[.bytesUnit]) \(w[.atOffset]) \(header.dataOffset)")
        line(.key, "\(w[.encryptedDiskImage]) (encrcdsa v\(header.version), AES-\(header.keyBits)): \(w[.keyFromUser])")
      case .aea(let header):
        line(.profile, "\(header.profile.rawValue) (\(header.profile)), \(w[.scryptStrength]) \(header.scryptStrength)")
        line(.authData, "\(header.authDataLength) \(w[.bytesUnit]), \(w[.fields]): "
             + header.authData.map(\.key).joined(separator: ", "))
        if let url = header.keyServiceURL { line(.keyService, url) }
        line(.key, "AEA (\(header.profile)): "
             + (header.keyServiceURL.map { w[.keyFromApple].replacingOccurrences(of: "{url}", with: $0) } ?? w[.keyFromVendor]))
      case .udif(let udif):
        try describe(udif, words: w)
      }
    }

    func describe(_ udif: UDIFImage, words w: Words) throws {
      let koly = udif.koly
      func line(_ label: Label, _ text: String) { print("\(w[label]): \(text)") }
      line(.koly, "\(w[.version]) \(koly.version), \(w[.flags]) \(hex(koly.flags)), \(w[.imageVariant]) "
           + "\(koly.imageVariant), \(w[.segment]) \(koly.segmentNumber)/\(koly.segmentCount)")
      line(.dataFork, "\(koly.dataForkLength) \(w[.bytesUnit]) \(w[.at]) \(koly.dataForkOffset)")
      line(.xmlResourceFork, "\(koly.xmlLength) \(w[.bytesUnit]) \(w[.at]) \(koly.xmlOffset)")
      line(.masterChecksum, "\(w[.type]) \(koly.masterChecksumType), \(koly.masterChecksumBits) \(w[.bits]), "
           + hex(koly.masterChecksumValue))
      line(.sectors, "\(koly.sectorCount)")
      line(.expandedSize, "\(udif.byteCount) \(w[.bytesUnit])")
      if udif.uncoveredByteCount > 0 { line(.notCovered, "\(udif.uncoveredByteCount) \(w[.bytesUnit])") }
      print("\(w[.partitions]) (\(udif.partitions.count)):")
      for (index, partition) in udif.partitions.enumerated() {
        let table = partition.table
        let id = partition.entry.id.map(String.init) ?? "-"
        print(
          "  \(index): \(w[.id]) \(id), \(w[.sectors]) \(table.firstSector)+\(table.sectorCount), "
            + "\(table.chunks.count) \(w[.chunks]), \(partition.name)")
      }
      print("\(w[.chunksByType]):")
      let stored = udif.storedBytes
      for (type, count) in udif.chunkCounts.sorted(by: { $0.key < $1.key }) {
        let storedText = type == .raw || type.codec != nil ? ", \(stored[type] ?? 0) \(w[.bytesStored])" : ""
        print("  \(type.name): \(count)\(storedText)")
      }
      if sha256 {
        do {
          line(.sha256Expanded, try EvidenceHash.sha256(of: udif))
        } catch {
          throw CommandFailure(description: "cannot expand \(image): \(error)")
        }
      }
    }
  }
}

private struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    var bytes = Array(string.utf8)
    _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }  // fd 2: standard error
  }
}
