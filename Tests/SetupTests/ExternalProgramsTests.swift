import Foundation
import TestSupport
import Testing

/// The guard against a green CI that hides a missing install step: every program the tests, benchmarks and scripts
/// call is on `Tools/external-programs.tsv`, the setup script installs from that list, and each listed program is the
/// file its package installs.
@Suite("External programs: the list, the machine and the sources agree")
struct ExternalProgramsTests {
  static let root = RealImages.packageRoot

  // MARK: the machine

  /// Each name stands once, so a program has one package and one reason on record.
  @Test func theListNamesEachProgramOnce() throws {
    let names = try ExternalPrograms.entries().map(\.name)
    let repeated = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    #expect(repeated.isEmpty, "listed more than once: \(repeated)")
  }

  /// Each listed program resolves, and `dpkg -S` says the file belongs to the listed package. Each missing or
  /// foreign program is its own failure, named.
  @Test func everyListedProgramComesFromItsPackage() throws {
    for entry in try ExternalPrograms.entries() {
      switch (entry.kind, entry.provider) {
      case (.program, .debian), (.program, .essential):
        let path: String
        do { path = try ExternalPrograms.path(entry.name) } catch {
          Issue.record("\(entry.name): \(error)")
          continue
        }
        let owners = try Self.owningPackages(of: path)
        #expect(
          owners.contains(entry.package),
          "\(entry.name) resolves to \(path), owned by \(owners.sorted()), not by the listed package \(entry.package)")
      case (.program, .machine):
        #expect(throws: Never.self, "\(entry.name) (\(entry.package)) is not on this machine") {
          try ExternalPrograms.path(entry.name)
        }
      case (.pythonModule, _):
        let result = try ExternalPrograms.run("python3", ["-c", "import \(entry.name)"])
        #expect(result.status == 0, "python module \(entry.name) (\(entry.package)) does not import: \(result.errors)")
      case (.library, _):
        let result = try ExternalPrograms.run("dpkg-query", ["-W", "-f=${Status}", entry.package])
        #expect(result.output.hasSuffix("installed"), "library package \(entry.package) (\(entry.name)) is not installed")
      case (.program, .pypi):
        Issue.record("\(entry.name): a program from PyPI is not supported by the setup script")
      }
    }
  }

  /// The packages that own `path`: the file itself, where its links lead (`/usr/bin/awk` -> `/usr/bin/mawk`), and the
  /// same names across Debian's merged /usr (`/usr/sbin/sfdisk` is recorded as `/sbin/sfdisk`).
  static func owningPackages(of path: String) throws -> Set<String> {
    var candidates = [path]
    var current = path
    for _ in 0..<8 {
      guard let next = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { break }
      current = next.hasPrefix("/") ? next : (current as NSString).deletingLastPathComponent + "/" + next
      candidates.append(current)
    }
    candidates.append(URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
    for candidate in candidates {
      if candidate.hasPrefix("/usr/") { candidates.append(String(candidate.dropFirst(4))) }
      else if candidate.hasPrefix("/bin/") || candidate.hasPrefix("/sbin/") { candidates.append("/usr" + candidate) }
    }
    var owners: Set<String> = []
    for candidate in Set(candidates) {
      let result = try ExternalPrograms.run("dpkg", ["-S", candidate])
      guard result.status == 0 else { continue }
      // "coreutils: /usr/bin/od"; a diverted or shared path lists several: "pkg1, pkg2: /path".
      for line in result.output.split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        for name in line[..<colon].split(separator: ",") {
          owners.insert(String(name.trimmingCharacters(in: .whitespaces).split(separator: ":").first ?? ""))
        }
      }
    }
    return owners
  }

  // MARK: the sources

  /// Every program named in the Swift test code and the tools is listed, and none is called behind the list's back.
  @Test func everyProgramTheSwiftSourcesCallIsListed() throws {
    let listed = Set(try ExternalPrograms.entries().map(\.name))
    var files = Self.swiftFiles(under: "Tests") + Self.swiftFiles(under: "Tools")
    for target in try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources").path)
    where target.hasSuffix("TestSupport") {
      files += Self.swiftFiles(under: "Sources/" + target)
    }
    #expect(files.count > 20, "found only \(files.count) Swift files: is the package root right?")
    for file in files {
      let text = try String(contentsOfFile: Self.root.appendingPathComponent(file).path, encoding: .utf8)
      for problem in SourceScan.problems(inSwift: text, file: file, listed: listed) {
        Issue.record(Comment(rawValue: problem))
      }
    }
  }

  /// Every program the shell scripts call (parsed by shfmt) is listed.
  @Test func everyProgramTheScriptsCallIsListed() throws {
    let listed = Set(try ExternalPrograms.entries().map(\.name))
    var scripts = [".ci/run"]
    let tools = Self.root.appendingPathComponent("Tools").path
    let walker = FileManager.default.enumerator(atPath: tools)
    while let relative = walker?.nextObject() as? String {
      if Self.isBuildOutput(relative) { walker?.skipDescendants(); continue }
      if relative.hasSuffix(".sh") { scripts.append("Tools/" + relative) }
    }
    #expect(scripts.contains("Tools/setup-test-deps.sh"))
    for script in scripts.sorted() {
      let text = try String(contentsOfFile: Self.root.appendingPathComponent(script).path, encoding: .utf8)
      for program in try ShellCommands.programs(inScript: text).sorted() where !listed.contains(program) {
        Issue.record("\(script) calls '\(program)', which is not in Tools/external-programs.tsv")
      }
    }
  }

  static func swiftFiles(under folder: String) -> [String] {
    let base = root.appendingPathComponent(folder).path
    var out: [String] = []
    let walker = FileManager.default.enumerator(atPath: base)
    while let relative = walker?.nextObject() as? String {
      if isBuildOutput(relative) { walker?.skipDescendants(); continue }
      if relative.hasSuffix(".swift") { out.append(folder + "/" + relative) }
    }
    return out
  }

  /// A hidden folder (`.build` of the fuzz harness package, `.work`): build output and package checkouts, not ours.
  static func isBuildOutput(_ relative: String) -> Bool {
    relative.split(separator: "/").last?.hasPrefix(".") == true
  }

  /// Every Debian package a system-library target names in Package.swift is a `library` row, so the setup installs
  /// it: a -dev package installed by hand would build here and fail on a fresh machine.
  @Test func everySystemLibraryPackageIsListed() throws {
    let manifest = try String(
      contentsOfFile: Self.root.appendingPathComponent("Package.swift").path, encoding: .utf8)
    let libraries = Set(try ExternalPrograms.entries().filter { $0.kind == .library }.map(\.package))
    var named: [String] = []
    for match in manifest.matches(of: /\.apt\(\[([^\]]*)\]\)/) {
      named += match.1.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"")) }
    }
    #expect(named.count >= 5, "found \(named) in Package.swift")
    for package in named where !libraries.contains(package) {
      Issue.record("Package.swift names apt package \(package), which is not a library row of the list")
    }
  }

  // MARK: the guard can fail

  /// A program outside the list is refused by name, before anything runs.
  @Test func anUnlistedProgramIsRefusedByName() throws {
    let unlisted = "frobnicate-disk"
    let error = try #require(throws: ExternalPrograms.NotListed.self) {
      try ExternalPrograms.run(unlisted, ["--version"])
    }
    #expect(error.description.contains("'frobnicate-disk'"))
    #expect(error.description.contains("Tools/external-programs.tsv"))
    let p7zipName = "7z"  // p7zip-full's program: not what the setup installs (Debian 7zip gives 7zz)
    #expect(throws: ExternalPrograms.NotListed.self) { try ExternalPrograms.run(p7zipName, ["l"]) }
  }

  /// A script that calls an unlisted program is refused before bash runs it.
  @Test func aScriptCallingAnUnlistedProgramIsRefused() throws {
    let script = "set -e\ntruncate -s 1M x.img && frobnicate-disk x.img | sort\n"
    #expect(try ShellCommands.programs(inScript: script) == ["truncate", "frobnicate-disk", "sort"])
    let error = try #require(throws: ExternalPrograms.NotListed.self) { try ExternalPrograms.runScript(script) }
    #expect(error.name == "frobnicate-disk")
  }

  /// The source scan flags an unlisted name, a hard-coded program path and a Process made outside the runner.
  @Test func theSourceScanFlagsWhatBypassesTheList() {
    let listed: Set<String> = ["7zz"]
    // Written in pieces so that the scan of this file does not flag its own example.
    let runner = ["ExternalPrograms", "run"].joined(separator: ".")
    let process = "Process" + "()"
    let source = """
      let a = try \(runner)("7zz", ["l", path])
      let b = try \(runner)("7z", ["l", path])
      let p = \(process)
      p.executableURL = URL(fileURLWithPath: "/usr/bin/" + "7z")
      _ = try run("/usr/bin/" + "unzip", ["-l", path])
      """.replacingOccurrences(of: "/\" + \"", with: "/")
    let problems = SourceScan.problems(inSwift: source, file: "Tests/X/Example.swift", listed: listed)
    #expect(problems.count == 4, "\(problems)")
    #expect(problems.contains { $0.contains("'7z'") && $0.contains("Example.swift:2") })
    #expect(problems.contains { $0.contains("in test code") && $0.contains(":3") })
    #expect(problems.contains { $0.contains("bin/7z\"") && $0.contains(":4") })
    #expect(problems.contains { $0.contains("bin/unzip\"") && $0.contains(":5") })
    #expect(SourceScan.problems(inSwift: "let a = try \(runner)(\"7zz\", [])", file: "T.swift", listed: listed).isEmpty)
  }

  /// The shell parse sees through GNU time and env, and leaves out builtins, functions and repository paths.
  @Test func theScriptScanSeesWrappedCommandsOnly() throws {
    let script = """
      run() { "$@"; }
      /usr/bin/time -f "%e %M" -o t.txt xz -T1 big
      env LC_ALL=C sort list
      Tools/fixtures/fetch-dissect-images.sh
      run echo hi
      cd /tmp && [ -d x ] || mkdir x
      """
    #expect(try ShellCommands.programs(inScript: script) == ["time", "xz", "env", "sort", "mkdir"])
  }
}

