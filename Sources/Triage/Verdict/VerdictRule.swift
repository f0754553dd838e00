import APFSFormat
import ImageAccess

/// Decides the verdict class and writes its summary, reasons (each citing the figures it rests on) and advice.
///
/// - `not-apfs`: no container superblock at offset 0 or in a GPT APFS partition.
/// - `damaged`: a container superblock exists but no checkpoint verifies.
/// - `unrecoverable-without-vendor`: a user-data volume (role data, else user, else the volumes without a role)
///   uses per-file Data Protection.
/// - `recoverable-with-credentials`: a user-data volume is ONEKEY-encrypted (FileVault-style).
/// - `recoverable`: otherwise.
public enum VerdictRule {
  public static func verdict(for facts: TriageFacts, findings: [TriageReport.Finding]) -> TriageReport.Verdict {
    let lang = facts.options.language
    if let error = facts.notAPFS, let scan = facts.contentScan, scan.encryptionAssessment().isWholeImageEncrypted {
      let a = scan.encryptionAssessment()
      return .init(
        verdictClass: .notAPFS,
        summary: lang.pick(
          "No readable file-system structure: the image is encrypted as a whole and cannot be read off the device.",
          "読める構造がありません。イメージ全体が暗号化されており、端末の外では読めません。"),
        reasons: [lang.pick(
          "No APFS container superblock was found (\(error.description)); the content scan classed "
            + "\(ByteText.percent(a.encryptedFraction)) of the \(a.nonZeroBytes) non-zero bytes as indistinguishable "
            + "from random.",
          "APFS コンテナのスーパーブロックが見つかりません（\(error.description)）。内容スキャンでは非ゼロ "
            + "\(a.nonZeroBytes) バイトのうち \(ByteText.percent(a.encryptedFraction)) が乱数と区別できませんでした。")]
          + Explanations.vendorChain(lang),
        advice: Explanations.vendorAdvice(lang))
    }
    if let error = facts.notAPFS {
      return .init(
        verdictClass: .notAPFS,
        summary: lang.pick(
          "No APFS container was found in this file.",
          "このファイルには APFS コンテナが見つかりませんでした。"),
        reasons: [lang.pick(
          "Checked for the container superblock magic \"NXSB\" at offset 32 and for a GPT with an Apple_APFS "
            + "partition (format detected: \(facts.evidence.format.rawValue)); \(error.description).",
          "オフセット 32 のコンテナスーパーブロックのマジック「NXSB」と、Apple_APFS パーティションを持つ GPT を"
            + "確認しました（検出された形式: \(facts.evidence.format.rawValue)）。\(error.description)")],
        advice: [lang.pick(
          "Check that this is the right image (a whole-disk or APFS-partition image); an image that is encrypted "
            + "as a whole (a chip-off or raw NAND dump) has no readable structures at all.",
          "正しいイメージ（ディスク全体または APFS パーティションのイメージ）か確認してください。"
            + "チップオフや NAND の生ダンプのように全体が暗号化されたイメージには、読める構造がまったくありません。")])
    }
    if let damage = facts.damage {
      let tried = damage.attempts.map { attempt -> String in
        switch attempt.outcome {
        case let .skipped(e): "xid \(attempt.transactionID): \(e.description)"
        case .used: "xid \(attempt.transactionID): used"
        case .notNeeded: "xid \(attempt.transactionID)"
        }
      }
      return .init(
        verdictClass: .damaged,
        summary: lang.pick(
          "An APFS container is present but none of its checkpoints can be used.",
          "APFS コンテナは存在しますが、使用できるチェックポイントがありません。"),
        reasons: [lang.pick(
          "Block 0 holds a container superblock"
            + (damage.blockZero.map { " (xid \($0.transactionID), \($0.blockCount) blocks of \($0.blockSize) bytes)" }
              ?? "")
            + "; \(damage.attempts.count) checkpoint superblock(s) tried: "
            + (tried.isEmpty ? "none found in the descriptor area" : tried.joined(separator: "; "))
            + ". Last error: \(damage.error.description).",
          "ブロック 0 にコンテナスーパーブロックがあります"
            + (damage.blockZero.map { "（xid \($0.transactionID)、\($0.blockSize) バイト × \($0.blockCount) ブロック）" }
              ?? "")
            + "。試したチェックポイントスーパーブロック \(damage.attempts.count) 個: "
            + (tried.isEmpty ? "記述子領域に見つかりません" : tried.joined(separator: "; "))
            + "。最後のエラー: \(damage.error.description)。")],
        advice: [lang.pick(
          "Keep the original image unchanged; structural repair or carving may recover parts, but nothing is "
            + "readable through the file system as it stands.",
          "元のイメージは変更せずに保全してください。構造の修復やカービングで一部を取り出せる可能性はありますが、"
            + "現状ではファイルシステム経由で読めるものはありません。")])
    }
    guard let container = facts.container else {
      return .init(verdictClass: .damaged, summary: "", reasons: [], advice: [])
    }
    let users = facts.userDataVolumes
    let perFile = users.filter { $0.encryption == .perFile }
    let onekey = users.filter { $0.encryption == .onekey }
    let lowSpace = findings.first { $0.code == "update-space-shortfall" }
      ?? findings.first { $0.code == "low-free-space" && $0.volume == nil }
    var reasons: [String] = []
    let bs = UInt64(container.blockSize)
    func describe(_ v: APFSSuperblock) -> String {
      lang.pick(
        "\"\(v.name)\" (role \(v.role.name), fs_flags \(hex(v.flags.rawValue)) = [\(v.flags.names.joined(separator: ", "))], "
          + "\(ByteText.exact(v.allocatedBlockCount &* bs, lang)) allocated)",
        "「\(v.name)」（ロール \(v.role.name)、fs_flags \(hex(v.flags.rawValue)) = [\(v.flags.names.joined(separator: ", "))]、"
          + "割り当て済み \(ByteText.exact(v.allocatedBlockCount &* bs, lang))）")
    }
    if let lowSpace {
      reasons.append(lowSpace.message)
    }

    // Measured bytes decide where the tree could be walked: per-file volumes count as unrecoverable only when at
    // least half of their file bytes sit in encrypted extents.
    var readablePerFile: [(APFSSuperblock, VolumeCensus)] = []
    var lockedPerFile: [APFSSuperblock] = []
    for volume in perFile {
      if let census = facts.completeCensus(volume), census.encryptedBytes + census.plaintextBytes > 0,
        census.encryptedBytes * 2 < census.encryptedBytes + census.plaintextBytes
      {
        readablePerFile.append((volume, census))
      } else {
        lockedPerFile.append(volume)
      }
    }
    func measured(_ v: APFSSuperblock) -> String {
      guard let c = facts.completeCensus(v) else {
        return lang.pick(
          " The file-system tree could not be walked, so the decision rests on the volume flags.",
          " ファイルシステムツリーをたどれなかったため、判断はボリュームのフラグに基づきます。")
      }
      let total = c.encryptedBytes + c.plaintextBytes
      let share = total > 0 ? Double(c.encryptedBytes) / Double(total) : 0
      let classes = c.protectionClasses.sorted { $0.key < $1.key }.filter { $0.value > 0 }
        .map { "\($0.key): \($0.value)" }.joined(separator: ", ")
      return lang.pick(
        " Measured in its tree: \(c.files) files; \(ByteText.exact(c.encryptedBytes, lang)) of file data in encrypted "
          + "extents and \(ByteText.exact(c.plaintextBytes, lang)) in plaintext extents (\(ByteText.percent(share)) "
          + "encrypted); files per protection class: \(classes.isEmpty ? "none" : classes).",
        " ツリーの実測: ファイル \(c.files) 個。暗号化されたエクステントに \(ByteText.exact(c.encryptedBytes, lang))、"
          + "平文のエクステントに \(ByteText.exact(c.plaintextBytes, lang))（暗号化率 \(ByteText.percent(share))）。"
          + "保護クラス別ファイル数: \(classes.isEmpty ? "なし" : classes)。")
    }

    if !lockedPerFile.isEmpty {
      reasons.append(lang.pick(
        "User data volume " + lockedPerFile.map(describe).joined(separator: ", ")
          + " uses per-file Data Protection: each file's key is wrapped by a class key."
          + lockedPerFile.map(measured).joined(),
        "利用者データのボリューム" + lockedPerFile.map(describe).joined(separator: "、")
          + "はファイルごとのデータ保護を使っており、各ファイルの鍵はクラス鍵でラップされています。"
          + lockedPerFile.map(measured).joined()))
      reasons.append(contentsOf: Explanations.vendorChain(lang))
      reasons.append(Explanations.noPasswordHelps(lang))
      if let kernel = facts.ipsw?.kernelcache {
        reasons.append(lang.pick(
          "In the IPSW given (\(facts.ipsw?.productVersion ?? "?")), the kernel is an IM4P of type "
            + "\(kernel.im4pType) (\(kernel.payloadFormat)"
            + (kernel.kernelVersion.map { ", \"\($0)\"" } ?? "") + ")"
            + (kernel.personalize == true ? ", listed in BuildManifest with Personalize: it boots only with an "
              + "IM4M ticket Apple signs for this device's ECID and current nonce" : "")
            + (kernel.isEncrypted ? "; its payload carries a KBAG, so it is encrypted with the device-class GID "
              + "key inside the application processor" : "") + ". A modified or third-party kernel has another "
            + "digest and no Apple signature, so the Boot ROM chain refuses it.",
          "指定された IPSW（\(facts.ipsw?.productVersion ?? "?")）のカーネルは種類 \(kernel.im4pType) の IM4P です"
            + "（\(kernel.payloadFormat)" + (kernel.kernelVersion.map { "、「\($0)」" } ?? "") + "）"
            + (kernel.personalize == true ? "。BuildManifest で Personalize 指定されており、この端末の ECID と"
              + "現在のノンスに対して Apple が署名した IM4M チケットがなければ起動しません" : "")
            + (kernel.isEncrypted ? "。ペイロードには KBAG があり、アプリケーションプロセッサ内の GID 鍵で"
              + "暗号化されています" : "") + "。改変したカーネルや第三者のカーネルはダイジェストが異なり Apple の署名も"
            + "ないため、Boot ROM からの起動連鎖が拒否します。"))
      }
      var advice = Explanations.vendorAdvice(lang)
      if lowSpace != nil {
        advice.insert(lang.pick(
          "The free-space shortage above is the likely cause of a failed update. Only the device itself can "
            + "use its data: an \"Update\" (not \"Restore\") from a computer keeps the user data and is the only "
            + "route that may bring the phone back; the image alone cannot.",
          "上記の空き容量不足がアップデート失敗の原因と考えられます。データを使えるのはその端末自身だけです。"
            + "コンピュータからの「アップデート」（「復元」ではなく）は利用者データを保持し、端末を復帰させうる"
            + "唯一の方法です。イメージだけからは復旧できません。"), at: 0)
      }
      return .init(
        verdictClass: .unrecoverableWithoutVendor,
        summary: lang.pick(
          "The user's data is encrypted with keys that only this device, running Apple's signed software, can "
            + "unwrap: it cannot be recovered from the image without the vendor.",
          "利用者のデータは、Apple の署名付きソフトウェアを実行するこの端末だけが解除できる鍵で暗号化されています。"
            + "メーカーの協力なしにイメージから復旧することはできません。"),
        reasons: reasons, advice: advice)
    }
    for (volume, census) in readablePerFile {
      reasons.append(lang.pick(
        "Volume " + describe(volume) + " is marked for per-file Data Protection, but most of its file data is not "
          + "encrypted: \(ByteText.exact(census.plaintextBytes, lang)) are in plaintext extents and readable from the "
          + "image; only \(ByteText.exact(census.encryptedBytes, lang)) are in encrypted extents." + measured(volume),
        "ボリューム" + describe(volume) + "はファイルごとのデータ保護の設定ですが、ファイルデータの大半は暗号化されて"
          + "いません。\(ByteText.exact(census.plaintextBytes, lang)) は平文のエクステントにありイメージから読めます。"
          + "暗号化されたエクステントにあるのは \(ByteText.exact(census.encryptedBytes, lang)) だけです。" + measured(volume)))
    }
    if !onekey.isEmpty {
      let keyFacts = onekey.map { v -> (APFSSuperblock, UnlockFacts?) in
        (v, container.volumes.first { $0.superblock?.uuid == v.uuid }.flatMap { facts.unlocks[$0.index] })
      }
      let bound = keyFacts.filter { $0.1?.state == "hardware-bound" }
      if !bound.isEmpty {
        return hardwareBoundVerdict(bound.map { ($0.0, $0.1!) }, describe: describe, lang: lang)
      }
      reasons.append(contentsOf: keyFacts.compactMap { v, u in u.map { unlockReason(v, $0, facts: facts, lang: lang) } })
      if keyFacts.allSatisfy({ $0.1?.state == "unlocked" }) {
        return .init(
          verdictClass: .recoverableWithCredentials,
          summary: lang.pick(
            "The supplied credentials unlock the encrypted volume: its data can be recovered.",
            "提供された認証情報で暗号化ボリュームを解除できました。データは復旧できます。"),
          reasons: reasons,
          advice: [lang.pick(
            "Keep the credentials with the case file, never in the report; Ringo's ls, stat, cat and map read the "
              + "unlocked volume with the same credential options.",
            "認証情報はレポートではなく案件記録とともに保管してください。Ringo の ls・stat・cat・map は同じ認証情報"
              + "オプションで解除したボリュームを読めます。")])
      }
      reasons.append(lang.pick(
        "User data volume " + onekey.map(describe).joined(separator: ", ")
          + " is encrypted with a single volume key (APFS_FS_ONEKEY). That key is wrapped in the container and "
          + "volume keybags by a key derived from the user's password (PBKDF2) or by the recovery key"
          + (container.hasKeybag ? "; the container keybag is present at block \(container.superblock.keylockerBlock)." : "."),
        "利用者データのボリューム" + onekey.map(describe).joined(separator: "、")
          + "は単一のボリューム鍵（APFS_FS_ONEKEY）で暗号化されています。この鍵はコンテナとボリュームの"
          + "キーバッグ内で、利用者のパスワードから導出した鍵（PBKDF2）または復旧キーによってラップされています"
          + (container.hasKeybag ? "。コンテナのキーバッグはブロック \(container.superblock.keylockerBlock) にあります。" : "。")))
      return .init(
        verdictClass: .recoverableWithCredentials,
        summary: lang.pick(
          "The data can be recovered with the user's password or recovery key.",
          "利用者のパスワードまたは復旧キーがあればデータを復旧できます。"),
        reasons: reasons,
        advice: [lang.pick(
          "Ask the customer for the login password or the FileVault recovery key before accepting the job; "
            + "without either the volume stays encrypted.",
          "作業を受ける前に、お客様にログインパスワードまたは FileVault 復旧キーを確認してください。"
            + "どちらもなければボリュームは暗号化されたままです。")])
    }
    if !readablePerFile.isEmpty {
      return .init(
        verdictClass: .recoverable,
        summary: lang.pick(
          "Most of the user's file data is stored in plaintext extents and can be read from the image; the "
            + "encrypted part cannot.",
          "利用者のファイルデータの大半は平文のエクステントにありイメージから読めます。暗号化された部分は読めません。"),
        reasons: reasons,
        advice: [lang.pick(
          "Quote only for the plaintext part; the encrypted extents need the device.",
          "平文の部分についてのみ見積もってください。暗号化されたエクステントには端末が必要です。")])
    }
    if users.isEmpty {
      reasons.append(lang.pick(
        "No user data volume was found (no volume with role data, user or none among "
          + "\(container.volumes.count) volume(s)); the readable volumes are system volumes.",
        "利用者データのボリュームが見つかりません（\(container.volumes.count) 個のボリュームに data・user・none "
          + "ロールのものがない）。読めるのはシステムボリュームです。"))
    } else {
      reasons.append(lang.pick(
        "User data volume " + users.map(describe).joined(separator: ", ")
          + " is not encrypted (APFS_FS_UNENCRYPTED): its files can be read directly from the image.",
        "利用者データのボリューム" + users.map(describe).joined(separator: "、")
          + "は暗号化されていません（APFS_FS_UNENCRYPTED）。ファイルはイメージから直接読めます。"))
    }
    return .init(
      verdictClass: .recoverable,
      summary: lang.pick(
        "The data is not encrypted and can be read from the image.",
        "データは暗号化されておらず、イメージから読み取れます。"),
      reasons: reasons,
      advice: [lang.pick(
        "Work on a copy of the image; the file system can be walked and files extracted with forensic tools.",
        "イメージの複製で作業してください。フォレンジックツールでファイルシステムをたどり、ファイルを取り出せます。")])
  }
}

