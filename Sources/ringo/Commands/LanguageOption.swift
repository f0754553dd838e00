import ArgumentParser
import Triage

/// `--lang en|ja`: the language of a command's labels and explanations (codes, figures and names stay as they are).
struct LanguageOption: ParsableArguments {
  @Option(help: "Language of the labels and explanations: en or ja.")
  var lang: String = "en"

  func validate() throws {
    guard Language(rawValue: lang) != nil else { throw ValidationError("--lang must be en or ja, not '\(lang)'") }
  }

  var language: Language { Language(rawValue: lang) ?? .en }
  var words: Words { Words(language) }
}
