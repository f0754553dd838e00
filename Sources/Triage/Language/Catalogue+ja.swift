import ImageAccess

/// The Japanese words of the reports. Names from the evidence, codes, units and product names stay as they are.
struct JapaneseCatalogue: Catalogue {
  var language: Language { .ja }
  private func bytes(_ b: UInt64) -> String { ByteText.exact(b, .ja) }
  private func percent(_ f: Double) -> String { ByteText.percent(f) }

  func summary(_ summary: Summary) -> String {
    switch summary {
    case .wholeImageEncrypted: "読める構造がありません。イメージ全体が暗号化されており、端末の外では読めません。"
    case .noContainer: "このファイルには APFS コンテナが見つかりませんでした。"
    case .noUsableCheckpoint: "APFS コンテナは存在しますが、使用できるチェックポイントがありません。"
    case .evidenceDamaged: "証拠ファイル自体が損傷しています。取得したメディアの一部を取得時のとおりに読めません。"
    case .treeUnwalkable:
      "APFS コンテナは存在しますが、ボリュームのファイルシステムツリーが壊れています。現状ではファイルシステム経由で"
        + "ファイルを一覧したり取り出したりすることはできません。"
    case .vendorKeys:
      "利用者のデータは、Apple の署名付きソフトウェアを実行するこの端末だけが解除できる鍵で暗号化されています。"
        + "メーカーの協力なしにイメージから復旧することはできません。"
    case .credentials: "利用者のパスワードまたは復旧キーがあればデータを復旧できます。"
    case .unlocked: "提供された認証情報で暗号化ボリュームを解除できました。データは復旧できます。"
    case .originalDeviceOnly:
      "このボリュームは、元の Mac で所有者のパスワードを使った場合にのみ開けます。イメージだけからはどの業者も開けません。"
    case .mostlyPlaintext:
      "利用者のファイルデータの大半は平文のエクステントにありイメージから読めます。暗号化された部分は読めません。"
    case .notEncrypted: "データは暗号化されておらず、イメージから読み取れます。"
    }
  }

  private func describe(_ v: VolumeFigures) -> String {
    "「\(v.name)」（ロール \(v.role)、fs_flags \(hex(v.flags)) = [\(v.flagNames.joined(separator: ", "))]、"
      + "割り当て済み \(bytes(v.allocatedBytes))）"
  }

  private func measured(_ v: VolumeFigures) -> String {
    guard let c = v.tree else {
      return " ファイルシステムツリーをたどれなかったため、判断はボリュームのフラグに基づきます。"
    }
    let classes = c.protectionClasses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
      .joined(separator: ", ")
    return " ツリーの実測: ファイル \(c.files) 個。暗号化されたエクステントに \(bytes(c.encryptedBytes))、"
      + "平文のエクステントに \(bytes(c.plaintextBytes))（暗号化率 \(percent(c.encryptedShare))）。"
      + "保護クラス別ファイル数: \(classes.isEmpty ? "なし" : classes)。"
  }

  private func hint(_ k: KeyFigures) -> String {
    k.hint.map { " 保存されているパスワードのヒントは「\($0)」です。" } ?? " パスワードのヒントは保存されていません。"
  }

  private func offset(_ offset: Int?) -> String { offset.map { "オフセット \($0)" } ?? "オフセット不明" }

  /// A parse error by its code, structure and offset (the parser's English words stay in the report's `errors`).
  private func error(_ e: ErrorFigures) -> String { "\(e.code)、\(e.structure)、\(offset(e.offset))" }

