import ImageAccess

/// The English words of the reports.
struct EnglishCatalogue: Catalogue {
  var language: Language { .en }
  private func bytes(_ b: UInt64) -> String { ByteText.exact(b, .en) }
  private func percent(_ f: Double) -> String { ByteText.percent(f) }

  func summary(_ summary: Summary) -> String {
    switch summary {
    case .wholeImageEncrypted:
      "No readable file-system structure: the image is encrypted as a whole and cannot be read off the device."
    case .noContainer: "No APFS container was found in this file."
    case .noUsableCheckpoint: "An APFS container is present but none of its checkpoints can be used."
    case .evidenceDamaged: "The evidence itself is damaged: part of the acquired media cannot be read as it was acquired."
    case .treeUnwalkable:
      "An APFS container is present, but a volume's file-system tree is broken: its files cannot be listed or "
        + "extracted through the file system as it stands."
    case .vendorKeys:
      "The user's data is encrypted with keys that only this device, running Apple's signed software, can "
        + "unwrap: it cannot be recovered from the image without the vendor."
    case .credentials: "The data can be recovered with the user's password or recovery key."
    case .unlocked: "The supplied credentials unlock the encrypted volume: its data can be recovered."
    case .originalDeviceOnly:
      "The volume can be opened only on the original Mac with its owner's password: no lab can open it from the "
        + "image alone."
    case .mostlyPlaintext:
      "Most of the user's file data is stored in plaintext extents and can be read from the image; the "
        + "encrypted part cannot."
    case .notEncrypted: "The data is not encrypted and can be read from the image."
    }
  }

  private func describe(_ v: VolumeFigures) -> String {
    "\"\(v.name)\" (role \(v.role), fs_flags \(hex(v.flags)) = [\(v.flagNames.joined(separator: ", "))], "
      + "\(bytes(v.allocatedBytes)) allocated)"
  }

  private func measured(_ v: VolumeFigures) -> String {
    guard let c = v.tree else {
      return " The file-system tree could not be walked, so the decision rests on the volume flags."
    }
    let classes = c.protectionClasses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
      .joined(separator: ", ")
    return " Measured in its tree: \(c.files) files; \(bytes(c.encryptedBytes)) of file data in encrypted "
      + "extents and \(bytes(c.plaintextBytes)) in plaintext extents (\(percent(c.encryptedShare)) "
      + "encrypted); files per protection class: \(classes.isEmpty ? "none" : classes)."
  }

  private func hint(_ k: KeyFigures) -> String {
    k.hint.map { " The stored passphrase hint is \"\($0)\"." } ?? " No passphrase hint is stored."
  }

  private func offset(_ offset: Int?) -> String { offset.map { "offset \($0)" } ?? "offset unknown" }

