import APFSFormat
import Foundation
import ImageAccess
import Reporting
import TestSupport
import Testing
import Triage

/// Triage verdicts around volume keys: unlocked, wrong password, hardware-bound (forged), per-file (iOS).
@Suite struct UnlockTriageTests {
  static func options(_ credential: Credential? = nil, lang: Language = .en) -> TriageOptions {
    var options = TriageOptions()
    options.hash = false
    options.credential = credential
    options.language = lang
    return options
  }

  @Test func unlockedReportValidatesAndKeepsTheVerdict() throws {
    let report = try Triage.run(
      path: try RealImages.dissect("encrypted.bin"), options: Self.options(Credential(password: "password")),
      toolVersion: "test")
    #expect(try SchemaCheck.validate(report))
    let volume = try #require(report.container?.volumes.first)
    #expect(volume.unlock?.state == "unlocked")
    #expect(report.verdict.verdictClass == .recoverableWithCredentials)
    #expect(report.verdict.reasons.contains { $0.contains("unlocked with the supplied password (user ") })
    let locked = try Triage.run(path: try RealImages.dissect("encrypted.bin"), options: Self.options(), toolVersion: "t")
    #expect(try SchemaCheck.validate(locked))
    #expect(locked.container?.volumes.first?.unlock?.state == "locked")
    #expect(locked.container?.volumes.first?.countsSource == "superblock")
  }

  /// Forged: encrypted.bin with its container keybag (block 97) overwritten by random bytes, as a keybag wrapped by a
  /// T2 / Apple-silicon security chip reads without that chip. Never reported as a wrong password.
  @Test(arguments: [Language.en, .ja])
  func hardwareBoundKeybagGivesRecoverableOnOriginalDevice(lang: Language) throws {
    let forged = try Scratch.mutatedCopy(of: try RealImages.dissect("encrypted.bin")) { bytes in
      let random = Scratch.randomBytes(count: 4096, seed: 63)
      bytes.replaceSubrange(97 * 4096..<98 * 4096, with: random)
    }
    let report = try Triage.run(
      path: forged, options: Self.options(Credential(password: "password"), lang: lang), toolVersion: "test")
    #expect(try SchemaCheck.validate(report))
    let unlock = try #require(report.container?.volumes.first?.unlock)
    #expect(unlock.state == "hardware-bound")
    #expect(unlock.offset == 97 * 4096)
    #expect(report.verdict.verdictClass == .recoverableOnOriginalDevice)
    #expect(report.verdict.reasons.contains { $0.contains("\(97 * 4096)") })
    #expect(report.errors.contains { $0.code == "keybag-hardware-bound" && $0.offset == 97 * 4096 })
    if lang == .ja {
      #expect(report.verdict.summary.contains("元の Mac"))
      // Fully Japanese apart from names, codes and numbers: no English sentence from the keybag reader.
      #expect(report.verdict.reasons.allSatisfy { !$0.contains("decrypts") && !$0.contains("security chip") })
      #expect(report.verdict.advice.allSatisfy { !$0.contains("Unlock the volume") })
    } else {
      #expect(report.verdict.advice.contains { $0.contains("original Mac") && $0.contains("image the unlocked volume") })
    }
  }

  @Test func perFileVolumesExplainWhyNoPasswordHelps() throws {
    let sample = RealImages.packageRoot.appendingPathComponent("Samples/ios-full.img").path
    let report = try Triage.run(path: sample, options: Self.options(Credential(password: "1234")), toolVersion: "t")
    #expect(report.verdict.verdictClass == .unrecoverableWithoutVendor)
    #expect(report.verdict.reasons.contains { $0.contains("hardware UID") && $0.contains("not FileVault") })
    let data = try #require(report.container?.volumes.first { $0.encryption == "per-file" })
    #expect(data.unlock?.state == "unsupported")
    #expect(try SchemaCheck.validate(report))
    // The unlock line says why, not an empty KEK list.
    #expect(TextRenderer().render(report).contains("unlock: not possible off the device: per-file class keys"))
    let ja = try Triage.run(
      path: sample, options: Self.options(Credential(password: "1234"), lang: .ja), toolVersion: "t")
    let line = try #require(TextRenderer().render(ja).split(separator: "\n").first { $0.contains("ロック解除") })
    #expect(line.contains("端末の外では不可能") && StrayEnglish.words(in: String(line)).isEmpty, "\(line)")
  }

  /// The text and Markdown reports have a line of their own for the unlock: state, method, user, KEK entries, hint;
  /// in Japanese with no English word (the user UUID and the hint come from the evidence).
  @Test(arguments: [Language.en, .ja])
  func textAndMarkdownHaveAnUnlockLine(lang: Language) throws {
    let image = try RealImages.dissect("encrypted.bin")
    let unlocked = try Triage.run(
      path: image, options: Self.options(Credential(password: "password"), lang: lang), toolVersion: "test")
    let wrong = try Triage.run(
      path: image, options: Self.options(Credential(password: "Password"), lang: lang), toolVersion: "test")
    let locked = try Triage.run(path: image, options: Self.options(lang: lang), toolVersion: "test")
    let facts = try #require(unlocked.container?.volumes.first?.unlock)
    let user = try #require(facts.userUUID)
    #expect(facts.kekEntries["password"] == 1)
    for (report, state) in [(unlocked, "unlocked"), (wrong, "wrong-credentials"), (locked, "locked")] {
      #expect(report.container?.volumes.first?.unlock?.state == state)
      for text in [TextRenderer().render(report), MarkdownRenderer().render(report)] {
        let line = try #require(
          text.split(separator: "\n").first { $0.contains(lang == .en ? "unlock: " : "ロック解除: ") }.map(String.init),
          "no unlock line in \(state)")
        if let hint = facts.hint { #expect(line.contains(hint)) }
        if lang == .en {
          #expect(line.contains("KEK entries: password 1"))
          switch state {
          case "unlocked": #expect(line.contains("unlocked with the password of user \(user)"))
          case "wrong-credentials": #expect(line.contains("credentials are wrong"))
          default: #expect(line.contains("locked (no credentials given)"))
          }
        } else {
          #expect(line.contains("KEK エントリ: パスワード 1"))
          switch state {
          case "unlocked": #expect(line.contains("ユーザー \(user) のパスワードで解除済み"))
          case "wrong-credentials": #expect(line.contains("正しくありません"))
          default: #expect(line.contains("ロック中"))
          }
          let volumeName = try #require(report.container?.volumes.first?.name)
          let names = [user, volumeName] + (facts.hint.map { [$0] } ?? [])
          #expect(StrayEnglish.words(in: line, names: names).isEmpty, "\(line)")
        }
        if state != "unlocked" { #expect(!line.contains(user)) }
      }
    }
  }
}