  func reason(_ reason: Reason) -> String {
    switch reason {
    case let .wholeImageEncrypted(error, fraction, nonZero):
      return "APFS コンテナのスーパーブロックが見つかりません（\(self.error(error))）。内容スキャンでは非ゼロ "
        + "\(nonZero) バイトのうち \(percent(fraction)) が乱数と区別できませんでした。"
    case let .noContainer(format, error):
      return "オフセット 32 のコンテナスーパーブロックのマジック「NXSB」と、Apple_APFS パーティションを持つ GPT を"
        + "確認しました（検出された形式: \(format)）。見つかりませんでした（\(self.error(error))）。"
    case let .noUsableCheckpoint(blockZero, attempts, lastError):
      let tried = attempts.map { a in
        a.skipped.map { "xid \(a.xid): \(error($0))" } ?? (a.used ? "xid \(a.xid): 使用" : "xid \(a.xid)")
      }
      return "ブロック 0 にコンテナスーパーブロックがあります"
        + (blockZero.map { "（xid \($0.xid)、\($0.blockSize) バイト × \($0.blockCount) ブロック）" } ?? "")
        + "。試したチェックポイントスーパーブロック \(attempts.count) 個: "
        + (tried.isEmpty ? "記述子領域に見つかりません" : tried.joined(separator: "; "))
        + "。最後のエラー: \(error(lastError))。"
    case let .finding(observation):
      return finding(observation)
    case .fileKeysWrapped:
      return "1. 各ファイルの内容はファイルごとの鍵で暗号化され、その鍵はデータ保護のクラス鍵（A〜D、F）でラップされた"
        + "形でのみファイルのメタデータに保存されています。"
    case .classKeysFromUID:
      return "2. クラス鍵は、チップに焼き込まれ Secure Enclave の中でしか使えない端末固有の UID から導出した鍵と、"
        + "（多くのクラスでは）利用者のパスコードによって保護されています。"
    case .onlySecureEnclave:
      return "3. それらを解除できるのは、パスコード入力後に Apple の署名付きカーネルを実行しているその端末の "
        + "Secure Enclave だけです。UID は読み出せないため、ストレージの複製は鍵のない暗号文にすぎません。"
    case .bootChainSigned:
      return "4. 第三者が独自の復旧用カーネルを端末で起動することはできません。Boot ROM は Apple が署名した起動段階"
        + "しか実行せず、各イメージは Apple の署名サーバーによってこの端末用（ECID とノンス）に個別化されている"
        + "必要があります。"
    case let .perFileLocked(volumes):
      return "利用者データのボリューム" + volumes.map(describe).joined(separator: "、")
        + "はファイルごとのデータ保護を使っており、各ファイルの鍵はクラス鍵でラップされています。"
        + volumes.map(measured).joined()
    case let .kernelcache(k):
      return "指定された IPSW（\(k.productVersion ?? "?")）のカーネルは種類 \(k.im4pType) の IM4P です"
        + "（\(k.payloadFormat)" + (k.kernelVersion.map { "、「\($0)」" } ?? "") + "）"
        + (k.personalized ? "。BuildManifest で Personalize 指定されており、この端末の ECID と"
          + "現在のノンスに対して Apple が署名した IM4M チケットがなければ起動しません" : "")
        + (k.encrypted ? "。ペイロードには KBAG があり、アプリケーションプロセッサ内の GID 鍵で"
          + "暗号化されています" : "") + "。改変したカーネルや第三者のカーネルはダイジェストが異なり Apple の署名も"
        + "ないため、Boot ROM からの起動連鎖が拒否します。"
    case let .perFileMostlyPlaintext(volume):
      let tree = volume.tree ?? TreeFigures(files: 0, encryptedBytes: 0, plaintextBytes: 0, protectionClasses: [:])
      return "ボリューム" + describe(volume) + "はファイルごとのデータ保護の設定ですが、ファイルデータの大半は暗号化されて"
        + "いません。\(bytes(tree.plaintextBytes)) は平文のエクステントにありイメージから読めます。"
        + "暗号化されたエクステントにあるのは \(bytes(tree.encryptedBytes)) だけです。" + measured(volume)
    case let .onekey(volumes, keybag):
      return "利用者データのボリューム" + volumes.map(describe).joined(separator: "、")
        + "は単一のボリューム鍵（APFS_FS_ONEKEY）で暗号化されています。この鍵はコンテナとボリュームの"
        + "キーバッグ内で、利用者のパスワードから導出した鍵（PBKDF2）または復旧キーによってラップされています"
        + (keybag.map { "。コンテナのキーバッグはブロック \($0) にあります。" } ?? "。")
    case .noPasswordHelps:
      return "パスワード、パスコード、復旧キーのどれも端末の外では役に立ちません。クラス鍵は Secure Enclave の中で端末の"
        + "ハードウェア UID によってラップされており、パスコードはそのチップ上で行われる鍵導出の入力の一つにすぎません。"
        + "これは、パスワードでイメージからボリューム鍵を取り出せる FileVault とは異なります。"
    case let .keysUnlocked(v, k):
      let behind = v.tree.map {
        " 解除後に読めたもの: ファイル \($0.files) 個、ファイルデータ \(bytes($0.encryptedBytes + $0.plaintextBytes))。"
      } ?? ""
      return k.method == "recovery-key"
        ? "ボリューム「\(v.name)」は提供された個人用復旧キー（エントリ \(k.userUUID ?? "?")）で解除できました。" + behind
        : "ボリューム「\(v.name)」は提供されたパスワード（ユーザー \(k.userUUID ?? "?")）で解除できました。" + behind
    case let .wrongCredentials(v, k):
      return "提供された認証情報ではボリューム「\(v.name)」を解除できませんでした。パスワード用 \(k.passwordEntries) 件、"
        + "復旧キー用 \(k.recoveryEntries) 件のどのエントリも受け付けません（各エントリの HMAC は正常、PBKDF2 後の "
        + "RFC 3394 の整合性検査が不一致）。" + hint(k)
    case let .keysUnreadable(v, k):
      return "ボリューム「\(v.name)」の鍵を読めませんでした（\(k.structure ?? "キーバッグ")"
        + (k.offset.map { "、オフセット \($0)" } ?? "") + "）。詳細はエラー一覧を参照してください。"
    case let .noCredentials(v, k):
      return "ボリューム「\(v.name)」の認証情報は提供されていません。ボリュームのキーバッグには解除に使える利用者パスワードの"
        + "エントリが \(k.passwordEntries) 件、個人用復旧キーのエントリが \(k.recoveryEntries) 件あります。" + hint(k)
    case let .hardwareBound(v, k):
      let place = k.structure.map { s in s + (k.offset.map { "（オフセット \($0)、\(hex($0))）" } ?? "") } ?? "?"
      let detail = k.structure == "nx_superblock_t.nx_keylocker"
        ? "コンテナのスーパーブロックにキーバッグがなく（nx_keylocker が空）、NX_CRYPTO_SW も設定されていません"
        : "このキーバッグは平文のキーバッグでも、UUID を鍵とした AES-XTS-128 で復号して正しい種類と Fletcher-64 "
          + "チェックサムを持つオブジェクトになるものでもありません"
      return "利用者データのボリューム" + describe(v) + "は、元の Mac のセキュリティチップ（T2 または Apple シリコンの "
        + "Secure Enclave）がラップした鍵で暗号化されています。根拠: " + place + " — " + detail + "。"
    case let .noUserDataVolume(count):
      return "利用者データのボリュームが見つかりません（\(count) 個のボリュームに data・user・none "
        + "ロールのものがない）。読めるのはシステムボリュームです。"
    case let .notEncrypted(volumes):
      return "利用者データのボリューム" + volumes.map(describe).joined(separator: "、")
        + "は暗号化されていません（APFS_FS_UNENCRYPTED）。ファイルはイメージから直接読めます。"
    case let .notEncryptedUnwalked(volumes):
      return "利用者データのボリューム" + volumes.map(describe).joined(separator: "、")
        + "は暗号化されていません（APFS_FS_UNENCRYPTED）。ツリーの走査を無効にしたためファイルシステムツリーはたどっておらず、"
        + "ファイルそのものは確認していません。"
    case let .treeUnwalkable(f):
      return "ボリューム「\(f.volume)」（ロール \(f.role)）のファイルシステムツリーは壊れています: "
        + "\(f.structure) の\(offset(f.offset))で \(f.errorCode)。"
        + (f.recordsRead == 0
          ? "レコードを 1 件も読めませんでした。"
          : "レコード \(f.recordsRead) 件、ファイル \(f.filesWalked) 個まででたどれなくなりました。"
            + "それ以降の部分はファイルシステム経由で一覧も取り出しもできません。")
    case let .evidenceDamaged(format, error):
      return "\(format) 形式の証拠ファイルが損傷しています（\(self.error(error))）。"
    }
  }

