/// Builds one volume: its file-system tree, extent-reference tree, snapshot-metadata tree, object map and superblock.
///
/// Object ids are assigned arithmetically (directories, then files, the filler, symlinks, sibling ids), so every
/// record can be produced in B-tree order without holding the namespace in memory.
struct VolumeBuilder {
  static let rootID: UInt64 = 2
  static let privateDirID: UInt64 = 3
  static let firstUserID: UInt64 = 16
  static let baseTime: UInt64 = 1_600_000_000 * 1_000_000_000  // 2020-09-13, nanoseconds since 1970

  let spec: VolumeSpec
  let index: Int
  let seed: UInt64
  let fillerBlocks: UInt64  // 0 when this volume holds no filler
  let context: ForgeContext
  let recordPaths: Bool
  /// Password of a ONEKEY volume: when set, metadata and file data are really AES-XTS encrypted with a VEK that
  /// the keybags wrap (see ``OneKeySecrets``).
  var password: String? = nil

  // Id ranges.
  var topCount: Int { spec.topDirectories.count }
  var dirCount: Int { topCount + spec.subdirectories }
  var hasFiller: Bool { spec.holdsFiller && fillerBlocks > 0 }
  var filesStart: UInt64 { Self.firstUserID + UInt64(dirCount) }
  var fillerID: UInt64 { filesStart + UInt64(spec.files) }
  var symlinksStart: UInt64 { fillerID + (hasFiller ? 1 : 0) }
  var siblingsStart: UInt64 { symlinksStart + UInt64(spec.symlinks) }
  var nextObjectID: UInt64 { siblingsStart + 2 * UInt64(hardLinkCount) }
  var hardLinkCount: Int { min(spec.hardLinks, spec.files) }
  var caseFold: Bool { spec.caseInsensitive }

  struct Result {
    var oid: UInt64
    var superblockBlock: UInt64
    var manifest: ForgeManifest.Volume
    var secrets: OneKeySecrets?
  }

  // MARK: Namespace

  func dirID(_ d: Int) -> UInt64 { Self.firstUserID + UInt64(d) }
  func parentOfDir(_ d: Int) -> UInt64 {
    if d < topCount { return Self.rootID }
    return topCount == 0 ? Self.rootID : dirID((d - topCount) % topCount)
  }
  func dirName(_ d: Int) -> [UInt8] {
    d < topCount ? Array(spec.topDirectories[d].utf8) : Array("d\(pad(d - topCount, 5))".utf8)
  }
  func containerOfFile(_ j: Int) -> UInt64 { dirCount == 0 ? Self.rootID : dirID(j % dirCount) }
  func fileContent(_ j: Int) -> VolumeSpec.Content { spec.contents.isEmpty ? .zero : spec.contents[j % spec.contents.count] }
  func fileName(_ j: Int) -> [UInt8] {
    let ext: String
    switch fileContent(j) {
    case .text: ext = "txt"
    case .compressible: ext = "log"
    case .random: ext = "bin"
    case .zero: ext = "dat"
    }
    return Array("f\(pad(j, 7)).\(ext)".utf8)
  }
  func fileSize(_ j: Int) -> UInt64 {
    let r = spec.fileSizes
    if r.lowerBound == r.upperBound { return UInt64(r.lowerBound) }
    var g = SeededRandom.derived(seed, UInt64(index) << 40 | UInt64(j))
    return UInt64(r.lowerBound) + g.next() % UInt64(r.upperBound - r.lowerBound + 1)
  }
  func fileClass(_ j: Int) -> UInt32 {
    guard spec.encryption == .perFile, !spec.protectionClasses.isEmpty else { return 0 }
    return spec.protectionClasses[j % spec.protectionClasses.count]
  }
  func fillerContainer() -> UInt64 { dirCount == 0 ? Self.rootID : dirID(0) }
  static let fillerName = Array("filler.dat".utf8)
  func symlinkContainer(_ l: Int) -> UInt64 { dirCount == 0 ? Self.rootID : dirID((l * 3 + 1) % dirCount) }
  func symlinkName(_ l: Int) -> [UInt8] { Array("link\(pad(l, 4))".utf8) }
  func symlinkTarget(_ l: Int) -> [UInt8] {
    guard spec.files > 0 else { return Array("/nonexistent".utf8) }
    return Array(("/" + path(ofFile: (l * 7) % spec.files)).utf8)
  }
  /// Hard link h gives file h a second name in the next directory.
  func hardLinkContainer(_ h: Int) -> UInt64 { dirCount == 0 ? Self.rootID : dirID((h + 1) % dirCount) }
  func hardLinkName(_ h: Int) -> [UInt8] { Array("hardlink\(pad(h, 3))".utf8) }

