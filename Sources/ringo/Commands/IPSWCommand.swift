import ArgumentParser
import Foundation
import IPSWFormat
import ImageAccess
import Triage

extension Ringo {
  /// `ringo ipsw FILE` (inventory) and `ringo ipsw extract`, `ringo ipsw img4`.
  struct IPSWCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "ipsw",
      abstract: "Inspect Apple firmware archives (IPSW): devices, build, identities, components, digests, IMG4.",
      discussion: """
        `ringo ipsw FILE` reads the ZIP central directory and the manifests in place (read-only), hashes every \
        component the BuildManifest lists, analyses the kernelcache, and prints an inventory. \
        `--format json` writes the `ringo.ipsw/1` document described in the README.
        """,
      subcommands: [Inspect.self, Extract.self, Img4.self],
      defaultSubcommand: Inspect.self
    )
  }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}


extension Ringo.IPSWCommand {
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "inspect", abstract: "Print the inventory of an IPSW (the default subcommand).")

    @Argument(help: "The IPSW file (opened read-only).") var file: String
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @Option(help: "Device capacity in GB, for the update space-need estimate.") var capacity: Int?
    @Option(help: "An IM4M ticket (APTicket/SHSH IM4M) to verify and compare with the manifest.") var ticket: String?
    @Option(help: "With --ticket: compare with this build identity index instead of the one matching BORD/CHIP.")
    var identity: Int?
    @Flag(help: "Do not hash the component files (faster; digest status becomes not-checked).")
    var skipDigests = false
    @Flag(help: "Do not decompress the kernelcache.") var skipKernel = false

    func validate() throws {
      if let capacity, capacity <= 0 || capacity > 1 << 20 {
        throw ValidationError("--capacity must be a positive number of GB")
      }
      if identity != nil && ticket == nil { throw ValidationError("--identity needs --ticket") }
    }

    func run() throws {
      let ipsw: IPSW
      do { ipsw = try IPSW(path: file) } catch let error as ImageError {
        throw EvidenceUnreadable(underlying: error)
      } catch {
        throw CommandFailure(description: "\(file): \(error)")
      }
      var options = IPSWInventory.Options()
      options.verifyDigests = !skipDigests
      options.analyseKernelcache = !skipKernel
      options.deviceCapacityGB = capacity
      options.ticketIdentity = identity
      if let ticket {
        let image = try MappedImage(path: ticket)
        guard image.byteCount <= 4 << 20 else { throw CommandFailure(description: "\(ticket): too large for an IM4M") }
        options.ticket = try image.read(0..<image.byteCount)
      }
      let inventory = IPSWInventory(ipsw: ipsw, path: file, options: options)
      // The APFS volumes of the root filesystem, read through DiskImage and the APFS layer.
      var volumes: [[String: Any]]? = nil
      var volumeError: String? = nil
      do {
        if case let .udif(dmg)? = try ipsw.openRootFilesystem(),
          let summary = try ContainerLocator.volumeSummary(in: dmg)
        {
          volumes = summary.map {
            ["name": $0.name, "role": $0.role, "encryption": $0.encryption, "allocated_bytes": $0.allocatedBytes]
          }
        }
      } catch {
        volumeError = "\(error)"
      }
      switch format {
      case .json:
        var object = inventory.jsonObject(toolVersion: RingoVersion.string)
        object["root_filesystem_volumes"] = volumes.map { $0 as Any } ?? NSNull()
        if let volumeError { object["root_filesystem_error"] = volumeError }
        print(JSONText.render(object), terminator: "")
      case .text:
        print(IPSWText.render(inventory))
        if let volumes {
          print("root filesystem volumes (APFS):")
          for v in volumes {
            print("  \(v["name"]!)  role \(v["role"]!)  encryption \(v["encryption"]!)  allocated \(v["allocated_bytes"]!) bytes")
          }
        }
        if let volumeError { print("root filesystem: \(volumeError)") }
      }
    }
  }

  struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Extract entries into a folder, safely.",
      discussion: """
        Names that would escape the folder (absolute, `..`, backslashes) and symlinks (as entries or anywhere in the \
        output path) are refused. Existing files are kept unless --overwrite. Output is capped per entry, in total \
        (by default the output file system's free space less 1 GiB, at most 64 GiB) and by compression ratio \
        (100:1 past the first MiB of an entry; deflate bombs reach about 1032:1). An entry whose declared size is \
        past a cap is refused before its file is created; one that decodes past a cap stops before writing past it \
        and its partial file is removed; both are reported with the entry's name and offset. CRC-32 mismatches are \
        reported. Exit status 1 if anything was refused or failed.
        """)

    @Argument(help: "The IPSW file (opened read-only).") var file: String
    @Option(name: .shortAndLong, help: "Output folder (created if missing; must not be a symlink).") var output: String
    @Option(name: .customLong("entry"), help: "Extract only this entry (repeatable).") var entries: [String] = []
    @Flag(help: "Replace existing files.") var overwrite = false
    @Option(help: "Most bytes to write in total (default: free space of the output file system less 1 GiB, at most 64 GiB).")
    var maxTotalBytes: UInt64?
    @Option(help: "Most bytes one entry may decode to.") var maxEntryBytes: UInt64 = 16 << 30
    @Option(help: "Most output bytes per compressed byte, past the first MiB of an entry.")
    var maxRatio: UInt64 = ReadLimits.defaultMaxRatio

    func validate() throws {
      // Extracted files must not land beside the evidence: the output folder may not be the archive's own folder.
      try EvidenceGuard.checkFolder(output, evidence: file)
    }

    func run() throws {
      let archive = try ZIPArchive(path: file)
      var selected: [CentralDirectoryEntry]?
      if !entries.isEmpty {
        selected = try entries.map { name in
          guard let e = archive.entry(named: name) else { throw CommandFailure(description: "no entry named \(name)") }
          return e
        }
      }
      if !FileManager.default.fileExists(atPath: output) {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: false)
      }
      let extractor = SafeExtractor(
        archive: archive,
        options: .init(
          overwrite: overwrite, limits: ReadLimits(maxOutputBytes: maxEntryBytes, maxRatio: maxRatio),
          maxTotalBytes: maxTotalBytes))
      let outcomes = try extractor.extract(selected, into: output)
      var failures = 0
      for o in outcomes {
        if o.isFailure { failures += 1 }
        print("\(o.status.padding(toLength: 16, withPad: " ", startingAt: 0)) \(o.bytes) \(o.name)"
          + (o.detail.map { "  (\($0); entry at offset \(o.offset))" } ?? ""))
      }
      print("\(outcomes.count - failures) extracted, \(failures) refused or failed")
      if failures > 0 { throw ExitCode(1) }
    }
  }

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

