import APFSForge
import ArgumentParser
import Foundation

@main
struct RingoForge: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ringo-forge",
    abstract: "Forge a synthetic APFS container (iOS- or macOS-style) for tests and samples.",
    discussion: """
      The image is a sparse file: zero blocks are never written. The same preset, size and seed always give the \
      same bytes. A JSON manifest of what was written goes next to the image (OUTPUT.manifest.json) or to stdout \
      with --manifest -.
      """
  )

  @Argument(help: "Path of the image to create (must not exist unless --force).")
  var output: String

  @Option(help: "Layout: \(Preset.allCases.map(\.rawValue).joined(separator: ", ")).")
  var preset: String = "macos"

  @Option(help: "Container size, bytes or with a K/M/G suffix (default depends on the preset).")
  var size: String?

  @Option(help: "Seed for names, sizes, contents and UUIDs.")
  var seed: UInt64 = 1

  @Option(help: "Exact free space as a percentage of the container (rounded to whole blocks).")
  var freePercent: Double?

  @Option(help: "Exact free space in bytes (rounded up to whole blocks).")
  var freeBytes: String?

  @Flag(help: "Leave whatever is left free (no filler file), overriding the preset's default.")
  var noFiller = false

  @Option(help: "Number of files on the main data volume (default depends on the preset).")
  var files: Int?

  @Option(help: "Password of the onekey preset's volume (default: ringo-forge); it really unlocks the keybags.")
  var password: String?

  @Flag(
    help:
      "Forge the plain twin: the same preset, size and seed with ONEKEY volumes unencrypted (no keybag, no password)."
  )
  var plainTwin = false

  @Flag(help: "Flag object-map values of encrypted volumes OMAP_VAL_ENCRYPTED (nodes stay plaintext).")
  var flagEncryptedMetadata = false

  @Option(help: "Manifest path, or - for stdout (default: OUTPUT.manifest.json).")
  var manifest: String?

  @Flag(help: "Replace OUTPUT (and its manifest) if they exist.")
  var force = false

  func validate() throws {
    guard Preset(rawValue: preset) != nil else { throw ValidationError("unknown preset \(preset)") }
    let chosen = [freePercent != nil, freeBytes != nil, noFiller].filter { $0 }.count
    if chosen > 1 { throw ValidationError("use at most one of --free-percent, --free-bytes, --no-filler") }
    if let s = size, Self.parseBytes(s) == nil { throw ValidationError("bad --size \(s)") }
    if let b = freeBytes, Self.parseBytes(b) == nil { throw ValidationError("bad --free-bytes \(b)") }
    if let f = files, f < 0 || f > 50_000_000 { throw ValidationError("--files must be in 0...50000000") }
    if let p = password, p.isEmpty || preset != Preset.onekey.rawValue {
      throw ValidationError("--password needs a non-empty value and the onekey preset")
    }
    if plainTwin && password != nil { throw ValidationError("--plain-twin writes no password; drop --password") }
  }

  static func parseBytes(_ text: String) -> UInt64? {
    let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    var digits = text.uppercased()
    var scale: UInt64 = 1
    if let last = digits.last, let u = units[last] {
      scale = u
      digits.removeLast()
    }
    guard let n = UInt64(digits) else { return nil }
    let (v, overflow) = n.multipliedReportingOverflow(by: scale)
    return overflow ? nil : v
  }

  func run() throws {
    let p = Preset(rawValue: preset)!
    var free: FreeSpaceTarget?? = nil
    if let pct = freePercent { free = .some(.percent(pct)) }
    if let b = freeBytes { free = .some(.bytes(Self.parseBytes(b)!)) }
    if noFiller { free = .some(nil) }
    var spec = p.spec(seed: seed, size: size.flatMap(Self.parseBytes), free: free, files: files)
    for i in spec.volumes.indices { spec.volumes[i].flagEncryptedMetadata = flagEncryptedMetadata }
    if let password { spec.password = password }
    if plainTwin { spec = spec.plainTwin }
    let manifestPath = manifest ?? output + ".manifest.json"
    if manifestPath != "-", !force, FileManager.default.fileExists(atPath: manifestPath) {
      throw ValidationError("\(manifestPath) exists; use --force to replace it")
    }
    let result: ForgeManifest
    do {
      result = try APFSForger.forge(spec, to: output, overwrite: force)
    } catch {
      FileHandle.standardError.write(Data("ringo-forge: \(error.description)\n".utf8))
      throw ExitCode(1)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = try encoder.encode(result) + Data("\n".utf8)
    if manifestPath == "-" {
      FileHandle.standardOutput.write(data)
    } else {
      try data.write(to: URL(fileURLWithPath: manifestPath))
      FileHandle.standardError.write(
        Data(
          "ringo-forge: \(output): \(result.blockCount) blocks, \(result.freeBlocks) free, \(result.volumes.count) volume(s); manifest \(manifestPath)\n"
            .utf8))
    }
  }
}