  func path(ofDir d: Int) -> String {
    var parts: [String] = []
    var current = d
    var guardCount = 0
    while guardCount < 8 {
      parts.append(String(decoding: dirName(current), as: UTF8.self))
      let parent = parentOfDir(current)
      if parent == Self.rootID { break }
      current = Int(parent - Self.firstUserID)
      guardCount += 1
    }
    return parts.reversed().joined(separator: "/")
  }
  func path(ofContainer id: UInt64) -> String {
    id == Self.rootID ? "" : path(ofDir: Int(id - Self.firstUserID)) + "/"
  }
  func path(ofFile j: Int) -> String {
    path(ofContainer: containerOfFile(j)) + String(decoding: fileName(j), as: UTF8.self)
  }

  struct Child {
    var name: [UInt8]
    var id: UInt64
    var type: UInt16
    var sibling: UInt64?
    var key: [UInt8]
  }

  /// Every directory entry in directory `id`, in B-tree order.
  func children(of id: UInt64) -> [Child] {
    var out: [Child] = []
    func add(_ name: [UInt8], _ child: UInt64, _ type: UInt16, _ sibling: UInt64? = nil) {
      out.append(
        Child(
          name: name, id: child, type: type, sibling: sibling,
          key: FSRecord.dirRecordKey(parent: id, name: name, caseFold: caseFold)))
    }
    for d in 0..<dirCount where parentOfDir(d) == id { add(dirName(d), dirID(d), FSRecord.dtDirectory) }
    if dirCount == 0 {
      if id == Self.rootID { for j in 0..<spec.files { add(fileName(j), filesStart + UInt64(j), FSRecord.dtRegular) } }
    } else if id >= Self.firstUserID, id < filesStart {
      var j = Int(id - Self.firstUserID)
      while j < spec.files {
        add(fileName(j), filesStart + UInt64(j), FSRecord.dtRegular, hardLinked(j) ? siblingsStart + 2 * UInt64(j) : nil)
        j += dirCount
      }
    }
    if hasFiller, fillerContainer() == id { add(Self.fillerName, fillerID, FSRecord.dtRegular) }
    for l in 0..<spec.symlinks where symlinkContainer(l) == id {
      add(symlinkName(l), symlinksStart + UInt64(l), FSRecord.dtSymlink)
    }
    for h in 0..<hardLinkCount where hardLinkContainer(h) == id {
      add(hardLinkName(h), filesStart + UInt64(h), FSRecord.dtRegular, siblingsStart + 2 * UInt64(h) + 1)
    }
    out.sort { FSRecord.less($0.key, $1.key, caseFold: caseFold) }
    return out
  }

  func hardLinked(_ j: Int) -> Bool { j < hardLinkCount }

  // MARK: Build

