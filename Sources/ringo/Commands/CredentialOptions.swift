import APFSFormat
import ArgumentParser
import Foundation
import ReportModel

#if canImport(Glibc)
  import Glibc
#endif

/// Credentials for FileVault (ONEKEY) volumes: `--password-file F`, `--password -` (standard input, not echoed on a
/// terminal), `RINGO_PASSWORD`, `--recovery-key`; `--password VALUE` works but warns (it is visible in the process
/// list and shell history). The secret is never printed, logged or written into a report.
struct CredentialOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "Password of an encrypted (FileVault) volume; '-' reads it from standard input without echo. A value given "
      + "here is visible to other users (a warning is printed): prefer --password-file or RINGO_PASSWORD.",
    valueName: "password|-"))
  var password: String?

  @Option(help: ArgumentHelp(
    "Read the password from FILE (its first line; a trailing newline is ignored).", valueName: "file"))
  var passwordFile: String?

  @Option(help: ArgumentHelp(
    "The 24-character personal recovery key (XXXX-XXXX-XXXX-XXXX-XXXX-XXXX); '-' reads it from standard input.",
    valueName: "key|-"))
  var recoveryKey: String?

  func validate() throws {
    let given = [password != nil, passwordFile != nil, recoveryKey != nil].filter { $0 }.count
    if given > 1 {
      throw ValidationError("give only one of --password, --password-file and --recovery-key")
    }
  }

  /// The credential asked for, or `RINGO_PASSWORD`, or `nil`. Core dumps are turned off first when a credential is
  /// given, so a crash cannot write the secret to disk.
  func credential() throws -> Credential? {
    let found = try readCredential()
    if found != nil { Self.disableCoreDumps() }
    return found
  }

  static func disableCoreDumps() {
    var none = rlimit(rlim_cur: 0, rlim_max: 0)
    _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none)
  }

  private func readCredential() throws -> Credential? {
    if let passwordFile {
      guard let data = FileManager.default.contents(atPath: passwordFile) else {
        throw CommandFailure(description: "cannot read the password file \(passwordFile)")
      }
      return Credential(password: Self.firstLine(data))
    }
    if let password {
      if password == "-" { return Credential(password: try Self.readSecret(prompt: "Password: ")) }
      FileHandle.standardError.write(Data(
        "ringo: warning: a password on the command line is visible to other users and kept in shell history; use --password-file, --password - or RINGO_PASSWORD\n".utf8))
      return Credential(password: password)
    }
    if let recoveryKey {
      return Credential(recoveryKey: recoveryKey == "-" ? try Self.readSecret(prompt: "Recovery key: ") : recoveryKey)
    }
    if let env = ProcessInfo.processInfo.environment["RINGO_PASSWORD"], !env.isEmpty {
      return Credential(password: env)
    }
    return nil
  }

  static func firstLine(_ data: Data) -> String {
    var text = String(decoding: data, as: UTF8.self)
    if let newline = text.firstIndex(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
      text = String(text[..<newline])
    }
    return text
  }

  /// One line from standard input; on a terminal the prompt goes to standard error and echo is turned off.
  static func readSecret(prompt: String) throws -> String {
    let isTerminal = isatty(STDIN_FILENO) == 1
    var saved = termios()
    if isTerminal {
      FileHandle.standardError.write(Data(prompt.utf8))
      tcgetattr(STDIN_FILENO, &saved)
      var quiet = saved
      quiet.c_lflag &= ~tcflag_t(ECHO)
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
    }
    defer {
      if isTerminal {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
        FileHandle.standardError.write(Data("\n".utf8))
      }
    }
    guard let line = readLine(strippingNewline: true) else {
      throw CommandFailure(description: "no password on standard input")
    }
    return line
  }
}

/// The supplied credentials did not unlock the volume (exit code 4); for `triage` the report is still written.
struct WrongCredentials: Error, CustomStringConvertible {
  var description: String

  /// Throws when a volume of `report` refused the supplied password or recovery key (exit code 4), naming each such
  /// volume with its passphrase hint; `reportWritten` adds that the report was still written.
  static func check(_ report: TriageReport, reportWritten: Bool) throws {
    let refused = report.container?.volumes.filter { $0.unlock?.state == "wrong-credentials" } ?? []
    guard !refused.isEmpty else { return }
    throw WrongCredentials(
      description: "the supplied credentials did not unlock "
        + refused.map { "\"\($0.name)\"" + ($0.unlock?.hint.map { " (hint: \($0))" } ?? "") }.joined(separator: ", ")
        + (reportWritten ? "; the report was written" : ""))
  }
}
