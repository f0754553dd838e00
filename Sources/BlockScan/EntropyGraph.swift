import RegionMap

/// Renders an ``EntropyStrip``: an SVG plot of entropy over offset (like binwalk's entropy graph) and a terminal bar.
/// Pure functions: the same strip always gives the same text.
public enum EntropyGraph {
  /// Fill colour per content class, used by the SVG class band and legend.
  public static func colour(of cls: RegionClass) -> String {
    switch cls {
    case .zero: "#d0d0d0"
    case .text: "#4caf50"
    case .compressed: "#ff9800"
    case .encrypted: "#d32f2f"
    case .apfsObject: "#1976d2"
    case .unknown: "#9e9e9e"
    case .containerMetadata, .volumeMetadata: "#1976d2"
    case .filePlaintext: "#4caf50"
    case .fileEncrypted: "#d32f2f"
    case .free: "#ffffff"
    }
  }

  /// One letter per content class for the terminal class bar.
  public static func letter(of cls: RegionClass?) -> Character {
    switch cls {
    case .none: " "
    case .zero?: "."
    case .text?: "T"
    case .compressed?: "C"
    case .encrypted?: "E"
    case .apfsObject?: "A"
    case .unknown?: "?"
    default: "s"
    }
  }

  /// An SVG document: mean entropy as a line over a min–max band, a class band underneath, axes in bits and bytes.
  ///
  /// - Parameters:
  ///   - strip: the scan's entropy strip.
  ///   - title: caption text (escaped).
  ///   - width, height: size in pixels of the whole drawing.
  public static func svg(_ strip: EntropyStrip, title: String, width: Int = 900, height: Int = 300) -> String {
    let w = max(200, width)
    let h = max(120, height)
    let left = 50.0
    let right = 10.0
    let top = 28.0
    let band = 14.0
    let bottom = 36.0 + band
    let plotW = Double(w) - left - right
    let plotH = Double(h) - top - bottom
    let n = strip.points.count
    func x(_ i: Int) -> Double { left + (n <= 1 ? 0 : plotW * Double(i) / Double(n - 1)) }
    func y(_ bits: Double) -> Double { top + plotH * (1 - min(8, max(0, bits)) / 8) }
    func f(_ v: Double) -> String {
      let r = (v * 10).rounded() / 10
      return r == r.rounded() ? String(Int(r)) : String(r)
    }
    var out = ""
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\">\n"
    out += "<rect width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>\n"
    out += "<text x=\"\(f(left))\" y=\"18\" font-family=\"sans-serif\" font-size=\"13\">\(escape(title))</text>\n"
    // Grid lines at 0, 2, 4, 6, 8 bits.
    for bits in stride(from: 0, through: 8, by: 2) {
      let yy = f(y(Double(bits)))
      out += "<line x1=\"\(f(left))\" y1=\"\(yy)\" x2=\"\(f(left + plotW))\" y2=\"\(yy)\" stroke=\"#e0e0e0\"/>\n"
      out += "<text x=\"\(f(left - 6))\" y=\"\(yy)\" font-family=\"sans-serif\" font-size=\"10\" text-anchor=\"end\""
      out += " dominant-baseline=\"middle\">\(bits)</text>\n"
    }
    out += "<text x=\"12\" y=\"\(f(top + plotH / 2))\" font-family=\"sans-serif\" font-size=\"10\""
    out += " transform=\"rotate(-90 12 \(f(top + plotH / 2)))\" text-anchor=\"middle\">entropy (bits/byte)</text>\n"
    if n > 0 {
      // Min–max band.
      var outline = ""
      for i in 0..<n { outline += "\(f(x(i))),\(f(y(strip.points[i].maxEntropy))) " }
      for i in stride(from: n - 1, through: 0, by: -1) { outline += "\(f(x(i))),\(f(y(strip.points[i].minEntropy))) " }
      out += "<polygon points=\"\(outline.dropLast())\" fill=\"#90caf9\" fill-opacity=\"0.5\" stroke=\"none\"/>\n"
      var line = ""
      for i in 0..<n { line += "\(f(x(i))),\(f(y(strip.points[i].meanEntropy))) " }
      out += "<polyline points=\"\(line.dropLast())\" fill=\"none\" stroke=\"#0d47a1\" stroke-width=\"1.2\"/>\n"
      // Class band: one rectangle per point in its dominant class's colour.
      let bandY = top + plotH + 4
      let step = n <= 1 ? plotW : plotW / Double(n - 1)
      for i in 0..<n {
        guard let cls = strip.points[i].dominantClass else { continue }
        let x0 = max(left, x(i) - step / 2)
        let x1 = min(left + plotW, x(i) + step / 2)
        out += "<rect x=\"\(f(x0))\" y=\"\(f(bandY))\" width=\"\(f(max(0.1, x1 - x0)))\" height=\"\(f(band))\""
        out += " fill=\"\(colour(of: cls))\"><title>\(cls.rawValue)</title></rect>\n"
      }
    }
    // Offset axis: start and end of the scanned bytes.
    let axisY = f(Double(h) - 8)
    out += "<text x=\"\(f(left))\" y=\"\(axisY)\" font-family=\"sans-serif\" font-size=\"10\">0</text>\n"
    out += "<text x=\"\(f(left + plotW))\" y=\"\(axisY)\" font-family=\"sans-serif\" font-size=\"10\""
    out += " text-anchor=\"end\">\(byteText(strip.scannedBytes))</text>\n"
    out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(axisY)\" font-family=\"sans-serif\" font-size=\"10\""
    out += " text-anchor=\"middle\">offset</text>\n"
    out += "</svg>\n"
    return out
  }

  /// Two lines for a terminal: entropy as block characters (▁ = 0 bits … █ = 8 bits) and the dominant class per
  /// column (`.` zero, `T` text, `C` compressed, `E` encrypted, `A` apfs-object, `?` unknown).
  public static func terminalBar(_ strip: EntropyStrip, width: Int = 64) -> String {
    guard !strip.points.isEmpty else { return "(nothing scanned)" }  // an empty image has no points
    let columns = max(1, min(width, strip.points.count))
    let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    var entropyLine = ""
    var classLine = ""
    for c in 0..<columns {
      let lo = c * strip.points.count / columns
      let hi = max(lo + 1, (c + 1) * strip.points.count / columns)
      var sum = 0.0
      var weight = 0
      var bytes: [RegionClass: Int] = [:]
      for p in strip.points[lo..<hi] {
        sum += p.meanEntropy * Double(p.length)
        weight += p.length
        for (k, v) in p.bytesByClass { bytes[k, default: 0] += v }
      }
      let mean = weight > 0 ? sum / Double(weight) : 0
      entropyLine.append(levels[min(7, max(0, Int(mean)))])
      let dominant = bytes.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
      classLine.append(letter(of: dominant))
    }
    return entropyLine + "\n" + classLine
  }

  static func escape(_ text: String) -> String {
    var out = ""
    for ch in text {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(ch)
      }
    }
    return out
  }

  /// `1.5 GiB`-style size.
  public static func byteText(_ bytes: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    if unit == 0 { return "\(bytes) B" }
    let rounded = (value * 10).rounded() / 10
    return "\(rounded) \(units[unit])"
  }
}
