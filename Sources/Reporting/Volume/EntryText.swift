import APFSFormat
import Foundation

/// Names and times of file-system entries as `ls --snapshots` and `stat` print them (the listing's type letters are
/// `ListingFormat.letter`).
public enum EntryText {
  /// An APFS time (nanoseconds since 1970, UTC) as ISO 8601 with nine fraction digits.
  public static func time(nanoseconds: UInt64) -> String {
    let seconds = nanoseconds / 1_000_000_000
    let fraction = String(nanoseconds % 1_000_000_000)
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    let whole = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))  // ...:SSZ
    return whole.dropLast() + "." + String(repeating: "0", count: 9 - fraction.count) + fraction + "Z"
  }

  /// The name exactly as stored: valid UTF-8 is printed as is (NFD stays NFD); invalid bytes as \xNN.
  public static func name(_ bytes: [UInt8]) -> String {
    if let s = String(validating: bytes, as: UTF8.self) { return s }
    return bytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
  }
}
