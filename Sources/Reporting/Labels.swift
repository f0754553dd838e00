import Triage

/// Headings and labels shared by the text and Markdown renderers, from the report language's catalogue.
struct Labels {
  let lang: Language
  let words: any Catalogue
  init(_ report: TriageReport) {
    lang = Language(rawValue: report.language) ?? .en
    words = lang.catalogue
  }

  subscript(_ label: Label) -> String { words.label(label) }
  var title: String { self[.title] }
  var verdict: String { self[.verdict] }
  var reasons: String { self[.reasons] }
  var advice: String { self[.advice] }
  var evidence: String { self[.evidence] }
  var container: String { self[.container] }
  var volumes: String { self[.volumes] }
  var findings: String { self[.findings] }
  var errors: String { self[.errors] }
  var noContainer: String { self[.noContainer] }
  var notComputed: String { self[.notComputed] }
  var notMeasured: String { self[.notMeasured] }

  /// The parsers' error messages are English: other languages print the error's code and offset, and the heading
  /// points to the JSON report for the messages.
  var showsErrorMessages: Bool { lang == .en }

  func verdictName(_ v: TriageReport.VerdictClass) -> String { words.verdictName(v) }
  func bytes(_ b: UInt64) -> String { ByteText.exact(b, lang) }
  func yesNo(_ flag: Bool) -> String { self[flag ? .yes : .no] }

  /// How much of a volume's file data is readable, how much encrypted, and the files per protection class.
  func readable(plaintext: UInt64, encrypted: UInt64, compressed: UInt64? = nil, classes: [String: Int]?) -> String {
    words.readable(plaintext: plaintext, encrypted: encrypted, compressed: compressed, classes: classes)
  }

  /// The unlock line of an encrypted volume (state, method, user, KEK entries, hint).
  func unlock(_ unlock: TriageReport.Volume.Unlock, encryption: String) -> String {
    words.unlock(unlock, encryption: encryption)
  }

  /// `label:` padded to `width` characters, then the value (the text renderer's field lines).
  func field(_ label: Label, width: Int) -> String { Words(lang).field(label, width: width) }

  /// Where the volume counts come from.
  func countsSource(_ source: String?) -> String {
    switch source {
    case "tree": self[.countedInTree]
    case "superblock": self[.countedInSuperblock]
    default: source ?? "?"
    }
  }
}