  func advice(_ advice: Advice) -> String {
    switch advice {
    case .checkImage:
      "正しいイメージ（ディスク全体または APFS パーティションのイメージ）か確認してください。"
        + "チップオフや NAND の生ダンプのように全体が暗号化されたイメージには、読める構造がまったくありません。"
    case .keepOriginal:
      "元のイメージは変更せずに保全してください。構造の修復やカービングで一部を取り出せる可能性はありますが、"
        + "現状ではファイルシステム経由で読めるものはありません。"
    case .findSegments:
      "このコピーから読んだ内容に頼る前に、欠けている、または無傷のセグメントファイルを探すか、再取得してください。"
    case .repairTree:
      "元のイメージは変更せずに保全してください。エラーの前までにたどれた部分のファイルは取り出せる可能性が"
        + "ありますが、残りにはツリーの構造修復かカービングが必要です。"
    case .updateNotRestore:
      "上記の空き容量不足がアップデート失敗の原因と考えられます。データを使えるのはその端末自身だけです。"
        + "コンピュータからの「アップデート」（「復元」ではなく）は利用者データを保持し、端末を復帰させうる"
        + "唯一の方法です。イメージだけからは復旧できません。"
    case .doNotRestore:
      "「復元」や DFU モードでの復元はしないでください。復元は消去可能な鍵を消してしまい、"
        + "メーカーを含め誰にもデータを戻せなくなります。"
    case .refuseJob:
      "請求の前に作業をお断りしてください。どの復旧業者もこのイメージを復号できません。"
        + "このレポートをもとにお客様へ説明してください。"
    case .pointToVendor:
      "メーカーのサポートや、データが残っている可能性のあるバックアップ（iCloud、パソコン）をご案内ください。"
    case .askCredentials:
      "作業を受ける前に、お客様にログインパスワードまたは FileVault 復旧キーを確認してください。"
        + "どちらもなければボリュームは暗号化されたままです。"
    case .keepCredentials:
      "認証情報はレポートではなく案件記録とともに保管してください。Ringo の一覧・属性・内容・マップの各コマンドは、"
        + "同じ認証情報のオプションで解除したボリュームを読めます。"
    case .unlockOnOriginalMac:
      "元の Mac で所有者のパスワードを使ってボリュームを解除し、解除した状態のボリュームをイメージ化してください"
        + "（またはその Mac からディスクを共有し、例えば macOS 復旧の「ディスクを共有」を使って取得してください）。"
    case .doNotQuoteDecryption:
      "このイメージの復号を見積もらないでください。ラップ鍵はセキュリティチップの外に出ないため、その Mac 以外では"
        + "パスワードでも復旧キーでもイメージを開けません。"
    case .quotePlaintext: "平文の部分についてのみ見積もってください。暗号化されたエクステントには端末が必要です。"
    case .workOnCopy:
      "イメージの複製で作業してください。フォレンジックツールでファイルシステムをたどり、ファイルを取り出せます。"
    }
  }

