import ArgumentParser
import DiskImage
import ImageAccess
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

    func run() throws {
      let file: MappedImage
      do {
        file = try MappedImage(path: image)
      } catch {
        printError("ringo dmg: \(error)")
        throw ExitCode(2)
      }
      let kind: ImageKind
      do {
        kind = try DiskImageDetector.open(file)
      } catch {
        printError("ringo dmg: \(image): \(error)")
        throw ExitCode(3)
      }
      print("file: \(image) (\(file.byteCount) bytes)")
      print("kind: \(kind.name)")
      switch kind {
      case .raw:
        print("no UDIF trailer, encrcdsa or AEA signature: read it as a raw disk image")
      case .encrcdsa(let header):
        print("encryption: AES-\(header.keyBits), HMAC key \(header.hmacKeyBits) bits, block size \(header.blockSize)")
        print("encrypted data: \(header.dataSize) bytes at offset \(header.dataOffset)")
        print("key: \(header.keyRequirement)")
      case .aea(let header):
        print("profile: \(header.profile.rawValue) (\(header.profile)), scrypt strength \(header.scryptStrength)")
        print("auth data: \(header.authDataLength) bytes, fields: \(header.authData.map(\.key).joined(separator: ", "))")
        if let url = header.keyServiceURL { print("key service: \(url)") }
        print("key: \(header.keyRequirement)")
      case .udif(let udif):
        try describe(udif)
      }
    }

    func describe(_ udif: UDIFImage) throws {
      let koly = udif.koly
      print(
        "koly: version \(koly.version), flags \(hex(koly.flags)), image variant \(koly.imageVariant), "
          + "segment \(koly.segmentNumber)/\(koly.segmentCount)")
      print("data fork: \(koly.dataForkLength) bytes at \(koly.dataForkOffset)")
      print("XML resource fork: \(koly.xmlLength) bytes at \(koly.xmlOffset)")
      print("master checksum: type \(koly.masterChecksumType), \(koly.masterChecksumBits) bits, \(hex(koly.masterChecksumValue))")
      print("sectors: \(koly.sectorCount)")
      print("expanded size: \(udif.byteCount) bytes")
      if udif.uncoveredByteCount > 0 { print("not covered by any chunk (reads as zeros): \(udif.uncoveredByteCount) bytes") }
      print("partitions (\(udif.partitions.count)):")
      for (index, partition) in udif.partitions.enumerated() {
        let table = partition.table
        let id = partition.entry.id.map(String.init) ?? "-"
        print(
          "  \(index): id \(id), sectors \(table.firstSector)+\(table.sectorCount), "
            + "\(table.chunks.count) chunks, \(partition.name)")
      }
      print("chunks by type:")
      let stored = udif.storedBytes
      for (type, count) in udif.chunkCounts.sorted(by: { $0.key < $1.key }) {
        let storedText = type == .raw || type.codec != nil ? ", \(stored[type] ?? 0) bytes stored" : ""
        print("  \(type.name): \(count)\(storedText)")
      }
      if sha256 {
        do {
          print("sha256 (expanded): \(try EvidenceHash.sha256(of: udif))")
        } catch {
          printError("ringo dmg: cannot expand: \(error)")
          throw ExitCode(3)
        }
      }
    }
  }
}

private func printError(_ text: String) {
  var standardError = StandardError()
  print(text, to: &standardError)
}

private struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    var bytes = Array(string.utf8)
    _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }  // fd 2: standard error
  }
}
