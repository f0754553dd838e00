import Triage

/// Headings and labels shared by the text and Markdown renderers.
struct Labels {
  let lang: Language
  init(_ report: TriageReport) { lang = Language(rawValue: report.language) ?? .en }

  var title: String { lang.pick("Ringo triage report", "Ringo トリアージ報告書") }
  var verdict: String { lang.pick("Verdict", "判定") }
  var reasons: String { lang.pick("Why", "理由") }
  var advice: String { lang.pick("What to do", "対応") }
  var evidence: String { lang.pick("Evidence", "証拠") }
  var container: String { lang.pick("Container", "コンテナ") }
  var volumes: String { lang.pick("Volumes", "ボリューム") }
  var findings: String { lang.pick("Findings", "所見") }
  var errors: String { lang.pick("Errors (what could not be read, and where)", "エラー（読めなかったものと位置）") }
  var noContainer: String { lang.pick("no usable APFS container", "使用できる APFS コンテナなし") }
  var notComputed: String { lang.pick("not computed (--no-hash)", "未計算（--no-hash）") }

  func verdictName(_ v: TriageReport.VerdictClass) -> String {
    switch v {
    case .recoverable: lang.pick("recoverable", "復旧可能")
    case .recoverableWithCredentials: lang.pick("recoverable with the user's credentials", "利用者の認証情報があれば復旧可能")
    case .recoverableOnOriginalDevice: lang.pick("recoverable on the original Mac only", "元の Mac でのみ復旧可能")
    case .unrecoverableWithoutVendor: lang.pick("unrecoverable without the vendor", "メーカーなしでは復旧不可能")
    case .notAPFS: lang.pick("not APFS", "APFS ではない")
    case .damaged: lang.pick("damaged", "損傷")
    }
  }

  func bytes(_ b: UInt64) -> String { ByteText.exact(b, lang) }

  /// How much of a volume's file data is readable, how much encrypted, and the files per protection class.
  func readable(plaintext: UInt64, encrypted: UInt64, classes: [String: Int]?) -> String {
    let list = (classes ?? [:]).filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      .joined(separator: ", ")
    return lang.pick(
      "readable (plaintext extents): \(bytes(plaintext)); encrypted extents: \(bytes(encrypted)); "
        + "files per protection class: \(list.isEmpty ? "none" : list)",
      "読める（平文エクステント）: \(bytes(plaintext))、暗号化エクステント: \(bytes(encrypted))、"
        + "保護クラス別ファイル数: \(list.isEmpty ? "なし" : list)")
  }

  var notMeasured: String {
    lang.pick(
      "file bytes not measured: the file-system tree could not be walked (see findings)",
      "ファイルのバイト数は測定できません。ファイルシステムツリーをたどれませんでした（所見を参照）")
  }
}
