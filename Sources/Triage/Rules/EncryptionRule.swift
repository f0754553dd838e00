import APFSFormat

/// Per-volume encryption findings: `per-file-encryption` (critical on a user-data volume: Data Protection keys that
/// only the device can unwrap) and `onekey-encryption` (warning: FileVault-style, unlockable with the user's
/// password or recovery key). Also `keybag-present` (info) when the container has a keybag.
public struct EncryptionRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [TriageReport.Finding] {
    guard let container = facts.container else { return [] }
    let lang = facts.options.language
    let userVolumes = Set(facts.userDataVolumes.map(\.uuid))
    var out: [TriageReport.Finding] = []
    for volume in container.volumes.compactMap(\.superblock) {
      let isUser = userVolumes.contains(volume.uuid)
      var baseFacts: [String: Fact] = [
        "role": .string(volume.role.name), "fs_flags": .uint(volume.flags.rawValue),
        "alloc_blocks": .uint(volume.allocatedBlockCount), "user_data_volume": .bool(isUser),
      ]
      if let census = facts.completeCensus(volume) {
        baseFacts["encrypted_file_bytes"] = .uint(census.encryptedBytes)
        baseFacts["plaintext_file_bytes"] = .uint(census.plaintextBytes)
        baseFacts["files"] = .int(Int64(census.files))
        for (key, count) in census.protectionClasses.sorted(by: { $0.key < $1.key }) {
          baseFacts["class_\(key)_files"] = .int(Int64(count))
        }
      }
      if let entry = container.volumes.first(where: { $0.superblock?.uuid == volume.uuid }),
        let census = facts.censuses[entry.index], census.metadataEncrypted
      {
        out.append(.init(
          code: "metadata-encrypted", severity: .info, volume: volume.name,
          message: lang.pick(
            "The file-system tree of \"\(volume.name)\" is encrypted: without the volume key it cannot be walked, "
              + "so its file counts come from the volume superblock and its blocks are accounted as allocated "
              + "volume data.",
            "「\(volume.name)」のファイルシステムツリーは暗号化されています。ボリューム鍵なしではたどれないため、"
              + "ファイル数はボリュームのスーパーブロックの値を示し、ブロックは割り当て済みのボリュームデータとして扱います。"),
          facts: ["records_read": .int(Int64(census.recordsRead))]))
      }
      switch volume.encryption {
      case .perFile:
        out.append(.init(
          code: "per-file-encryption", severity: isUser ? .critical : .info, volume: volume.name,
          message: lang.pick(
            "Volume \"\(volume.name)\" (role \(volume.role.name)) has neither APFS_FS_UNENCRYPTED nor "
              + "APFS_FS_ONEKEY set (fs_flags \(hex(volume.flags.rawValue))): its files use per-file Data "
              + "Protection keys wrapped by class keys tied to the device.",
            "ボリューム「\(volume.name)」（ロール \(volume.role.name)）には APFS_FS_UNENCRYPTED も "
              + "APFS_FS_ONEKEY も設定されていません（fs_flags \(hex(volume.flags.rawValue))）。"
              + "ファイルはデバイス固有のクラス鍵でラップされたファイルごとのデータ保護鍵で暗号化されています。"),
          facts: baseFacts))
      case .onekey:
        out.append(.init(
          code: "onekey-encryption", severity: .warning, volume: volume.name,
          message: lang.pick(
            "Volume \"\(volume.name)\" is encrypted with one volume key (APFS_FS_ONEKEY, FileVault-style); "
              + "the user's password or recovery key unlocks it.",
            "ボリューム「\(volume.name)」は単一のボリューム鍵で暗号化されています（APFS_FS_ONEKEY、"
              + "FileVault 方式）。利用者のパスワードまたは復旧キーで解除できます。"),
          facts: baseFacts))
      case .none:
        break
      }
    }
    if container.hasKeybag {
      out.append(.init(
        code: "keybag-present", severity: .info, volume: nil,
        message: lang.pick(
          "The container has a keybag at block \(container.superblock.keylockerBlock) "
            + "(\(container.superblock.keylockerBlockCount) block(s)), which holds the wrapped volume keys.",
          "コンテナにはブロック \(container.superblock.keylockerBlock) にキーバッグ"
            + "（\(container.superblock.keylockerBlockCount) ブロック）があり、ラップされたボリューム鍵を保持しています。"),
        facts: ["keylocker_block": .uint(container.superblock.keylockerBlock),
                "keylocker_blocks": .uint(container.superblock.keylockerBlockCount),
                "software_crypto": .bool(container.superblock.usesSoftwareCrypto)]))
    }
    return out
  }
}

import ImageAccess
