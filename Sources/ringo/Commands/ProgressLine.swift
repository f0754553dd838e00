import ArgumentParser
import Foundation
import ImageAccess
import Triage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The progress of the whole-evidence reads (SHA-256, E01 media digests) on standard error, once a second from
/// half a second on: a line redrawn in place when standard error is a terminal (`auto`), nothing when it is not or
/// with `--quiet`, one JSON object per line with `--progress json` (for scripts; the last one when the work ends).
final class ProgressLine: @unchecked Sendable {
  // @unchecked: `stopped` is the only shared mutable state and is guarded by `lock`.
  enum Mode: String, ExpressibleByArgument, CaseIterable {
    case auto, json, none
  }

  let progress: ByteProgress
  let mode: Mode
  let language: Language
  private let lock = NSLock()
  private var stopped = false
  private let finished = DispatchSemaphore(value: 0)
  private let start = Date()

  /// A printer for `progress`, or `nil` when nothing is to be printed.
  init?(mode: Mode, quiet: Bool, language: Language, progress: ByteProgress) {
    guard !quiet, mode != .none, mode == .json || isatty(STDERR_FILENO) == 1 else { return nil }
    self.mode = mode
    self.language = language
    self.progress = progress
  }

  func begin() {
    Thread.detachNewThread { [self] in
      var ticks = 0
      while !isStopped {
        Thread.sleep(forTimeInterval: 0.1)
        ticks += 1
        if ticks % 10 == 5, !isStopped { report() }  // at 0.5 s, then once a second
      }
      finished.signal()
    }
  }

  /// Stops the printer: a terminal line is cleared, a JSON stream gets its final line.
  func end() {
    lock.withLock { stopped = true }
    finished.wait()
    if mode == .auto { emit("\r\u{1B}[K") } else { report() }
  }

  private func report() {
    emit(Self.line(done: progress.done, total: progress.total, seconds: Date().timeIntervalSince(start),
                   current: progress.current, mode: mode, language: language))
  }

  private var isStopped: Bool { lock.withLock { stopped } }

  private func emit(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }

  /// One progress report (pure, for tests).
  static func line(done: Int, total: Int, seconds: Double, current: String, mode: Mode, language: Language) -> String {
    let rate = seconds > 0 ? Double(done) / seconds : 0
    let eta: Int? = rate > 0 && total >= done ? Int((Double(total - done) / rate).rounded(.up)) : nil
    if mode == .json {
      let name = current.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      return "{\"done_bytes\":\(done),\"total_bytes\":\(total),\"bytes_per_second\":\(Int(rate)),"
        + "\"eta_seconds\":\(eta.map(String.init) ?? "null"),\"current\":\"\(name)\"}\n"
    }
    let percent = total > 0 ? min(100, done * 100 / total) : 0
    func mib(_ bytes: Double) -> String { String(format: "%.1f MiB", bytes / 1_048_576) }
    let text = language == .ja
      ? "\(current) \(mib(Double(total))) 中 \(mib(Double(done)))（\(percent) %）、\(mib(rate))/秒"
        + (eta.map { "、残り約 \($0) 秒" } ?? "")
      : "\(current) \(mib(Double(done))) of \(mib(Double(total))) (\(percent) %), \(mib(rate))/s"
        + (eta.map { ", about \($0) s left" } ?? "")
    return "\r\u{1B}[K" + text
  }
}

extension ProgressLine {
  /// Runs `work` with a progress counter printed as `mode` asks (`nil` when nothing is printed: not a terminal,
  /// `--quiet`, `--progress none`); the line is cleared (or its last JSON line printed) when `work` returns or throws.
  static func showing<T>(_ mode: Mode, quiet: Bool, language: Language, _ work: (ByteProgress?) throws -> T) rethrows
    -> T
  {
    let counter = ByteProgress()
    let line = ProgressLine(mode: mode, quiet: quiet, language: language, progress: counter)
    line?.begin()
    defer { line?.end() }
    return try work(line == nil ? nil : counter)
  }
}

/// `--progress` and `--quiet` for the commands that read or write a lot (scan, batch, extraction).
struct ProgressOptions: ParsableArguments {
  @Option(help: "Progress on standard error: auto (a line, only when it is a terminal), json (one line a second), none.")
  var progress: ProgressLine.Mode = .auto

  @Flag(help: "Print no progress.")
  var quiet = false

  func showing<T>(_ language: Language, _ work: (ByteProgress?) throws -> T) rethrows -> T {
    try ProgressLine.showing(progress, quiet: quiet, language: language, work)
  }
}
