import RegionMap

/// Where the structure map and the content map disagree in ways that matter for triage.
///
/// - `fileEncryptedButText`: bytes the structures call `file-encrypted` whose content is `text`. Ciphertext is never
///   text, so either the extent records are wrong or the data was never encrypted.
/// - `freeButNotZero`: bytes the space manager calls `free` that hold data (any content class but `zero`): remnants
///   of deleted files, possibly recoverable.
///
/// Pure and bounded: one pass over both run lists, O(structure runs + content runs).
public struct MapComparison: Sendable, Equatable {
  /// Overlaps of `file-encrypted` structure runs with `text` content, merged, in offset order.
  public var fileEncryptedButText: [RegionRun]
  /// Overlaps of `free` structure runs with non-zero content, merged per content class, in offset order.
  public var freeButNotZero: [RegionRun]

  public var fileEncryptedButTextBytes: Int { fileEncryptedButText.reduce(0) { $0 + $1.length } }
  public var freeButNotZeroBytes: Int { freeButNotZero.reduce(0) { $0 + $1.length } }
  /// Remnant bytes per content class (`text`, `compressed`, `encrypted`, `apfs-object`, `unknown`).
  public var freeButNotZeroByClass: [RegionClass: Int] {
    freeButNotZero.reduce(into: [:]) { $0[$1.regionClass, default: 0] += $1.length }
  }

  /// Compares a structure map with a content map of the same image (both in offset order, as `RegionMap` keeps them).
  public init(structure: RegionMap, content: RegionMap) {
    var encryptedText = RegionMap(source: .both)
    var remnants: [RegionRun] = []
    let s = structure.runs
    let c = content.runs
    var i = 0
    var j = 0
    while i < s.count, j < c.count {  // each step advances i or j: at most s.count + c.count steps
      let a = s[i]
      let b = c[j]
      let low = max(a.offset, b.offset)
      let high = min(a.end, b.end)
      if low < high {
        if a.regionClass == .fileEncrypted, b.regionClass == .text {
          encryptedText.append(.text, offset: low, length: high - low)
        }
        if a.regionClass == .free, b.regionClass != .zero {
          if let last = remnants.last, last.regionClass == b.regionClass, last.end == low {
            remnants[remnants.count - 1].length += high - low
          } else {
            remnants.append(RegionRun(b.regionClass, offset: low, length: high - low))
          }
        }
      }
      if a.end <= b.end { i += 1 } else { j += 1 }
    }
    fileEncryptedButText = encryptedText.runs
    freeButNotZero = remnants
  }
}