  func reason(_ reason: Reason) -> String {
    switch reason {
    case let .wholeImageEncrypted(error, fraction, nonZero):
      return "No APFS container superblock was found (\(error.detail)); the content scan classed "
        + "\(percent(fraction)) of the \(nonZero) non-zero bytes as indistinguishable from random."
    case let .noContainer(format, error):
      return "Checked for the container superblock magic \"NXSB\" at offset 32 and for a GPT with an Apple_APFS "
        + "partition (format detected: \(format)); \(error.detail)."
    case let .noUsableCheckpoint(blockZero, attempts, lastError):
      let tried = attempts.map { a in
        a.skipped.map { "xid \(a.xid): \($0.detail)" } ?? (a.used ? "xid \(a.xid): used" : "xid \(a.xid)")
      }
      return "Block 0 holds a container superblock"
        + (blockZero.map { " (xid \($0.xid), \($0.blockCount) blocks of \($0.blockSize) bytes)" } ?? "")
        + "; \(attempts.count) checkpoint superblock(s) tried: "
        + (tried.isEmpty ? "none found in the descriptor area" : tried.joined(separator: "; "))
        + ". Last error: \(lastError.detail)."
    case let .finding(observation):
      return finding(observation)
    case .fileKeysWrapped:
      return "1. Each file's contents are encrypted with its own per-file key; that key is stored in the file's "
        + "metadata only in wrapped form, wrapped by one of the Data Protection class keys (A–D, F)."
    case .classKeysFromUID:
      return "2. The class keys are themselves protected by a key derived from the device's UID, a secret fused "
        + "into the chip and usable only inside its Secure Enclave, and (for most classes) from the user's passcode."
    case .onlySecureEnclave:
      return "3. Only that device's Secure Enclave, running Apple's signed kernel after the passcode is entered, can "
        + "unwrap them; the UID cannot be read out, so a copy of the storage is ciphertext without its keys."
    case .bootChainSigned:
      return "4. No third party can boot a recovery kernel of its own on the device: the Boot ROM only runs "
        + "Apple-signed boot stages, and each image must be personalised for this device (ECID and nonce) by "
        + "Apple's signing server."
    case let .perFileLocked(volumes):
      return "User data volume " + volumes.map(describe).joined(separator: ", ")
        + " uses per-file Data Protection: each file's key is wrapped by a class key."
        + volumes.map(measured).joined()
    case let .kernelcache(k):
      return "In the IPSW given (\(k.productVersion ?? "?")), the kernel is an IM4P of type "
        + "\(k.im4pType) (\(k.payloadFormat)" + (k.kernelVersion.map { ", \"\($0)\"" } ?? "") + ")"
        + (k.personalized ? ", listed in BuildManifest with Personalize: it boots only with an "
          + "IM4M ticket Apple signs for this device's ECID and current nonce" : "")
        + (k.encrypted ? "; its payload carries a KBAG, so it is encrypted with the device-class GID "
          + "key inside the application processor" : "") + ". A modified or third-party kernel has another "
        + "digest and no Apple signature, so the Boot ROM chain refuses it."
    case let .perFileMostlyPlaintext(volume):
      let tree = volume.tree ?? TreeFigures(files: 0, encryptedBytes: 0, plaintextBytes: 0, protectionClasses: [:])
      return "Volume " + describe(volume) + " is marked for per-file Data Protection, but most of its file data is "
        + "not encrypted: \(bytes(tree.plaintextBytes)) are in plaintext extents and readable from the image; only "
        + "\(bytes(tree.encryptedBytes)) are in encrypted extents." + measured(volume)
    case let .onekey(volumes, keybag):
      return "User data volume " + volumes.map(describe).joined(separator: ", ")
        + " is encrypted with a single volume key (APFS_FS_ONEKEY). That key is wrapped in the container and "
        + "volume keybags by a key derived from the user's password (PBKDF2) or by the recovery key"
        + (keybag.map { "; the container keybag is present at block \($0)." } ?? ".")
    case .noPasswordHelps:
      return "No password, passcode or recovery key helps off the device: the class keys are wrapped with the "
        + "device's hardware UID inside its Secure Enclave, so the passcode is only one input of a derivation that "
        + "runs on that chip. This is not FileVault, whose volume key a password unwraps from the image."
    case let .keysUnlocked(v, k):
      let behind = v.tree.map {
        " Behind it: \($0.files) files, \(bytes($0.encryptedBytes + $0.plaintextBytes)) of file data."
      } ?? ""
      return k.method == "recovery-key"
        ? "Volume \"\(v.name)\" was unlocked with the supplied personal recovery key (entry \(k.userUUID ?? "?"))."
          + behind
        : "Volume \"\(v.name)\" was unlocked with the supplied password (user \(k.userUUID ?? "?"))." + behind
    case let .wrongCredentials(v, k):
      return "The supplied credentials did not unlock volume \"\(v.name)\": none of its \(k.passwordEntries) password "
        + "and \(k.recoveryEntries) recovery-key entries accepts them (each entry's HMAC verified, PBKDF2 and the "
        + "RFC 3394 integrity check failed)." + hint(k)
    case let .keysUnreadable(v, k):
      return "The keys of volume \"\(v.name)\" could not be read: \(k.detail ?? "unknown reason")."
    case let .noCredentials(v, k):
      return "No credentials were supplied for volume \"\(v.name)\". Its volume keybag holds \(k.passwordEntries) user "
        + "password entr\(k.passwordEntries == 1 ? "y" : "ies") and \(k.recoveryEntries) personal recovery key "
        + "entr\(k.recoveryEntries == 1 ? "y" : "ies") that can unlock it." + hint(k)
    case let .hardwareBound(v, k):
      let place = k.structure.map { s in "the \(s)" + (k.offset.map { " at offset \($0) (\(hex($0)))" } ?? "") } ?? "?"
      return "User data volume " + describe(v) + " is encrypted with keys wrapped by the original Mac's security chip "
        + "(T2 or Apple silicon Secure Enclave). Shown by " + place + ": " + (k.detail ?? "") + "."
    case let .noUserDataVolume(count):
      return "No user data volume was found (no volume with role data, user or none among "
        + "\(count) volume(s)); the readable volumes are system volumes."
    case let .notEncrypted(volumes):
      return "User data volume " + volumes.map(describe).joined(separator: ", ")
        + " is not encrypted (APFS_FS_UNENCRYPTED): its files can be read directly from the image."
    case let .notEncryptedUnwalked(volumes):
      return "User data volume " + volumes.map(describe).joined(separator: ", ")
        + " is not encrypted (APFS_FS_UNENCRYPTED); its file-system tree was not walked (tree walking was turned "
        + "off), so the files themselves were not checked."
    case let .treeUnwalkable(f):
      return "The file-system tree of volume \"\(f.volume)\" (role \(f.role)) is broken: \(f.errorCode) in "
        + "\(f.structure) at \(offset(f.offset)) (\(f.detail)). "
        + (f.recordsRead == 0
          ? "None of its records could be read."
          : "The walk stopped after \(f.recordsRead) records and \(f.filesWalked) files; what lies past that point "
            + "cannot be listed or extracted through the file system.")
    case let .evidenceDamaged(format, error):
      return "The \(format) evidence is damaged: \(error.detail)."
    }
  }