  func build() throws(ForgeError) -> Result {
    let volumeOID = context.takeVirtualOID()
    var uuidGenerator = SeededRandom.derived(seed, 0x5555_0000 ^ UInt64(index))
    let uuid = (0..<16).map { _ in UInt8(truncatingIfNeeded: uuidGenerator.next()) }
    let secrets = spec.encryption == .oneKey ? password.map {
      OneKeySecrets(volumeUUID: uuid, password: $0, seed: seed, volumeIndex: index)
    } : nil
    let cipher = secrets?.volumeCipher
    let flagMetadata = spec.encryption != .none && (spec.flagEncryptedMetadata || secrets != nil)
    let firstBlock = context.allocator.next
    let superblockBlock = try context.allocator.allocate(1, .volumeMetadata, volume: index)
    let omapBlock = try context.allocator.allocate(1, .volumeMetadata, volume: index)
    let fold = caseFold
    let tree = BTreeBuilder(shape: .fsTree, context: context, volume: index) { FSRecord.less($0, $1, caseFold: fold) }
    tree.markEncrypted = flagMetadata
    tree.cipher = cipher
    let extentRef = BTreeBuilder(shape: .extentRef, context: context, volume: index) {
      FSRecord.u64($0, 0) < FSRecord.u64($1, 0)
    }
    var stats = Stats()
    var paths: [String] = []
    let encryptedData = spec.encryption != .none
    let dataOwner: BlockOwner = encryptedData ? .fileEncrypted : .filePlaintext

    // Parent 1: the root and private directories.
    for (name, id) in [(Array("private-dir".utf8), Self.privateDirID), (Array("root".utf8), Self.rootID)].sorted(by: {
      FSRecord.less(
        FSRecord.dirRecordKey(parent: 1, name: $0.0, caseFold: fold),
        FSRecord.dirRecordKey(parent: 1, name: $1.0, caseFold: fold), caseFold: fold)
    }) {
      try tree.append(
        key: FSRecord.dirRecordKey(parent: 1, name: name, caseFold: fold),
        value: FSRecord.dirRecordValue(fileID: id, dateAdded: Self.baseTime, type: FSRecord.dtDirectory, siblingID: nil))
    }

    func emitDirectory(_ id: UInt64, parent: UInt64, name: [UInt8]) throws(ForgeError) {
      let kids = id == Self.privateDirID ? [] : children(of: id)
      try tree.append(
        key: FSRecord.inodeKey(id),
        value: FSRecord.inodeValue(
          .init(
            parent: parent, privateID: id, time: Self.baseTime + id, links: Int32(kids.count), protectionClass: 0,
            mode: 0o040755, name: name, dstream: nil)))
      for k in kids {
        try tree.append(
          key: k.key,
          value: FSRecord.dirRecordValue(fileID: k.id, dateAdded: Self.baseTime + k.id, type: k.type, siblingID: k.sibling))
      }
    }
    try emitDirectory(Self.rootID, parent: 1, name: Array("root".utf8))
    try emitDirectory(Self.privateDirID, parent: 1, name: Array("private-dir".utf8))
    for d in 0..<dirCount {
      try emitDirectory(dirID(d), parent: parentOfDir(d), name: dirName(d))
      if recordPaths { paths.append(path(ofDir: d) + "/") }
    }

    // Regular files, then the filler.
    func emitFile(
      id: UInt64, parent: UInt64, name: [UInt8], size: UInt64, blocks: UInt64, content: VolumeSpec.Content,
      protectionClass: UInt32, links: [(sibling: UInt64, parent: UInt64, name: [UInt8])], xattr: Bool
    ) throws(ForgeError) {
      var physical: UInt64 = 0
      if blocks > 0 {
        physical = try context.allocator.allocate(blocks, dataOwner, volume: index)
        try writeContent(content, id: id, size: size, blocks: blocks, at: physical, cipher: cipher)
      }
      let cryptoID: UInt64
      switch spec.encryption {
      case .none: cryptoID = 0
      case .perFile: cryptoID = id  // the file's crypto-state record shares the file's object id
      case .oneKey: cryptoID = physical  // XTS tweak base of a ONEKEY volume: the extent's first block
      }
      try tree.append(
        key: FSRecord.inodeKey(id),
        value: FSRecord.inodeValue(
          .init(
            parent: parent, privateID: id, time: Self.baseTime + id, links: Int32(max(1, links.count)),
            protectionClass: protectionClass, mode: 0o100644, name: name,
            dstream: blocks > 0 ? (size, blocks * UInt64(context.blockSize), cryptoID) : nil)))
      if xattr {
        try tree.append(
          key: FSRecord.xattrKey(id, name: Array("com.apple.quarantine".utf8)),
          value: FSRecord.xattrValue(flags: 0x02, data: Array("0083;5f5e1000;Safari;".utf8)))
        stats.xattrs += 1
      }
      for link in links.sorted(by: { $0.sibling < $1.sibling }) {
        try tree.append(
          key: FSRecord.siblingLinkKey(id, sibling: link.sibling),
          value: FSRecord.siblingLinkValue(parent: link.parent, name: link.name))
      }
      guard blocks > 0 else { return }
      try tree.append(key: FSRecord.dstreamIDKey(id), value: FSRecord.dstreamIDValue(references: 1))
      if spec.encryption == .perFile {
        var g = SeededRandom.derived(seed, 0xC0DE_0000 ^ (UInt64(index) << 40) ^ id)
        let wrapped = (0..<40).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        try tree.append(
          key: FSRecord.cryptoKey(id),
          value: FSRecord.cryptoValue(
            protectionClass: protectionClass, osVersion: (17 << 24) | (0x41 << 16) | 577, wrappedKey: wrapped))
      }
      try tree.append(
        key: FSRecord.fileExtentKey(id, logical: 0),
        value: FSRecord.fileExtentValue(length: blocks * UInt64(context.blockSize), physical: physical, cryptoID: cryptoID))
      try extentRef.append(
        key: FSRecord.physicalExtentKey(physical), value: FSRecord.physicalExtentValue(blocks: blocks, owner: id))
      if encryptedData { stats.encryptedBytes += size } else { stats.plaintextBytes += size }
    }

    let bs = UInt64(context.blockSize)
    for j in 0..<spec.files {
      let id = filesStart + UInt64(j)
      let size = fileSize(j)
      var links: [(UInt64, UInt64, [UInt8])] = []
      if hardLinked(j) {
        links = [
          (siblingsStart + 2 * UInt64(j), containerOfFile(j), fileName(j)),
          (siblingsStart + 2 * UInt64(j) + 1, hardLinkContainer(j), hardLinkName(j)),
        ]
        stats.hardLinked += 1
      }
      let cls = fileClass(j)
      try emitFile(
        id: id, parent: containerOfFile(j), name: fileName(j), size: size, blocks: (size + bs - 1) / bs,
        content: fileContent(j), protectionClass: cls, links: links,
        xattr: spec.xattrEvery > 0 && j % spec.xattrEvery == 0)
      if spec.encryption == .perFile { stats.classes[cls, default: 0] += 1 }
      if recordPaths {
        paths.append(path(ofFile: j))
        if hardLinked(j) {
          paths.append(path(ofContainer: hardLinkContainer(j)) + String(decoding: hardLinkName(j), as: UTF8.self))
        }
      }
    }
    var fillerPath: String? = nil
    if hasFiller {
      let cls: UInt32 = spec.encryption == .perFile ? 4 : 0
      try emitFile(
        id: fillerID, parent: fillerContainer(), name: Self.fillerName, size: fillerBlocks * bs, blocks: fillerBlocks,
        content: spec.fillerContent, protectionClass: cls, links: [], xattr: false)
      if spec.encryption == .perFile { stats.classes[cls, default: 0] += 1 }
      fillerPath = path(ofContainer: fillerContainer()) + String(decoding: Self.fillerName, as: UTF8.self)
      if recordPaths { paths.append(fillerPath!) }
    }
    for l in 0..<spec.symlinks {
      let id = symlinksStart + UInt64(l)
      try tree.append(
        key: FSRecord.inodeKey(id),
        value: FSRecord.inodeValue(
          .init(
            parent: symlinkContainer(l), privateID: id, time: Self.baseTime + id, links: 1, protectionClass: 0,
            mode: 0o120755, name: symlinkName(l), dstream: nil)))
      try tree.append(
        key: FSRecord.xattrKey(id, name: Array("com.apple.fs.symlink".utf8)),
        value: FSRecord.xattrValue(flags: 0x02 | 0x04, data: symlinkTarget(l) + [0]))  // EMBEDDED | FILE_SYSTEM_OWNED
      if recordPaths {
        paths.append(path(ofContainer: symlinkContainer(l)) + String(decoding: symlinkName(l), as: UTF8.self))
      }
    }
    for h in 0..<hardLinkCount {
      for s in 0..<2 {
        try tree.append(
          key: FSRecord.siblingMapKey(siblingsStart + 2 * UInt64(h) + UInt64(s)),
          value: FSRecord.siblingMapValue(fileID: filesStart + UInt64(h)))
      }
    }

    let rootOID = try tree.finish()
    let extentRefRoot = try extentRef.finish()
    let snapMeta = BTreeBuilder(shape: .snapMeta, context: context, volume: index) { _, _ in true }
    let snapMetaRoot = try snapMeta.finish()

    // The volume's object map: one record per file-system tree node.
    var omapShape = BTreeShape.omap
    omapShape.owner = .volumeMetadata
    let omapTree = BTreeBuilder(shape: omapShape, context: context, volume: index) {
      FSRecord.u64($0, 0) < FSRecord.u64($1, 0)
    }
    for m in tree.mappings {
      let flags: UInt32 = flagMetadata ? 0x4 : 0  // OMAP_VAL_ENCRYPTED (AFSR: DELETED is 0x1, SAVED 0x2, ENCRYPTED 0x4)
      try omapTree.append(
        key: FSRecord.le(m.oid) + FSRecord.le(context.xid), value: omapValue(paddr: m.paddr, bs: bs, flags: flags))
    }
    let omapRoot = try omapTree.finish()
    try writeOmapObject(at: omapBlock, treeRoot: omapRoot, manuallyManaged: false, context: context)

    let allocated = context.allocator.next - firstBlock - 1  // the superblock itself is not charged (as mkapfs)
    let fsFlags: UInt64 =
      switch spec.encryption {
      case .none: 0x1  // APFS_FS_UNENCRYPTED
      case .perFile: 0x0
      case .oneKey: 0x8  // APFS_FS_ONEKEY
      }
    let incompat: UInt64 = spec.caseInsensitive ? 0x1 : 0x8
    let fileCount = spec.files + (hasFiller ? 1 : 0)

    var sb = BlockBuffer(size: context.blockSize)
    sb.put(UInt32(0x4253_5041), at: 0x20)  // apfs_magic "APSB"
    sb.put(UInt32(index), at: 0x24)  // apfs_fs_index
    sb.put(UInt64(0x2), at: 0x28)  // apfs_features: HARDLINK_MAP_RECORDS
    sb.put(incompat, at: 0x38)  // apfs_incompatible_features
    sb.put(Self.baseTime, at: 0x40)  // apfs_unmount_time
    sb.put(allocated, at: 0x58)  // apfs_fs_alloc_count
    // apfs_meta_crypto (wrapped_meta_crypto_state_t): version 5.0, class F, key revision 1.
    sb.put(UInt16(5), at: 0x60)
    sb.put(UInt32(6), at: 0x68)
    sb.put(UInt16(1), at: 0x70)
    sb.put(UInt32(0x0000_0002), at: 0x74)  // root_tree_type: VIRTUAL | BTREE
    sb.put(UInt32(0x4000_0002), at: 0x78)  // extentref_tree_type: PHYSICAL | BTREE
    sb.put(UInt32(0x4000_0002), at: 0x7C)  // snap_meta_tree_type
    sb.put(omapBlock, at: 0x80)  // apfs_omap_oid
    sb.put(rootOID, at: 0x88)  // apfs_root_tree_oid
    sb.put(extentRefRoot, at: 0x90)  // apfs_extentref_tree_oid
    sb.put(snapMetaRoot, at: 0x98)  // apfs_snap_meta_tree_oid
    sb.put(nextObjectID, at: 0xB0)  // apfs_next_obj_id
    sb.put(UInt64(fileCount), at: 0xB8)  // apfs_num_files
    sb.put(UInt64(dirCount), at: 0xC0)  // apfs_num_directories
    sb.put(UInt64(spec.symlinks), at: 0xC8)  // apfs_num_symlinks
    sb.put(allocated, at: 0xE0)  // apfs_total_blocks_alloced
    sb.put(bytes: uuid, at: 0xF0)  // apfs_vol_uuid
    sb.put(Self.baseTime, at: 0x100)  // apfs_last_mod_time
    sb.put(fsFlags, at: 0x108)  // apfs_fs_flags
    sb.put(bytes: Array("ringo-forge 1".utf8), at: 0x110)  // apfs_formatted_by.id
    sb.put(Self.baseTime, at: 0x130)  // apfs_formatted_by.timestamp
    sb.put(context.xid, at: 0x138)  // apfs_formatted_by.last_xid
    sb.put(bytes: Array(spec.name.utf8), at: 0x2C0)  // apfs_volname
    sb.put(UInt32(3), at: 0x3C0)  // apfs_next_doc_id
    sb.put(spec.role, at: 0x3C4)  // apfs_role
    sb.sealObject(oid: volumeOID, xid: context.xid, type: ObjectType.virtual | ObjectType.fs, subtype: 0)
    try context.sink.write(sb.bytes, atBlock: superblockBlock)

    let classNames: [UInt32: String] = [0: "none", 1: "A", 2: "B", 3: "C", 4: "D", 5: "E", 6: "F", 14: "M"]
    var classCounts: [String: Int] = [:]
    for (c, n) in stats.classes { classCounts[classNames[c] ?? String(c)] = n }
    let manifest = ForgeManifest.Volume(
      index: index, name: spec.name, role: spec.role, roleName: VolumeRole.name(spec.role), fsFlags: fsFlags,
      incompatibleFeatures: incompat, encryption: spec.encryption, uuid: uuidString(uuid), files: fileCount,
      directories: dirCount, symlinks: spec.symlinks, other: 0, snapshots: 0, hardLinkedFiles: stats.hardLinked,
      xattrs: stats.xattrs, protectionClassFiles: classCounts, plaintextLogicalBytes: stats.plaintextBytes,
      encryptedLogicalBytes: stats.encryptedBytes, allocatedBlocks: allocated, fillerPath: fillerPath,
      paths: recordPaths ? paths : nil)
    return Result(oid: volumeOID, superblockBlock: superblockBlock, manifest: manifest, secrets: secrets)
  }

