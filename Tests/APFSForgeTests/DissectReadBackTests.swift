import APFSForge
import Foundation
import TestSupport
import Testing

/// dissect.apfs (PyPI, independent of the forge) reads the images back. The ONEKEY volume is really encrypted:
/// it must unlock with the manifest's password, walk the encrypted file-system tree, and read back the plaintext of
/// every text file.
@Suite struct DissectReadBackTests {
  static let script = """
    import json, sys
    from dissect.apfs import APFS
    fs = APFS(open(sys.argv[1], 'rb'))
    out = []
    for vol in fs.volumes:
        entry = {"name": vol.name}
        try:
            if sys.argv[2]:
                vol.unlock(sys.argv[2])
            paths, texts = [], 0
            stack = [(vol.get("/"), "")]
            while stack:
                d, prefix = stack.pop()
                for ent in d.iterdir():
                    child, p = ent.inode, prefix + ent.name
                    if child.is_dir():
                        paths.append(p + "/")
                        stack.append((child, p + "/"))
                    else:
                        paths.append(p)
                        if p.endswith(".txt"):
                            if not child.open().read().startswith(b"line 0 of file"):
                                raise ValueError("bad plaintext in " + p)
                            texts += 1
            entry.update(paths=sorted(paths), texts=texts)
        except Exception as e:
            entry["error"] = repr(e)
        out.append(entry)
    print(json.dumps(out))
    """

  struct Volume: Decodable {
    var name: String
    var paths: [String]?
    var texts: Int?
    var error: String?
  }

  /// Runs the check with the listed `python3`, which must have `dissect.apfs` installed (Tools/setup-test-deps.sh).
  func dissect(_ image: String, password: String) throws -> [Volume] {
    let result = try ExternalPrograms.run("python3", ["-c", Self.script, image, password])
    try #require(
      result.status == 0, "dissect.apfs check failed (Tools/setup-test-deps.sh installs it): \(result.errors)")
    let data = result.standardOutput
    return try JSONDecoder().decode([Volume].self, from: data)
  }

  @Test func dissectUnlocksAndReadsTheOnekeyVolume() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let image = tmp.path("onekey.img")
    let manifest = try APFSForger.forge(Preset.onekey.spec(seed: 21, size: nil, free: nil, files: nil), to: image)
    let password = try #require(manifest.password)
    let volumes = try dissect(image, password: password)
    try #require(volumes.count == 1)
    #expect(volumes[0].error == nil, "\(volumes[0].error ?? "")")
    #expect(Set(volumes[0].paths ?? []) == Set(manifest.volumes[0].paths ?? []))
    #expect((volumes[0].texts ?? 0) >= 10)
    let wrong = try dissect(image, password: password + "x")
    #expect(wrong[0].error?.contains("Failed to unlock") == true)
  }

  @Test func dissectListsTheMacosPaths() throws {
    let tmp = try TempDir()
    defer { tmp.cleanup() }
    let image = tmp.path("macos.img")
    let manifest = try APFSForger.forge(Preset.macos.spec(seed: 8, size: nil, free: nil, files: nil), to: image)
    let volumes = try dissect(image, password: "")
    #expect(volumes.map(\.name) == manifest.volumes.map(\.name))
    for (read, written) in zip(volumes, manifest.volumes) {
      #expect(read.error == nil, "\(written.name): \(read.error ?? "")")
      #expect(Set(read.paths ?? []) == Set(written.paths ?? []), "\(written.name)")
    }
    #expect(volumes.compactMap(\.texts).reduce(0, +) > 0)
  }
}