  func advice(_ advice: Advice) -> String {
    switch advice {
    case .checkImage:
      "Check that this is the right image (a whole-disk or APFS-partition image); an image that is encrypted "
        + "as a whole (a chip-off or raw NAND dump) has no readable structures at all."
    case .keepOriginal:
      "Keep the original image unchanged; structural repair or carving may recover parts, but nothing is "
        + "readable through the file system as it stands."
    case .findSegments:
      "Find the missing or intact segment files (or acquire again) before relying on anything read from this copy."
    case .repairTree:
      "Keep the original image unchanged; files in the part of the tree walked before the error may be "
        + "extracted, the rest needs structural repair of the tree or carving."
    case .updateNotRestore:
      "The free-space shortage above is the likely cause of a failed update. Only the device itself can "
        + "use its data: an \"Update\" (not \"Restore\") from a computer keeps the user data and is the only "
        + "route that may bring the phone back; the image alone cannot."
    case .doNotRestore:
      "Do not Restore or use DFU restore: a restore erases the effaceable keys and the data becomes "
        + "unrecoverable for everyone, including the vendor."
    case .refuseJob:
      "Refuse the job before billing: no third-party lab can decrypt this image; say so to the customer "
        + "with this report."
    case .pointToVendor:
      "Point the customer to the vendor's support, and to backups (iCloud, a computer) that may hold the data."
    case .askCredentials:
      "Ask the customer for the login password or the FileVault recovery key before accepting the job; "
        + "without either the volume stays encrypted."
    case .keepCredentials:
      "Keep the credentials with the case file, never in the report; Ringo's ls, stat, cat and map read the "
        + "unlocked volume with the same credential options."
    case .unlockOnOriginalMac:
      "Unlock the volume on the original Mac with the owner's password, then image the unlocked volume (or share "
        + "the disk from that Mac, e.g. Share Disk in macOS Recovery, and image it from there)."
    case .doNotQuoteDecryption:
      "Do not quote decryption of this image: the wrapping key never leaves the security chip, so neither a "
        + "password nor the recovery key opens the image off that Mac."
    case .quotePlaintext: "Quote only for the plaintext part; the encrypted extents need the device."
    case .workOnCopy:
      "Work on a copy of the image; the file system can be walked and files extracted with forensic tools."
    }
  }

