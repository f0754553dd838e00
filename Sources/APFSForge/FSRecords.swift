/// Encoders for file-system tree records. On disk: `j_*_key_t` / `j_*_val_t`, Apple File System Reference
/// §File-System Objects. Each function returns the exact on-disk bytes.
enum FSRecord {
  // j_obj_types
  static let typeInode: UInt64 = 3
  static let typeXattr: UInt64 = 4
  static let typeSiblingLink: UInt64 = 5
  static let typeDstreamID: UInt64 = 6
  static let typeCryptoState: UInt64 = 7
  static let typeFileExtent: UInt64 = 8
  static let typeDirRecord: UInt64 = 9
  static let typeSiblingMap: UInt64 = 12
  static let typeExtent: UInt64 = 2  // physical extent, in the extent-reference tree

  static let dtDirectory: UInt16 = 4
  static let dtRegular: UInt16 = 8
  static let dtSymlink: UInt16 = 10

  static func header(_ oid: UInt64, _ type: UInt64) -> [UInt8] {
    le(oid & 0x0FFF_FFFF_FFFF_FFFF | (type << 60))
  }

  static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: MemoryLayout<T>.size)
    var x = v.littleEndian
    withUnsafeBytes(of: &x) { raw in for i in 0..<out.count { out[i] = raw[i] } }
    return out
  }

  static func inodeKey(_ id: UInt64) -> [UInt8] { header(id, typeInode) }

  struct Inode {
    var parent: UInt64
    var privateID: UInt64
    var time: UInt64
    var links: Int32  // nchildren for directories, nlink for files
    var protectionClass: UInt32
    var mode: UInt16
    var name: [UInt8]
    var dstream: (size: UInt64, allocated: UInt64, cryptoID: UInt64)?
  }

  /// `j_inode_val_t` with the NAME (4) and, for files with data, DSTREAM (8) extended fields.
  static func inodeValue(_ i: Inode) -> [UInt8] {
    var v = [UInt8]()
    v.reserveCapacity(92 + 4 + 8 + 4 * 2 + i.name.count + 48)
    v += le(i.parent)  // parent_id
    v += le(i.privateID)  // private_id
    v += le(i.time) + le(i.time) + le(i.time) + le(i.time)  // create, mod, change, access
    v += le(UInt64(0))  // internal_flags
    v += le(i.links)  // nchildren / nlink
    v += le(i.protectionClass)  // default_protection_class
    v += le(UInt32(1))  // write_generation_counter
    v += le(UInt32(0))  // bsd_flags
    v += le(UInt32(501)) + le(UInt32(501))  // owner, group (uid/gid of the first user, as on iOS "mobile")
    v += le(i.mode)  // mode
    v += le(UInt16(0))  // pad1
    v += le(UInt64(0))  // uncompressed_size
    // xf_blob_t: fields first, then their data, each padded to 8 bytes.
    let nameLength = i.name.count + 1
    let namePadded = (nameLength + 7) & ~7
    let fieldCount: UInt16 = i.dstream == nil ? 1 : 2
    v += le(fieldCount)  // xf_num_exts
    v += le(UInt16(namePadded + (i.dstream == nil ? 0 : 40)))  // xf_used_data
    v += [4, 0x02] + le(UInt16(nameLength))  // INO_EXT_TYPE_NAME, XF_DO_NOT_COPY
    if i.dstream != nil { v += [8, 0x20] + le(UInt16(40)) }  // INO_EXT_TYPE_DSTREAM, XF_SYSTEM_FIELD
    v += i.name + [UInt8](repeating: 0, count: namePadded - i.name.count)
    if let d = i.dstream {
      v += le(d.size) + le(d.allocated) + le(d.cryptoID) + le(d.size) + le(UInt64(0))  // j_dstream_t
    }
    return v
  }

  /// `j_drec_hashed_key_t`.
  static func dirRecordKey(parent: UInt64, name: [UInt8], caseFold: Bool) -> [UInt8] {
    header(parent, typeDirRecord) + le(dentryNameLengthAndHash(name, caseFold: caseFold)) + name + [0]
  }

  /// `j_drec_val_t`, with the SIBLING_ID (1) extended field for hard-linked files.
  static func dirRecordValue(fileID: UInt64, dateAdded: UInt64, type: UInt16, siblingID: UInt64?) -> [UInt8] {
    var v = le(fileID) + le(dateAdded) + le(type)
    if let s = siblingID {
      v += le(UInt16(1)) + le(UInt16(8))  // xf_num_exts, xf_used_data
      v += [1, 0] + le(UInt16(8))  // DREC_EXT_TYPE_SIBLING_ID
      v += le(s)
    }
    return v
  }

  /// `j_xattr_key_t` and an embedded `j_xattr_val_t`.
  static func xattrKey(_ id: UInt64, name: [UInt8]) -> [UInt8] {
    header(id, typeXattr) + le(UInt16(name.count + 1)) + name + [0]
  }

  static func xattrValue(flags: UInt16, data: [UInt8]) -> [UInt8] {
    le(flags) + le(UInt16(data.count)) + data
  }

  /// `j_sibling_key_t` / `j_sibling_val_t`.
  static func siblingLinkKey(_ id: UInt64, sibling: UInt64) -> [UInt8] { header(id, typeSiblingLink) + le(sibling) }
  static func siblingLinkValue(parent: UInt64, name: [UInt8]) -> [UInt8] {
    le(parent) + le(UInt16(name.count + 1)) + name + [0]
  }

  /// `j_sibling_map_key_t` / `j_sibling_map_val_t`.
  static func siblingMapKey(_ sibling: UInt64) -> [UInt8] { header(sibling, typeSiblingMap) }
  static func siblingMapValue(fileID: UInt64) -> [UInt8] { le(fileID) }

  /// `j_dstream_id_key_t` / `j_dstream_id_val_t`.
  static func dstreamIDKey(_ id: UInt64) -> [UInt8] { header(id, typeDstreamID) }
  static func dstreamIDValue(references: UInt32) -> [UInt8] { le(references) }

  /// `j_crypto_key_t` / `j_crypto_val_t` with a `wrapped_crypto_state_t` holding `wrappedKey`.
  static func cryptoKey(_ id: UInt64) -> [UInt8] { header(id, typeCryptoState) }
  static func cryptoValue(protectionClass: UInt32, osVersion: UInt32, wrappedKey: [UInt8]) -> [UInt8] {
    var v = le(UInt32(1))  // refcnt
    v += le(UInt16(5)) + le(UInt16(0))  // major_version, minor_version
    v += le(UInt32(0))  // cpflags
    v += le(protectionClass)  // persistent_class
    v += le(osVersion)  // key_os_version
    v += le(UInt16(1))  // key_revision
    v += le(UInt16(wrappedKey.count))  // key_len
    return v + wrappedKey
  }

  /// `j_file_extent_key_t` / `j_file_extent_val_t`.
  static func fileExtentKey(_ id: UInt64, logical: UInt64) -> [UInt8] { header(id, typeFileExtent) + le(logical) }
  static func fileExtentValue(length: UInt64, physical: UInt64, cryptoID: UInt64) -> [UInt8] {
    le(length & 0x00FF_FFFF_FFFF_FFFF) + le(physical) + le(cryptoID)
  }

  /// `j_phys_ext_key_t` / `j_phys_ext_val_t` (kind NEW, one reference).
  static func physicalExtentKey(_ paddr: UInt64) -> [UInt8] { header(paddr, typeExtent) }
  static func physicalExtentValue(blocks: UInt64, owner: UInt64) -> [UInt8] {
    le(blocks & 0x0FFF_FFFF_FFFF_FFFF | (1 << 60)) + le(owner) + le(Int32(1))
  }

  /// Strict order of file-system keys: object id, record type, then the type's own field.
  static func less(_ a: [UInt8], _ b: [UInt8], caseFold: Bool) -> Bool {
    let ha = u64(a, 0)
    let hb = u64(b, 0)
    let (ida, idb) = (ha & 0x0FFF_FFFF_FFFF_FFFF, hb & 0x0FFF_FFFF_FFFF_FFFF)
    if ida != idb { return ida < idb }
    let (ta, tb) = (ha >> 60, hb >> 60)
    if ta != tb { return ta < tb }
    switch ta {
    case typeDirRecord:
      let (na, nb) = (u32(a, 8), u32(b, 8))
      if na != nb { return na < nb }
      let fold: (UInt8) -> UInt8 = { c in caseFold && c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
      return a[12...].map(fold).lexicographicallyPrecedes(b[12...].map(fold))
    case typeXattr:
      return a[10...].lexicographicallyPrecedes(b[10...])
    case typeFileExtent, typeSiblingLink:
      return u64(a, 8) < u64(b, 8)
    default:
      return false
    }
  }

  static func u64(_ a: [UInt8], _ o: Int) -> UInt64 {
    var v: UInt64 = 0
    for i in 0..<8 { v |= UInt64(a[o + i]) << (8 * UInt64(i)) }
    return v
  }
  static func u32(_ a: [UInt8], _ o: Int) -> UInt32 {
    var v: UInt32 = 0
    for i in 0..<4 { v |= UInt32(a[o + i]) << (8 * UInt32(i)) }
    return v
  }
}