/// Explanations shared by verdicts and renderers.
extension VerdictRule {
  /// The reason line for one ONEKEY volume's key facts.
  static func unlockReason(_ v: APFSSuperblock, _ u: UnlockFacts, facts: TriageFacts, lang: Language) -> String {
    let hint = u.hint.map { lang.pick(" The stored passphrase hint is \"\($0)\".", " 保存されているパスワードのヒントは「\($0)」です。") }
      ?? lang.pick(" No passphrase hint is stored.", " パスワードのヒントは保存されていません。")
    switch u.state {
    case "unlocked":
      let census = facts.completeCensus(v)
      let behind = census.map {
        lang.pick(
          " Behind it: \($0.files) files, \(ByteText.exact($0.encryptedBytes + $0.plaintextBytes, lang)) of file data.",
          " 解除後に読めたもの: ファイル \($0.files) 個、ファイルデータ \(ByteText.exact($0.encryptedBytes + $0.plaintextBytes, lang))。")
      } ?? ""
      return u.method == "recovery-key"
        ? lang.pick(
          "Volume \"\(v.name)\" was unlocked with the supplied personal recovery key (entry \(u.userUUID ?? "?"))." + behind,
          "ボリューム「\(v.name)」は提供された個人用復旧キー（エントリ \(u.userUUID ?? "?")）で解除できました。" + behind)
        : lang.pick(
          "Volume \"\(v.name)\" was unlocked with the supplied password (user \(u.userUUID ?? "?"))." + behind,
          "ボリューム「\(v.name)」は提供されたパスワード（ユーザー \(u.userUUID ?? "?")）で解除できました。" + behind)
    case "wrong-credentials":
      return lang.pick(
        "The supplied credentials did not unlock volume \"\(v.name)\": none of its \(u.passwordRecords) password "
          + "and \(u.recoveryRecords) recovery-key entries accepts them (each entry's HMAC verified, PBKDF2 and the "
          + "RFC 3394 integrity check failed)." + hint,
        "提供された認証情報ではボリューム「\(v.name)」を解除できませんでした。パスワード用 \(u.passwordRecords) 件、"
          + "復旧キー用 \(u.recoveryRecords) 件のどのエントリも受け付けません（各エントリの HMAC は正常、PBKDF2 後の "
          + "RFC 3394 の整合性検査が不一致）。" + hint)
    case "unsupported":
      return lang.pick(
        "The keys of volume \"\(v.name)\" could not be read: \(u.problem?.message ?? u.detail ?? "unknown reason").",
        "ボリューム「\(v.name)」の鍵を読めませんでした（\(u.problem?.structure ?? "キーバッグ")"
          + (u.problem?.offset.map { "、オフセット \($0)" } ?? "") + "）。詳細はエラー一覧を参照してください。")
    default:
      return lang.pick(
        "No credentials were supplied for volume \"\(v.name)\". Its volume keybag holds \(u.passwordRecords) user "
          + "password entr\(u.passwordRecords == 1 ? "y" : "ies") and \(u.recoveryRecords) personal recovery key "
          + "entr\(u.recoveryRecords == 1 ? "y" : "ies") that can unlock it." + hint,
        "ボリューム「\(v.name)」の認証情報は提供されていません。ボリュームのキーバッグには解除に使える利用者パスワードの"
          + "エントリが \(u.passwordRecords) 件、個人用復旧キーのエントリが \(u.recoveryRecords) 件あります。" + hint)
    }
  }