  func finding(_ observation: Observation) -> String {
    switch observation {
    case let .lowFreeSpace(free, capacity, threshold, fraction):
      return "The container has \(bytes(free)) free of \(bytes(capacity)) (\(percent(fraction))), below the "
        + "threshold of \(bytes(threshold)). An OS update needs free space to unpack and stage itself; with this "
        + "little it can fail half-way and leave the device in a boot loop."
    case let .lowVolumeSpace(volume, available, quotaBytes, allocated):
      return "Volume \"\(volume)\" can allocate only \(bytes(available)) more: its quota is \(bytes(quotaBytes)) "
        + "and it already uses \(allocated) blocks."
    case let .updateSpaceShortfall(version, need, keys, capacityGB, free):
      return "The update to iOS \(version) needs about \(bytes(need)) (an estimate from \(keys), for a "
        + "\(capacityGB) GB device); the container had only \(bytes(free)) free. An update that cannot stage its "
        + "system partition fails part-way: the boot-loop case."
    case let .updateSpaceNeed(version, need, keys, free):
      return "The update to iOS \(version) needs about \(bytes(need)) (an estimate from \(keys)); the container "
        + "has \(bytes(free)) free, which is enough."
    case let .metadataEncrypted(volume):
      return "The file-system tree of \"\(volume)\" is encrypted: without the volume key it cannot be walked, so its "
        + "file counts come from the volume superblock and its blocks are accounted as allocated volume data."
    case let .treeUnwalkable(f):
      return "The file-system tree of \"\(f.volume)\" stopped at \(f.structure), \(offset(f.offset)): "
        + "\(f.detail). Read before the error: \(f.recordsRead) records, \(f.filesWalked) files."
    case let .perFileEncryption(volume, role, flags):
      return "Volume \"\(volume)\" (role \(role)) has neither APFS_FS_UNENCRYPTED nor APFS_FS_ONEKEY set "
        + "(fs_flags \(hex(flags))): its files use per-file Data Protection keys wrapped by class keys tied to the "
        + "device."
    case let .onekeyEncryption(volume):
      return "Volume \"\(volume)\" is encrypted with one volume key (APFS_FS_ONEKEY, FileVault-style); the user's "
        + "password or recovery key unlocks it."
    case let .keybagPresent(block, blocks):
      return "The container has a keybag at block \(block) (\(blocks) block(s)), which holds the wrapped volume keys."
    case let .usedFallbackCheckpoint(xid, skipped):
      let list = skipped.map { "xid \($0.xid): \($0.skipped?.detail ?? "")" }.joined(separator: "; ")
      return "The newest checkpoint could not be used, so the container was read at the older checkpoint xid "
        + "\(xid). Skipped: \(list). Changes made after that checkpoint are not visible."
    case let .staleBlockZero(detail, _, _):
      return "Block 0 holds an older copy of the container superblock (\(detail)); this is normal after an unclean "
        + "shutdown and the checkpoint area is authoritative."
    case let .imageTruncated(blocks, declared, available, lessThanOneBlock):
      return "The container declares \(blocks) blocks (\(declared) bytes) but the image holds \(available) bytes: "
        + "\(declared - min(declared, available)) bytes are missing. "
        + (lessThanOneBlock
          ? "Less than one block is missing: typical of a partition image not aligned to the block size; "
            + "the rest of the container is intact."
          : "The image was probably cut short during acquisition; re-image if possible.")
    case let .wholeImageEncrypted(fraction, nonZero):
      return "\(percent(fraction)) of the \(bytes(nonZero)) of non-zero data is indistinguishable from random "
        + "bytes, and no readable structure was found. Such dumps (chip-off, raw NAND) are encrypted inline by the "
        + "device's AES engine with keys derived from its hardware UID, which never leaves the chip: they cannot be "
        + "read off the device."
    case let .encryptedLooksLikeText(count, first):
      return "\(bytes(count)) in extents the structures mark encrypted hold readable text (first at offset "
        + "\(first)): ciphertext is never text, so those extents were not encrypted, or the records are wrong. "
        + "Examine them."
    case let .freeSpaceRemnants(count):
      return "\(bytes(count)) of blocks the space manager calls free still hold data (remnants of deleted files, "
        + "possibly recoverable by carving when not encrypted)."
    }
  }

  func verdictName(_ verdict: TriageReport.VerdictClass) -> String {
    switch verdict {
    case .recoverable: "recoverable"
    case .recoverableWithCredentials: "recoverable with the user's credentials"
    case .recoverableOnOriginalDevice: "recoverable on the original Mac only"
    case .unrecoverableWithoutVendor: "unrecoverable without the vendor"
    case .notAPFS: "not APFS"
    case .damaged: "damaged"
    }
  }

