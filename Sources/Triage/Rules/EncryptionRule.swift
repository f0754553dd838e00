import APFSFormat

/// Per-volume encryption findings: `per-file-encryption` (critical on a user-data volume: Data Protection keys that
/// only the device can unwrap) and `onekey-encryption` (warning: FileVault-style, unlockable with the user's
/// password or recovery key); `metadata-encrypted` (info) when a volume's tree nodes are encrypted. Also
/// `keybag-present` (info) when the container has a keybag.
public struct EncryptionRule: TriageRule {
  public init() {}

  public func findings(for facts: TriageFacts) -> [RuleFinding] {
    guard let container = facts.container else { return [] }
    let userVolumes = Set(facts.userDataVolumes.map(\.uuid))
    var out: [RuleFinding] = []
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
      if let census = facts.census(volume), census.metadataEncrypted {
        out.append(.init(.metadataEncrypted(volume: volume.name), .info, volume: volume.name,
                         facts: ["records_read": .int(Int64(census.recordsRead))]))
      }
      switch volume.encryption {
      case .perFile:
        out.append(.init(
          .perFileEncryption(volume: volume.name, role: volume.role.name, flags: volume.flags.rawValue),
          isUser ? .critical : .info, volume: volume.name, facts: baseFacts))
      case .onekey:
        out.append(.init(.onekeyEncryption(volume: volume.name), .warning, volume: volume.name, facts: baseFacts))
      case .none:
        break
      }
    }
    if container.hasKeybag {
      out.append(.init(
        .keybagPresent(block: container.superblock.keylockerBlock, blocks: container.superblock.keylockerBlockCount),
        .info,
        facts: ["keylocker_block": .uint(container.superblock.keylockerBlock),
                "keylocker_blocks": .uint(container.superblock.keylockerBlockCount),
                "software_crypto": .bool(container.superblock.usesSoftwareCrypto)]))
    }
    return out
  }
}
