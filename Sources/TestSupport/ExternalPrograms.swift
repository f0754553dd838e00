import Foundation

/// The programs the tests may call, from `Tools/external-programs.tsv`, and the one way to run them.
///
/// A test never names a path such as `/usr/bin/7z`: it asks for a program by name. A name that is not on the list is
/// an error naming the program (``NotListed``), and a listed program that is not installed is an error naming the
/// program and the package that provides it (``NotInstalled``), so a missing install step shows up as one clear
/// failure instead of a confusing error deep in a suite. `Tools/setup-test-deps.sh` installs from the same list.
public enum ExternalPrograms {
  /// One row of the list.
  public struct Entry: Sendable, Equatable {
    public enum Kind: String, Sendable { case program, pythonModule = "python-module", library }
    public enum Provider: String, Sendable { case debian, essential, pypi, machine }
    public var name: String
    public var kind: Kind
    public var provider: Provider
    /// The Debian package, the pip requirement, or (machine) what ships it.
    public var package: String
    public var usedBy: String
  }

  public struct NotListed: Error, CustomStringConvertible {
    public var name: String
    public init(name: String) { self.name = name }
    public var description: String {
      "program '\(name)' is not in Tools/external-programs.tsv: add it with the package that provides it, so "
        + "Tools/setup-test-deps.sh installs it on a fresh machine"
    }
  }

  public struct NotInstalled: Error, CustomStringConvertible {
    public var name: String
    public var package: String
    public var description: String {
      "program '\(name)' is not installed (package \(package)); run Tools/setup-test-deps.sh"
    }
  }

  public struct BadList: Error, CustomStringConvertible {
    public var line: Int
    public var text: String
    public var description: String { "Tools/external-programs.tsv line \(line): \(text)" }
  }

  /// The list file in the repository.
  public static let listPath: String = RealImages.packageRoot.appendingPathComponent("Tools/external-programs.tsv").path

  /// Parses list text: tab-separated `name kind provider package used-by`; `#` lines and blank lines are skipped.
  public static func parse(_ text: String) throws -> [Entry] {
    var entries: [Entry] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if line.isEmpty || line.hasPrefix("#") { continue }
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 5, !fields[0].isEmpty, !fields[3].isEmpty else {
        throw BadList(line: index + 1, text: "expected 5 tab-separated fields: \(line)")
      }
      guard let kind = Entry.Kind(rawValue: fields[1]) else {
        throw BadList(line: index + 1, text: "unknown kind '\(fields[1])'")
      }
      guard let provider = Entry.Provider(rawValue: fields[2]) else {
        throw BadList(line: index + 1, text: "unknown provider '\(fields[2])'")
      }
      entries.append(Entry(name: fields[0], kind: kind, provider: provider, package: fields[3], usedBy: fields[4]))
    }
    return entries
  }

  /// The list as committed.
  public static func entries() throws -> [Entry] {
    try parse(String(contentsOfFile: listPath, encoding: .utf8))
  }

  /// The list's entry for program `name`, or ``NotListed``.
  public static func entry(_ name: String) throws -> Entry {
    guard let entry = try entries().first(where: { $0.name == name && $0.kind == .program }) else {
      throw NotListed(name: name)
    }
    return entry
  }

  /// Folders searched for a program: `PATH`, then the usual system folders (root's sbin folders are not always on a
  /// CI runner's `PATH`).
  static var searchFolders: [String] {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    return path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/usr/sbin", "/bin", "/sbin"]
  }

  /// The absolute path of listed program `name`.
  ///
  /// - Throws: ``NotListed`` when `name` is not on the list, ``NotInstalled`` when it is listed but not found.
  public static func path(_ name: String) throws -> String {
    let entry = try entry(name)
    for folder in searchFolders {
      let candidate = folder + "/" + name
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw NotInstalled(name: name, package: entry.package)
  }

  /// Runs listed program `name` and waits for it.
  ///
  /// - Parameters:
  ///   - input: bytes for its standard input (none: standard input is empty).
  ///   - environment: variables added to the test's environment.
  /// - Throws: ``NotListed``, ``NotInstalled``, or the error of starting the process.
  @discardableResult
  public static func run(
    _ name: String, _ arguments: [String], input: [UInt8]? = nil, environment: [String: String] = [:]
  ) throws -> Subprocess.Result {
    try Subprocess.run(path(name), arguments, input: input, environment: environment)
  }

  /// Runs a bash script after checking that every program it calls is listed (``ShellCommands``).
  @discardableResult
  public static func runScript(_ script: String) throws -> Subprocess.Result {
    let listed = Set(try entries().map(\.name))
    for command in try ShellCommands.programs(inScript: script) where !listed.contains(command) {
      throw NotListed(name: command)
    }
    return try run("bash", ["-c", script])
  }
}

/// Runs an executable given by path: a built product (the `ringo` binary) or a program resolved through
/// ``ExternalPrograms``. Standard output and standard error are drained concurrently, so a chatty program cannot block.
public enum Subprocess {
  public struct Result: Sendable {
    public var status: Int32
    public var standardOutput: Data
    public var standardError: Data
    public var output: String { String(decoding: standardOutput, as: UTF8.self) }
    public var errors: String { String(decoding: standardError, as: UTF8.self) }
    /// Standard output followed by standard error, as a terminal would show them.
    public var combined: String { output + errors }
  }