  func readable(plaintext: UInt64, encrypted: UInt64, compressed: UInt64?, classes: [String: Int]?) -> String {
    let list = (classes ?? [:]).filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      .joined(separator: ", ")
    return "readable (plaintext extents): \(bytes(plaintext)); encrypted extents: \(bytes(encrypted)); "
      + (compressed.map { $0 > 0 ? "stored compressed: \(bytes($0)); " : "" } ?? "")
      + "files per protection class: \(list.isEmpty ? "none" : list)"
  }

  func unlock(_ u: TriageReport.Volume.Unlock, encryption: String) -> String {
    if encryption == "per-file" {
      return "unlock: not possible off the device: per-file class keys are wrapped inside its Secure Enclave"
    }
    let state: String
    switch u.state {
    case "unlocked":
      state = (u.method == "recovery-key" ? "unlocked with the personal recovery key" : "unlocked with the password")
        + (u.userUUID.map { " of user \($0)" } ?? "")
    case "locked": state = "locked (no credentials given)"
    case "wrong-credentials": state = "not unlocked: the supplied credentials are wrong"
    case "hardware-bound":
      state = "keys bound to the original Mac's security chip"
        + (u.structure.map { " (\($0)" + (u.offset.map { " at offset \($0)" } ?? "") + ")" } ?? "")
    case "unsupported": state = "cannot be unlocked here" + (u.structure.map { " (\($0))" } ?? "")
    case "not-encrypted": state = "not encrypted"
    default: state = u.state
    }
    let kinds = u.kekEntries.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    return "unlock: \(state); KEK entries: \(kinds.isEmpty ? "none" : kinds); "
      + (u.hint.map { "hint: \"\($0)\"" } ?? "no hint")
  }