  /// `recoverable-on-original-device`: the keybag is wrapped by the Mac's security chip.
  static func hardwareBoundVerdict(
    _ bound: [(APFSSuperblock, UnlockFacts)], describe: (APFSSuperblock) -> String, lang: Language
  ) -> TriageReport.Verdict {
    let reasons = bound.map { v, u in
      let place = u.problem.map { p in
        lang.pick(
          "the \(p.structure)" + (p.offset.map { " at offset \($0) (\(hex($0)))" } ?? ""),
          "\(p.structure)" + (p.offset.map { "（オフセット \($0)、\(hex($0))）" } ?? ""))
      } ?? "?"
      let jaDetail = u.problem?.structure == "nx_superblock_t.nx_keylocker"
        ? "コンテナのスーパーブロックにキーバッグがなく（nx_keylocker が空）、NX_CRYPTO_SW も設定されていません"
        : "このキーバッグは平文のキーバッグでも、UUID を鍵とした AES-XTS-128 で復号して正しい種類と Fletcher-64 "
          + "チェックサムを持つオブジェクトになるものでもありません"
      return lang.pick(
        "User data volume " + describe(v) + " is encrypted with keys wrapped by the original Mac's security chip "
          + "(T2 or Apple silicon Secure Enclave). Shown by " + place + ": " + (u.problem?.message ?? "") + ".",
        "利用者データのボリューム" + describe(v) + "は、元の Mac のセキュリティチップ（T2 または Apple シリコンの "
          + "Secure Enclave）がラップした鍵で暗号化されています。根拠: " + place + " — " + jaDetail + "。")
    }
    return .init(
      verdictClass: .recoverableOnOriginalDevice,
      summary: lang.pick(
        "The volume can be opened only on the original Mac with its owner's password: no lab can open it from the "
          + "image alone.",
        "このボリュームは、元の Mac で所有者のパスワードを使った場合にのみ開けます。イメージだけからはどの業者も開けません。"),
      reasons: reasons,
      advice: [
        lang.pick(
          "Unlock the volume on the original Mac with the owner's password, then image the unlocked volume (or share "
            + "the disk from that Mac, e.g. Share Disk in macOS Recovery, and image it from there).",
          "元の Mac で所有者のパスワードを使ってボリュームを解除し、解除した状態のボリュームをイメージ化してください"
            + "（またはその Mac からディスクを共有し、例えば macOS 復旧の「ディスクを共有」を使って取得してください）。"),
        lang.pick(
          "Do not quote decryption of this image: the wrapping key never leaves the security chip, so neither a "
            + "password nor the recovery key opens the image off that Mac.",
          "このイメージの復号を見積もらないでください。ラップ鍵はセキュリティチップの外に出ないため、その Mac 以外では"
            + "パスワードでも復旧キーでもイメージを開けません。"),
      ])
  }
}