  /// Runs `executable`; the variables named in `removing` are taken out of the test's environment (a test that must
  /// not inherit, say, a password variable), then `environment` is added.
  public static func run(
    _ executable: String, _ arguments: [String], input: [UInt8]? = nil, environment: [String: String] = [:],
    removing: Set<String> = []
  ) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if !environment.isEmpty || !removing.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.filter { !removing.contains($0.key) }
        .merging(environment) { $1 }
    }
    let out = Pipe()
    let err = Pipe()
    let stdin = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = stdin
    try process.run()
    let errorBox = DataBox()
    let inputDone = DispatchGroup()
    DispatchQueue.global().async(group: inputDone) {
      errorBox.set(err.fileHandleForReading.readDataToEndOfFile())
    }
    DispatchQueue.global().async(group: inputDone) {
      if let input { try? stdin.fileHandleForWriting.write(contentsOf: input) }
      try? stdin.fileHandleForWriting.close()
    }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    inputDone.wait()
    process.waitUntilExit()
    return Result(status: process.terminationStatus, standardOutput: data, standardError: errorBox.get())
  }
}

extension Subprocess {
  /// A program started with ``start(_:_:)``: its output is drained while it runs; it can be sent a signal.
  public final class Running: @unchecked Sendable {
    // @unchecked: the boxes are filled by the draining threads before `wait()` returns.
    let process: Process
    let output = DataBox()
    let errors = DataBox()
    let drained = DispatchGroup()

    init(_ process: Process) { self.process = process }

    /// Sends `signal` (e.g. SIGINT, as Ctrl-C does) to the program.
    public func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the program to end.
    public func wait() -> Result {
      drained.wait()
      process.waitUntilExit()
      return Result(status: process.terminationStatus, standardOutput: output.get(), standardError: errors.get())
    }
  }

  /// Starts `executable` without waiting for it.
  public static func start(_ executable: String, _ arguments: [String]) throws -> Running {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let running = Running(process)
    try process.run()
    DispatchQueue.global().async(group: running.drained) { running.output.set(out.fileHandleForReading.readDataToEndOfFile()) }
    DispatchQueue.global().async(group: running.drained) { running.errors.set(err.fileHandleForReading.readDataToEndOfFile()) }
    return running
  }
}

/// The programs a shell script calls, found by a real shell parser (`shfmt --tojson`, Debian `shfmt`).
///
/// A command whose name is a plain word is reported, unless it is a shell builtin, a function the script defines,
/// or a path inside the repository (`Tools/x.sh`, `.build/release/ringo`, `"$root/..."`). An absolute path counts as
/// its last component (`/usr/bin/time` is `time`). Words after `time`, `env`, `exec`, `command`, `timeout`, `nice`
/// and `xargs` are looked at too. A name that only a variable holds (`"$tool" ...`) cannot be known statically.
public enum ShellCommands {
  public static let builtins: Set<String> = [
    "[", "[[", ":", ".", "alias", "break", "cd", "command", "continue", "declare", "echo", "eval", "exec", "exit",
    "export", "false", "getopts", "hash", "let", "local", "printf", "pwd", "read", "readonly", "return", "set",
    "shift", "source", "test", "trap", "true", "type", "ulimit", "umask", "unset", "wait", "kill", "mapfile",
    "readarray", "pushd", "popd", "dirs", "builtin", "caller", "compgen", "disown", "jobs", "shopt", "times",
  ]
  static let wrappers: Set<String> = ["time", "env", "exec", "command", "timeout", "nice", "xargs"]

  public static func programs(inScript script: String) throws -> Set<String> {
    let parsed = try ExternalPrograms.run("shfmt", ["--tojson"], input: Array(script.utf8))
    guard parsed.status == 0 else {
      throw ExternalPrograms.BadList(line: 0, text: "shfmt could not parse the script: \(parsed.errors)")
    }
    let tree = try JSONSerialization.jsonObject(with: parsed.standardOutput)
    var calls: [[String?]] = []
    var functions: Set<String> = []
    collect(tree, calls: &calls, functions: &functions)
    var found: Set<String> = []
    for words in calls {
      var index = 0
      while index < words.count, let word = words[index] {
        let name = word.hasPrefix("/") ? String(word.split(separator: "/").last ?? "") : word
        if word.contains("/") && !word.hasPrefix("/") { break }  // a path inside the repository
        if builtins.contains(name) && !wrappers.contains(name) || functions.contains(name) { break }
        found.insert(name)
        guard wrappers.contains(name) else { break }
        index += 1
        // Skip the wrapper's own options and values: `-f FORMAT -o FILE` (GNU time), `VAR=value` (env), `10` (timeout).
        while index < words.count, let next = words[index] {
          if next == "-f" || next == "-o" {
            index += 2
          } else if next.hasPrefix("-") || next.contains("=") || next.first?.isNumber == true {
            index += 1
          } else {
            break
          }
        }
      }
    }
    return found.subtracting(builtins)
  }

  /// Walks shfmt's JSON: each `CallExpr`'s words (nil for a word that is not a plain literal) and every `FuncDecl`.
  static func collect(_ node: Any, calls: inout [[String?]], functions: inout Set<String>) {
    if let object = node as? [String: Any] {
      if object["Type"] as? String == "FuncDecl", let name = (object["Name"] as? [String: Any])?["Value"] as? String {
        functions.insert(name)
      }
      if object["Type"] as? String == "CallExpr", let args = object["Args"] as? [[String: Any]] {
        calls.append(
          args.map { word in
            guard let parts = word["Parts"] as? [[String: Any]], parts.count == 1,
              parts[0]["Type"] as? String == "Lit"
            else { return nil }
            return parts[0]["Value"] as? String
          })
      }
      for value in object.values { collect(value, calls: &calls, functions: &functions) }
    } else if let array = node as? [Any] {
      for value in array { collect(value, calls: &calls, functions: &functions) }
    }
  }
}
