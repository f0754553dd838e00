/// The language of a report's human-readable text. Codes, field names and figures never change with it.
public enum Language: String, Sendable, CaseIterable {
  case en, ja

  /// Picks the English or Japanese variant.
  @inlinable
  public func pick(_ english: String, _ japanese: String) -> String {
    self == .en ? english : japanese
  }
}

/// Byte counts as people read them, with the exact figure kept beside: "1.50 GiB (1610612736 bytes)".
public enum ByteText {
  public static func human(_ bytes: UInt64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    if unit == 0 { return "\(bytes) bytes" }
    return formatFixed(value, decimals: 2) + " " + units[unit]
  }

  public static func exact(_ bytes: UInt64, _ language: Language) -> String {
    let h = human(bytes)
    if h.hasSuffix("bytes") { return language.pick(h, "\(bytes) バイト") }
    return language.pick("\(h) (\(bytes) bytes)", "\(h)（\(bytes) バイト）")
  }

  public static func percent(_ fraction: Double) -> String {
    formatFixed(fraction * 100, decimals: fraction < 0.01 ? 3 : 2) + "%"
  }

  /// Fixed-point formatting without Foundation.
  public static func formatFixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = UInt64(scaled / scale)
    var fraction = String(UInt64(scaled) - whole * UInt64(scale))
    while fraction.count < decimals { fraction = "0" + fraction }
    return (value < 0 ? "-" : "") + String(whole) + (decimals > 0 ? "." + fraction : "")
  }
}