  func finding(_ observation: Observation) -> String {
    switch observation {
    case let .lowFreeSpace(free, capacity, threshold, fraction):
      return "コンテナの空き容量は \(bytes(capacity)) 中 \(bytes(free))（\(percent(fraction))）で、基準値 "
        + "\(bytes(threshold)) を下回っています。OS アップデートは展開と準備のために空き容量を必要とし、これほど少ないと"
        + "途中で失敗して起動ループ（リンゴループ）に陥ることがあります。"
    case let .lowVolumeSpace(volume, available, quotaBytes, allocated):
      return "ボリューム「\(volume)」はあと \(bytes(available)) しか確保できません。"
        + "クォータは \(bytes(quotaBytes)) で、すでに \(allocated) ブロックを使用しています。"
    case let .updateSpaceShortfall(version, need, keys, capacityGB, free):
      return "iOS \(version) へのアップデートには約 \(bytes(need)) が必要です（\(keys) からの推定、"
        + "\(capacityGB) GB 端末として計算）。コンテナの空きは \(bytes(free)) しかありません。"
        + "システム領域を用意できないアップデートは途中で失敗し、起動ループになります。"
    case let .updateSpaceNeed(version, need, keys, free):
      return "iOS \(version) へのアップデートには約 \(bytes(need)) が必要です（\(keys) からの推定）。"
        + "コンテナの空きは \(bytes(free)) で足ります。"
    case let .metadataEncrypted(volume):
      return "「\(volume)」のファイルシステムツリーは暗号化されています。ボリューム鍵なしではたどれないため、"
        + "ファイル数はボリュームのスーパーブロックの値を示し、ブロックは割り当て済みのボリュームデータとして扱います。"
    case let .treeUnwalkable(f):
      return "「\(f.volume)」のファイルシステムツリーは \(f.structure)（\(offset(f.offset))）で止まりました: "
        + "\(f.errorCode)。エラーまでに読めたのはレコード \(f.recordsRead) 件、ファイル \(f.filesWalked) 個です。"
    case let .perFileEncryption(volume, role, flags):
      return "ボリューム「\(volume)」（ロール \(role)）には APFS_FS_UNENCRYPTED も APFS_FS_ONEKEY も設定されていません"
        + "（fs_flags \(hex(flags))）。ファイルはデバイス固有のクラス鍵でラップされたファイルごとのデータ保護鍵で"
        + "暗号化されています。"
    case let .onekeyEncryption(volume):
      return "ボリューム「\(volume)」は単一のボリューム鍵で暗号化されています（APFS_FS_ONEKEY、FileVault 方式）。"
        + "利用者のパスワードまたは復旧キーで解除できます。"
    case let .keybagPresent(block, blocks):
      return "コンテナにはブロック \(block) にキーバッグ（\(blocks) ブロック）があり、ラップされたボリューム鍵を"
        + "保持しています。"
    case let .usedFallbackCheckpoint(xid, skipped):
      let list = skipped.map { "xid \($0.xid): \($0.skipped.map(error) ?? "")" }.joined(separator: "; ")
      return "最新のチェックポイントが使用できなかったため、古いチェックポイント xid \(xid) で読み取りました。"
        + "スキップしたもの: \(list)。このチェックポイント以降の変更は見えません。"
    case let .staleBlockZero(_, blockZeroXID, checkpointXID):
      return "ブロック 0 のコンテナスーパーブロックは古い版です（xid \(blockZeroXID)、チェックポイントは xid "
        + "\(checkpointXID)）。"
        + "不正なシャットダウン後には普通のことで、チェックポイント領域が正となります。"
    case let .imageTruncated(blocks, declared, available, lessThanOneBlock):
      return "コンテナは \(blocks) ブロック（\(declared) バイト）を宣言していますが、イメージは \(available) バイト"
        + "しかなく、\(declared - min(declared, available)) バイトが不足しています。"
        + (lessThanOneBlock
          ? "不足は 1 ブロック未満で、ブロック境界に揃っていないパーティションイメージによく見られます。"
            + "コンテナの残りは無傷です。"
          : "取得時にイメージが途中で切れた可能性があります。可能なら取り直してください。")
    case let .wholeImageEncrypted(fraction, nonZero):
      return "\(bytes(nonZero)) の非ゼロデータのうち \(percent(fraction)) が乱数と区別できず、読める構造も"
        + "見つかりません。このようなダンプ（チップオフ、NAND の生データ）は、チップから外に出ないハードウェア UID "
        + "から導出した鍵で端末の AES エンジンによって暗号化されており、端末の外では読めません。"
    case let .encryptedLooksLikeText(count, first):
      return "構造上は暗号化とされるエクステントのうち \(bytes(count)) が読めるテキストです（最初はオフセット "
        + "\(first)）。暗号文がテキストになることはないため、それらは暗号化されていないか、記録が誤っています。"
        + "調べてください。"
    case let .freeSpaceRemnants(count):
      return "空き領域とされるブロックのうち \(bytes(count)) にデータが残っています（削除されたファイルの残骸で、"
        + "暗号化されていなければカービングで復元できる可能性があります）。"
    }
  }