/// Plain-text rendering of an ``IPSWInventory``.
enum IPSWText {
  static func render(_ inv: IPSWInventory) -> String {
    var out: [String] = []
    func mib(_ b: UInt64) -> String { String(format: "%.1f MiB", Double(b) / 1_048_576) }
    out.append("IPSW \(inv.path)  (\(inv.sizeBytes) bytes, \(inv.entryCount) entries\(inv.zip64 ? ", ZIP64" : ""))")
    out.append(
      "Product: \(inv.productTypes.joined(separator: ", "))  version \(inv.productVersion ?? "?")  build \(inv.productBuildVersion ?? "?")"
    )
    out.append("Identities (\(inv.identities.count)):")
    for i in inv.identities {
      let board = i.boardID.map { "0x" + String($0, radix: 16) } ?? "?"
      let chip = i.chipID.map { "0x" + String($0, radix: 16) } ?? "?"
      out.append(
        "  [\(i.index)] \(i.variant ?? "?") / \(i.restoreBehavior ?? "?")  \(i.deviceClass ?? "?")  board \(board) chip \(chip)"
          + (i.minimumSystemPartitionMiB.map { "  MinimumSystemPartition \($0) MiB" } ?? ""))
    }
    out.append("Components (\(inv.components.count))\(inv.digestsChecked ? "" : ", digests not checked"):")
    for c in inv.components {
      let size = c.sizeBytes.map { "\($0)" } ?? "-"
      out.append("  \(c.digestStatus.padding(toLength: 11, withPad: " ", startingAt: 0)) \(c.name) \(c.path) \(size)")
    }
    out.append("Disk images:")
    for d in inv.diskImages {
      let kind = d.container.map { " \($0)" } ?? ""
      let expanded = d.expandedSizeBytes.map { ", expands to \($0) bytes" } ?? ""
      out.append("  \(d.role): \(d.name) \(d.sizeBytes) bytes (\(mib(d.sizeBytes)))\(kind)\(expanded)")
    }
    if let k = inv.kernelcache {
      out.append("Kernelcache \(k.path): IM4P \(k.im4pType), \(k.payloadFormat), \(k.payloadSize) bytes")
      out.append("  encrypted: \(k.isEncrypted ? "yes (" + k.keybags.map(\.typeName).joined(separator: ", ") + ")" : "no")")
      if let u = k.uncompressedSize { out.append("  uncompressed: \(u) bytes") }
      if let v = k.kernelVersion { out.append("  \(v)") }
      if let n = k.decompressionNote { out.append("  note: \(n)") }
      out.append(
        "  personalised: \(k.personalize.map { $0 ? "yes (needs a device ticket)" : "no" } ?? "unknown")")
    }
    if !inv.img4Files.isEmpty { out.append("IMG4 payloads: \(inv.img4Files.count)") }
    for r in inv.img4Files {
      out.append("  \(r.type) \(r.payloadFormat) \(r.payloadSizeBytes) \(r.path)\(r.keybags.isEmpty ? "" : " KBAG")")
    }
    if let t = inv.ticket {
      out.append("Ticket: signature \(t.signature.status) (\(t.signature.algorithm))")
      for c in t.certificates { out.append("  cert \(c.subject): \(c.validity), issuer \(c.issuerCheck)") }
      for d in t.digestComparison { out.append("  \(d.status) \(d.component) (\(d.fourCC))") }
    }
    if let e = inv.spaceEstimate {
      out.append(
        "Space need (estimate) for a \(e.deviceCapacityGB) GB device: \(e.estimatedMiB) MiB = \(e.minimumSystemPartitionMiB) + \(e.paddingMiB ?? 0) padding")
      out.append("  from \(e.sources.joined(separator: "; "))")
    }
    for e in inv.errors { out.append("error: \(e)") }
    return out.joined(separator: "\n")
  }
}