  var labels: [Label: String] {
    [
      .title: "Ringo triage report", .verdict: "Verdict", .reasons: "Why", .advice: "What to do",
      .evidence: "Evidence", .container: "Container", .volumes: "Volumes", .findings: "Findings",
      .errors: "Errors (what could not be read, and where)", .noContainer: "no usable APFS container",
      .notComputed: "not computed (--no-hash)",
      .notMeasured: "file bytes not measured: the file-system tree could not be walked (see findings)",
      .path: "path", .size: "size", .format: "format", .apfsAt: "APFS at offset", .apfsOffset: "APFS offset",
      .sha256: "sha256", .tool: "tool", .uuid: "uuid", .blockSize: "block size", .blocks: "blocks",
      .freeBlocks: "free blocks", .free: "free", .checkpoint: "checkpoint", .checkpointXID: "checkpoint xid",
      .fallback: "fallback", .keybag: "keybag", .yes: "yes", .no: "no", .number: "#", .name: "name", .role: "role",
      .encryption: "encryption", .caseSensitive: "case-sensitive", .allocBlocks: "alloc blocks", .alloc: "alloc",
      .reserve: "reserve", .quota: "quota", .available: "available", .files: "files", .directories: "directories",
      .dirs: "dirs", .symlinks: "symlinks", .snapshots: "snapshots", .countedInTree: "tree",
      .countedInSuperblock: "superblock", .bytesUnit: "bytes", .atOffset: "at offset", .none: "none",
      .type: "type", .mode: "mode", .inode: "inode", .modified: "modified", .created: "created", .owner: "owner",
      .group: "group", .links: "links", .extents: "extents", .offset: "offset", .length: "length",
      .share: "share", .regionClass: "class", .directory: "directory", .file: "file", .symlink: "symlink",
      .other: "other", .total: "total", .compressed: "compressed", .encrypted: "encrypted",
      .plaintext: "plaintext", .sparse: "sparse",
      .volume: "volume", .snapshot: "snapshot", .parent: "parent", .privateID: "private id", .uid: "uid", .gid: "gid",
      .allocated: "allocated", .defaultCryptoID: "default crypto id", .protection: "protection",
      .defaultClass: "default class", .compression: "compression", .uncompressedSize: "uncompressed size",
      .unreadableHeader: "unreadable header", .extent: "extent", .logical: "logical", .block: "block",
      .cryptoID: "crypto id", .crypto: "crypto", .key: "key", .version: "version",
      .noCryptoState: "no crypto state record", .onekeyTweak: "ONEKEY volume: the id is the XTS tweak base",
      .xattr: "xattr", .embedded: "embedded", .inStream: "in a stream", .runs: "runs", .error: "error",
      .contentScanOf: "Content scan of", .blocksOf: "-byte blocks", .seconds: "s", .threads: "threads",
      .entropyLegend: "entropy over offset (▁ 0 … █ 8 bits/byte; . zero T text C compressed E encrypted A apfs ? unknown)",
      .singleValueFill: "single-value fill (e.g. erased flash)", .leftOut: "left out of the figures below",
      .dataBytes: "data bytes", .highEntropy: "high-entropy", .wholeImageEncrypted: "whole image encrypted",
      .svgWritten: "SVG entropy graph written to", .entropyOf: "Entropy of", .id: "id",
      .koly: "koly", .kind: "kind", .rawDiskImage: "no UDIF trailer, encrcdsa or AEA signature: read it as a raw disk image",
      .hmacKey: "HMAC key", .bits: "bits", .encryptedData: "encrypted data", .at: "at",
      .encryptedDiskImage: "encrypted disk image",
      .keyFromUser: "the password or the image's AES/HMAC keys must come from the user",
      .keyFromApple: "the key must come from Apple's key service ({url}) or from the user", .keyFromVendor: "the key must come from the vendor's key service or from the user",
      .profile: "profile", .scryptStrength: "scrypt strength", .authData: "auth data", .fields: "fields",
      .keyService: "key service", .flags: "flags", .imageVariant: "image variant", .segment: "segment",
      .dataFork: "data fork", .xmlResourceFork: "XML resource fork", .masterChecksum: "master checksum",
      .sectors: "sectors", .expandedSize: "expanded size", .notCovered: "not covered by any chunk (reads as zeros)",
      .partitions: "partitions", .chunks: "chunks", .chunksByType: "chunks by type", .bytesStored: "bytes stored",
      .sha256Expanded: "sha256 (expanded)",
      .entries: "entries", .product: "Product", .build: "build", .identities: "Identities", .board: "board",
      .chip: "chip", .components: "Components", .digestsNotChecked: "digests not checked", .diskImages: "Disk images",
      .expandsTo: "expands to", .kernelcache: "Kernelcache", .uncompressed: "uncompressed", .note: "note",
      .personalised: "personalised", .needsTicket: "needs a device ticket", .unknownValue: "unknown",
      .img4Payloads: "IMG4 payloads", .ticket: "Ticket", .signature: "signature", .cert: "cert", .issuer: "issuer",
      .spaceNeed: "Space need (estimate) for a {gb} GB device", .padding: "padding", .from: "from",
      .rootVolumes: "root filesystem volumes (APFS)", .rootFilesystem: "root filesystem",
      .clusters: "clusters", .everyMACVerified: "every MAC verified", .extracted: "extracted", .refusedOrFailed: "refused or failed", .payload: "payload", .appended: "appended",
      .compressionInfo: "compression info", .algorithm: "algorithm", .iv: "iv", .properties: "properties",
      .images: "images", .certificate: "certificate", .valid: "valid",
      .emptyImage: "empty image: the file holds 0 bytes, so there is nothing to classify",
      .sampledOneWindowIn: "sampled (shares are of the scanned bytes): one 8 MiB window in every",
      .exactModeIsReported: "triage reports use exact mode",
      .entryAtOffset: "entry at offset",
      .segmentFiles: "segment files", .acquisition: "acquisition (EWF)", .caseNumber: "case number",
      .evidenceNumber: "evidence number", .examiner: "examiner", .descriptionLabel: "description", .notes: "notes",
      .acquiredAt: "acquired", .acquirySoftware: "acquired with", .mediaSize: "media size",
      .storedDigests: "stored digests", .computedDigests: "media read now", .verified: "verified",
      .verifiedMatches: "yes: the media read now matches the digests stored at acquisition",
      .verifiedDiffers: "NO: the media read now does not match the digests stored at acquisition",
      .verifiedUnknown: "cannot tell (no digest stored, or the media not hashed)",
      .chunkChecksumErrors: "chunk checksum errors", .firstAtOffset: "first at offset",
      .batchOf: "Batch triage of", .reportsIn: "reports in", .verdicts: "Verdicts", .filesHeading: "Files",
    ]
  }
}