  func verdictName(_ verdict: TriageReport.VerdictClass) -> String {
    switch verdict {
    case .recoverable: "復旧可能"
    case .recoverableWithCredentials: "利用者の認証情報があれば復旧可能"
    case .recoverableOnOriginalDevice: "元の Mac でのみ復旧可能"
    case .unrecoverableWithoutVendor: "メーカーなしでは復旧不可能"
    case .notAPFS: "APFS ではない"
    case .damaged: "損傷"
    }
  }

  func readable(plaintext: UInt64, encrypted: UInt64, compressed: UInt64?, classes: [String: Int]?) -> String {
    let list = (classes ?? [:]).filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      .joined(separator: ", ")
    return "読める（平文エクステント）: \(bytes(plaintext))、暗号化エクステント: \(bytes(encrypted))、"
      + (compressed.map { $0 > 0 ? "圧縮して格納: \(bytes($0))、" : "" } ?? "")
      + "保護クラス別ファイル数: \(list.isEmpty ? "なし" : list)"
  }

  func unlock(_ u: TriageReport.Volume.Unlock, encryption: String) -> String {
    if encryption == "per-file" {
      return "ロック解除: 端末の外では不可能（ファイルごとのクラス鍵は端末の Secure Enclave 内で保護されています）"
    }
    let state: String
    switch u.state {
    case "unlocked":
      state = (u.userUUID.map { "ユーザー \($0) の" } ?? "")
        + (u.method == "recovery-key" ? "個人用復旧キーで解除済み" : "パスワードで解除済み")
    case "locked": state = "ロック中（認証情報の指定なし）"
    case "wrong-credentials": state = "解除できませんでした（指定された認証情報が正しくありません）"
    case "hardware-bound":
      state = "元の Mac のセキュリティチップに結び付いた鍵"
        + (u.structure.map { "（\($0)" + (u.offset.map { "、オフセット \($0)" } ?? "") + "）" } ?? "")
    case "unsupported": state = "この環境では解除できません" + (u.structure.map { "（\($0)）" } ?? "")
    case "not-encrypted": state = "暗号化なし"
    default: state = u.state
    }
    let kinds = u.kekEntries.sorted { $0.key < $1.key }.map { "\(kekKind($0.key)) \($0.value)" }
      .joined(separator: "、")
    return "ロック解除: \(state)；KEK エントリ: \(kinds.isEmpty ? "なし" : kinds)；"
      + (u.hint.map { "パスワードのヒント「\($0)」" } ?? "パスワードのヒントなし")
  }