/// What the Swift source scan looks for, line by line.
enum SourceScan {
  static func problems(inSwift text: String, file: String, listed: Set<String>) -> [String] {
    var problems: [String] = []
    let named = /ExternalPrograms\.(?:run|path|entry)\(\s*"([^"]+)"/
    let programPath = /"\/(?:usr\/(?:local\/)?)?s?bin\/[A-Za-z0-9._+-]+"/
    let isRunner = file.hasSuffix("TestSupport/ExternalPrograms.swift")
    let processCall = "Process" + "()"  // in pieces, so this file does not flag itself
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let place = "\(file):\(index + 1)"
      // Swift Regex is slow: only lines that can match are searched.
      for match in line.contains("ExternalPrograms.") ? line.matches(of: named) : []
      where !listed.contains(String(match.1)) {
        problems.append("\(place): program '\(match.1)' is not in Tools/external-programs.tsv")
      }
      if !isRunner, line.contains(processCall), file.hasPrefix("Tests/") || file.contains("TestSupport/") {
        problems.append("\(place): a Process made in test code: run programs through ExternalPrograms or Subprocess")
      }
      for match in line.contains("bin/") ? line.matches(of: programPath) : [] {
        problems.append("\(place): hard-coded program path \(match.0): name the program through ExternalPrograms")
      }
    }
    return problems
  }
}
