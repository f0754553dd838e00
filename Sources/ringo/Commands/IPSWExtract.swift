import ArgumentParser
import DiskImage
import Foundation
import IPSWFormat
import ImageAccess
import Reporting

extension Ringo.IPSWCommand {
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
    @OptionGroup var language: LanguageOption
    @OptionGroup var progressOptions: ProgressOptions
    @OptionGroup(title: "Apple Encrypted Archives (FILE.aea: decoded to DIR/FILE without .aea)") var aea: AEAKeyOptions
    @OptionGroup var aeaSignature: AEASignatureOptions

    func validate() throws {
      // Extracted files must not land beside the evidence: the output folder may not be the archive's own folder.
      try refusingOutput { try EvidenceGuard.checkFolder(output, evidence: file) }
    }

    func run() throws {
      if Self.isAEA(file) {
        var extractor = AEAExtractor(path: file, key: try aea.key())
        extractor.overwrite = overwrite
        extractor.maxBytes = maxTotalBytes ?? maxEntryBytes
        extractor.signingKey = try aeaSignature.signingKey()
        let folder = try Self.prepared(output)
        let outcome: AEAExtractor.Outcome = try progressOptions.showing(language.language) { progress in
          extractor.progress = progress
          do throws(AEAExtractor.Failure) {
            return try extractor.extract(into: folder)
          } catch {
            throw CommandFailure(description: error.description)
          }
        }
        let w = language.words
        let comma = language.language == .ja ? "、" : ", "
        print("written          \(outcome.bytes) \(outcome.name)  (AEA "
          + ["\(w[.profile]) \(outcome.profile)", "\(w[.segment]) \(outcome.segmentCount)",
             "\(w[.clusters]) \(outcome.clusterCount)", w[.everyMACVerified],
             "\(w[.signature]) \(outcome.signature.state)"].joined(separator: comma) + ")")
        return
      }
      let archive = try ZIPArchive(path: file)
      var selected: [CentralDirectoryEntry]?
      if !entries.isEmpty {
        selected = try entries.map { name in
          guard let e = archive.entry(named: name) else { throw CommandFailure(description: "no entry named \(name)") }
          return e
        }
      }
      _ = try Self.prepared(output)
      let outcomes = try progressOptions.showing(language.language) { progress in
        var options = SafeExtractor.Options(
          overwrite: overwrite, limits: ReadLimits(maxOutputBytes: maxEntryBytes, maxRatio: maxRatio),
          maxTotalBytes: maxTotalBytes)
        options.progress = progress
        return try SafeExtractor(archive: archive, options: options).extract(selected, into: output)
      }
      var failures = 0
      for o in outcomes {
        if o.isFailure { failures += 1 }
        print("\(o.status.padding(toLength: 16, withPad: " ", startingAt: 0)) \(o.bytes) \(o.name)"
          + (o.detail.map { "  (\($0); \(language.words[.entryAtOffset]) \(o.offset))" } ?? ""))
      }
      let w = language.words
      print("\(outcomes.count - failures) \(w[.extracted]), \(failures) \(w[.refusedOrFailed])")
      if failures > 0 { throw ExitCode(1) }
    }

    /// The output folder, created when missing.
    static func prepared(_ output: String) throws -> String {
      if !FileManager.default.fileExists(atPath: output) {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: false)
      }
      return output
    }

    /// The file starts with the `AEA1` magic.
    static func isAEA(_ path: String) -> Bool {
      guard let handle = FileHandle(forReadingAtPath: path) else { return false }
      defer { try? handle.close() }
      return (try? handle.read(upToCount: 4)).map { Array($0) == Array("AEA1".utf8) } ?? false
    }
  }
}