  /// KEK entry kinds in Japanese; other kinds are keybag tag names (codes), kept as they are.
  private func kekKind(_ kind: String) -> String {
    switch kind {
    case "password": "パスワード"
    case "recovery-key": "個人用復旧キー"
    case "hfs-converted": "HFS+ から変換"
    case "unparseable": "解析不能"
    default: kind
    }
  }

  var labels: [Label: String] {
    [
      .title: "Ringo トリアージ報告書", .verdict: "判定", .reasons: "理由", .advice: "対応", .evidence: "証拠",
      .container: "コンテナ", .volumes: "ボリューム", .findings: "所見",
      .errors: "エラー（読めなかったものと位置。詳しい説明は JSON 形式のレポートにあります）", .noContainer: "使用できる APFS コンテナなし",
      .notComputed: "未計算（--no-hash）",
      .notMeasured: "ファイルのバイト数は測定できません。ファイルシステムツリーをたどれませんでした（所見を参照）",
      .path: "パス", .size: "サイズ", .format: "形式", .apfsAt: "APFS の開始オフセット", .apfsOffset: "APFS オフセット",
      .sha256: "SHA-256", .tool: "ツール", .uuid: "UUID", .blockSize: "ブロックサイズ", .blocks: "ブロック",
      .freeBlocks: "空きブロック", .free: "空き", .checkpoint: "チェックポイント",
      .checkpointXID: "チェックポイント xid", .fallback: "代替", .keybag: "キーバッグ", .yes: "あり", .no: "なし",
      .number: "番号", .name: "名前", .role: "ロール", .encryption: "暗号化", .caseSensitive: "大文字小文字の区別",
      .allocBlocks: "割り当てブロック", .alloc: "割り当て", .reserve: "予約", .quota: "クォータ",
      .available: "確保可能", .files: "ファイル", .directories: "ディレクトリ", .dirs: "ディレクトリ",
      .symlinks: "シンボリックリンク", .snapshots: "スナップショット", .countedInTree: "ツリーで計数",
      .countedInSuperblock: "スーパーブロックの値", .bytesUnit: "バイト", .atOffset: "オフセット", .none: "なし",
      .type: "種類", .mode: "モード", .inode: "inode", .modified: "更新", .created: "作成", .owner: "所有者",
      .group: "グループ", .links: "リンク数", .extents: "エクステント", .offset: "オフセット", .length: "長さ",
      .share: "割合", .regionClass: "分類", .directory: "ディレクトリ", .file: "ファイル",
      .symlink: "シンボリックリンク", .other: "その他", .total: "合計", .compressed: "圧縮",
      .encrypted: "暗号化", .plaintext: "平文", .sparse: "スパース",
      .volume: "ボリューム", .snapshot: "スナップショット", .parent: "親", .privateID: "プライベート ID", .uid: "UID",
      .gid: "GID", .allocated: "割り当て", .defaultCryptoID: "既定の暗号 ID", .protection: "保護",
      .defaultClass: "既定のクラス", .compression: "圧縮", .uncompressedSize: "展開後のサイズ",
      .unreadableHeader: "読めないヘッダー", .extent: "エクステント", .logical: "論理位置", .block: "ブロック",
      .cryptoID: "暗号 ID", .crypto: "暗号", .key: "鍵", .version: "版",
      .noCryptoState: "暗号状態レコードなし", .onekeyTweak: "ONEKEY ボリューム: この ID は XTS のトウィーク基準値",
      .xattr: "拡張属性", .embedded: "埋め込み", .inStream: "ストリーム内", .runs: "ラン数", .error: "エラー",
      .contentScanOf: "内容スキャン:", .blocksOf: " バイトのブロック単位", .seconds: "秒", .threads: "スレッド",
      .entropyLegend: "オフセットごとのエントロピー（▁ 0 … █ 8 ビット/バイト。. ゼロ T テキスト C 圧縮 E 暗号化 "
        + "A APFS ? 不明）",
      .singleValueFill: "単一値の埋め尽くし（消去済みフラッシュなど）", .leftOut: "以下の数値からは除外",
      .dataBytes: "データバイト", .highEntropy: "高エントロピー", .wholeImageEncrypted: "イメージ全体の暗号化",
      .svgWritten: "SVG のエントロピーグラフの書き出し先:", .entropyOf: "エントロピー:", .id: "ID",
      .koly: "koly", .kind: "種類", .rawDiskImage: "UDIF トレーラー、encrcdsa、AEA の署名がありません。生のディスクイメージとして読んでください",
      .hmacKey: "HMAC 鍵", .bits: "ビット", .encryptedData: "暗号化データ", .at: "位置",
      .encryptedDiskImage: "暗号化ディスクイメージ",
      .keyFromUser: "パスワードまたはイメージの AES/HMAC 鍵を利用者から得る必要があります",
      .keyFromApple: "鍵は Apple の鍵サービス（{url}）または利用者から得る必要があります",
      .keyFromVendor: "鍵はメーカーの鍵サービスまたは利用者から得る必要があります",
      .profile: "プロファイル", .scryptStrength: "scrypt 強度", .authData: "認証データ", .fields: "項目",
      .keyService: "鍵サービス", .flags: "フラグ", .imageVariant: "イメージ種別", .segment: "セグメント",
      .dataFork: "データフォーク", .xmlResourceFork: "XML リソースフォーク", .masterChecksum: "マスターチェックサム",
      .sectors: "セクタ数", .expandedSize: "展開後のサイズ", .notCovered: "どのチャンクにも含まれない部分（ゼロとして読む）",
      .partitions: "パーティション", .chunks: "チャンク", .chunksByType: "種類別のチャンク",
      .bytesStored: "バイト格納", .sha256Expanded: "SHA-256（展開後）",
      .entries: "エントリ", .product: "製品", .build: "ビルド", .identities: "識別情報", .board: "ボード",
      .chip: "チップ", .components: "コンポーネント", .digestsNotChecked: "ダイジェスト未検査",
      .diskImages: "ディスクイメージ", .expandsTo: "展開後", .kernelcache: "カーネルキャッシュ",
      .uncompressed: "展開後", .note: "注記", .personalised: "個別化", .needsTicket: "端末用のチケットが必要",
      .unknownValue: "不明", .img4Payloads: "IMG4 ペイロード", .ticket: "チケット", .signature: "署名",
      .cert: "証明書", .issuer: "発行者", .spaceNeed: "必要容量（推定、{gb} GB 端末）", .padding: "パディング",
      .from: "根拠", .rootVolumes: "ルートファイルシステムのボリューム（APFS）",
      .rootFilesystem: "ルートファイルシステム",
      .clusters: "クラスタ", .everyMACVerified: "すべての MAC を検証済み", .extracted: "件を取り出し", .refusedOrFailed: "件を拒否または失敗", .payload: "ペイロード", .appended: "追加データ",
      .compressionInfo: "圧縮情報", .algorithm: "アルゴリズム", .iv: "IV", .properties: "プロパティ",
      .images: "イメージ", .certificate: "証明書", .valid: "有効期間",
      .emptyImage: "空のイメージ: ファイルは 0 バイトで、分類するものがありません",
      .sampledOneWindowIn: "抽出スキャン（割合はスキャンしたバイトに対するもの）: 8 MiB のウィンドウを次の数ごとに 1 つ",
      .exactModeIsReported: "トリアージ報告書は全ブロックの厳密な判定を使います",
      .entryAtOffset: "エントリの位置（オフセット）",
      .segmentFiles: "セグメントファイル", .acquisition: "取得情報（EWF）", .caseNumber: "事件番号",
      .evidenceNumber: "証拠番号", .examiner: "取得者", .descriptionLabel: "説明", .notes: "メモ",
      .acquiredAt: "取得日時", .acquirySoftware: "取得ソフトウェア", .mediaSize: "メディアサイズ",
      .storedDigests: "取得時のダイジェスト", .computedDigests: "今回読んだメディア", .verified: "検証",
      .verifiedMatches: "一致: 今回読んだメディアは取得時に保存されたダイジェストと一致します",
      .verifiedDiffers: "不一致: 今回読んだメディアは取得時に保存されたダイジェストと一致しません",
      .verifiedUnknown: "判定できません（保存されたダイジェストがないか、メディアをハッシュしていません）",
      .chunkChecksumErrors: "チャンクのチェックサムエラー", .firstAtOffset: "最初の位置（オフセット）",
      .batchOf: "一括トリアージ:", .reportsIn: "レポートの出力先", .verdicts: "判定", .filesHeading: "ファイル",
    ]
  }
}