public enum Explanations {
  /// Why per-file Data Protection cannot be broken from an image: the chain of keys ending in the device.
  public static func vendorChain(_ lang: Language) -> [String] {
    [
      lang.pick(
        "1. Each file's contents are encrypted with its own per-file key; that key is stored in the file's metadata "
          + "only in wrapped form, wrapped by one of the Data Protection class keys (A–D, F).",
        "1. 各ファイルの内容はファイルごとの鍵で暗号化され、その鍵はデータ保護のクラス鍵（A〜D、F）でラップされた"
          + "形でのみファイルのメタデータに保存されています。"),
      lang.pick(
        "2. The class keys are themselves protected by a key derived from the device's UID, a secret fused into "
          + "the chip and usable only inside its Secure Enclave, and (for most classes) from the user's passcode.",
        "2. クラス鍵は、チップに焼き込まれ Secure Enclave の中でしか使えない端末固有の UID から導出した鍵と、"
          + "（多くのクラスでは）利用者のパスコードによって保護されています。"),
      lang.pick(
        "3. Only that device's Secure Enclave, running Apple's signed kernel after the passcode is entered, can "
          + "unwrap them; the UID cannot be read out, so a copy of the storage is ciphertext without its keys.",
        "3. それらを解除できるのは、パスコード入力後に Apple の署名付きカーネルを実行しているその端末の "
          + "Secure Enclave だけです。UID は読み出せないため、ストレージの複製は鍵のない暗号文にすぎません。"),
      lang.pick(
        "4. No third party can boot a recovery kernel of its own on the device: the Boot ROM only runs "
          + "Apple-signed boot stages, and each image must be personalised for this device (ECID and nonce) by "
          + "Apple's signing server.",
        "4. 第三者が独自の復旧用カーネルを端末で起動することはできません。Boot ROM は Apple が署名した起動段階"
          + "しか実行せず、各イメージは Apple の署名サーバーによってこの端末用（ECID とノンス）に個別化されている"
          + "必要があります。"),
    ]
  }