  struct Stats {
    var xattrs = 0
    var hardLinked = 0
    var plaintextBytes: UInt64 = 0
    var encryptedBytes: UInt64 = 0
    var classes: [UInt32: Int] = [:]
  }

  /// Fills a file's blocks with its kind of content; zero content and dry runs write nothing.
  func writeContent(
    _ content: VolumeSpec.Content, id: UInt64, size: UInt64, blocks: UInt64, at start: UInt64, cipher: XTS128?
  ) throws(ForgeError) {
    guard content != .zero || cipher != nil, !context.sink.isDryRun else { return }
    let bs = context.blockSize
    var g = SeededRandom.derived(seed, 0xDA7A_0000 ^ (UInt64(index) << 40) ^ id)
    let chunkBlocks: UInt64 = 256
    var done: UInt64 = 0
    var produced: UInt64 = 0
    let words = Array(
      "the quick brown fox jumps over the lazy dog lorem ipsum dolor sit amet forensic triage apple file system "
        .utf8)
    while done < blocks {
      let n = min(chunkBlocks, blocks - done)
      var buffer = [UInt8](repeating: 0, count: Int(n) * bs)
      let limit = Int(min(UInt64(buffer.count), size > produced ? size - produced : 0))
      switch content {
      case .zero: break
      case .random:
        var i = 0
        while i < limit {
          var w = g.next()
          for _ in 0..<8 where i < limit {
            buffer[i] = UInt8(truncatingIfNeeded: w)
            w >>= 8
            i += 1
          }
        }
      case .text:
        var i = 0
        var line = 0
        while i < limit {
          let header = Array("line \(line) of file \(id): ".utf8)
          for b in header + words + [0x0A] where i < limit {
            buffer[i] = b
            i += 1
          }
          line += 1
        }
      case .compressible:
        let pattern = Array("2020-09-13T12:00:00Z kernel[0]: apfs: forge event ok\n".utf8)
        for i in 0..<limit { buffer[i] = pattern[i % pattern.count] }
      }
      produced += UInt64(limit)
      // ONEKEY: the extent's crypto id is its first block, so the XTS tweak is the container sector number.
      try cipher?.encrypt(&buffer, firstSector: (start + done) * UInt64(bs / 512))
      try context.sink.write(buffer, atBlock: start + done)
      done += n
    }
  }
}

func pad(_ n: Int, _ width: Int) -> String {
  let s = String(n)
  return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// `omap_val_t` for a one-block object.
func omapValue(paddr: UInt64, bs: UInt64, flags: UInt32 = 0) -> [UInt8] {
  FSRecord.le(flags) + FSRecord.le(UInt32(bs)) + FSRecord.le(paddr)
}

/// Writes an `omap_phys_t` pointing at a finished object-map tree.
func writeOmapObject(at block: UInt64, treeRoot: UInt64, manuallyManaged: Bool, context: ForgeContext)
  throws(ForgeError)
{
  var omap = BlockBuffer(size: context.blockSize)
  omap.put(UInt32(manuallyManaged ? 1 : 0), at: 0x20)  // om_flags: OMAP_MANUALLY_MANAGED
  omap.put(UInt32(0x4000_0002), at: 0x28)  // om_tree_type: PHYSICAL | BTREE
  omap.put(UInt32(0x4000_0002), at: 0x2C)  // om_snapshot_tree_type
  omap.put(treeRoot, at: 0x30)  // om_tree_oid
  omap.sealObject(oid: block, xid: context.xid, type: ObjectType.physical | ObjectType.omap, subtype: 0)
  try context.sink.write(omap.bytes, atBlock: block)
}