  /// Why the customer's passcode does not help off the device (per-file Data Protection is not FileVault).
  public static func noPasswordHelps(_ lang: Language) -> String {
    lang.pick(
      "No password, passcode or recovery key helps off the device: the class keys are wrapped with the device's "
        + "hardware UID inside its Secure Enclave, so the passcode is only one input of a derivation that runs on "
        + "that chip. This is not FileVault, whose volume key a password unwraps from the image.",
      "パスワード、パスコード、復旧キーのどれも端末の外では役に立ちません。クラス鍵は Secure Enclave の中で端末の"
        + "ハードウェア UID によってラップされており、パスコードはそのチップ上で行われる鍵導出の入力の一つにすぎません。"
        + "これは、パスワードでイメージからボリューム鍵を取り出せる FileVault とは異なります。")
  }

  /// What a technician must not and should do with an `unrecoverable-without-vendor` job.
  public static func vendorAdvice(_ lang: Language) -> [String] {
    [
      lang.pick(
        "Do not Restore or use DFU restore: a restore erases the effaceable keys and the data becomes "
          + "unrecoverable for everyone, including the vendor.",
        "「復元」や DFU モードでの復元はしないでください。復元は消去可能な鍵を消してしまい、"
          + "メーカーを含め誰にもデータを戻せなくなります。"),
      lang.pick(
        "Refuse the job before billing: no third-party lab can decrypt this image; say so to the customer "
          + "with this report.",
        "請求の前に作業をお断りしてください。どの復旧業者もこのイメージを復号できません。"
          + "このレポートをもとにお客様へ説明してください。"),
      lang.pick(
        "Point the customer to the vendor's support, and to backups (iCloud, a computer) that may hold the data.",
        "メーカーのサポートや、データが残っている可能性のあるバックアップ（iCloud、パソコン）をご案内ください。"),
    ]
  }
}
