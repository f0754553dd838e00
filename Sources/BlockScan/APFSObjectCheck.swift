/// Recognises a block that is a valid APFS object: a plausible `obj_phys_t` header and a correct Fletcher-64
/// checksum over the whole block.
///
/// The header test runs first (a few loads) so that Fletcher-64 runs only on candidates. An object verifies only
/// when the scan block size equals the container's block size (4096 on every Apple device so far).
/// On disk: `obj_phys_t`, Apple File System Reference §Objects (see apfs-notes §3.1–3.2).
public enum APFSObjectCheck {
  /// `o_type` values of the three keybag objects, which use the whole 32-bit field.
  public static let keybagTypes: [UInt32] = [0x6B65_7973, 0x7265_6373, 0x6D6B_6579]  // "keys", "recs", "mkey"

  /// True when the header fields could belong to an object with a checksum: a known object type (0x01...0x20 or a
  /// keybag), a storage type other than the invalid 0xC0000000, no `OBJ_NOHEADER`, no undefined flag bits, and a
  /// non-zero object id.
  @inlinable
  public static func hasPlausibleHeader(_ block: UnsafeRawBufferPointer) -> Bool {
    guard block.count >= 32 else { return false }
    let objectID = block.loadUnaligned(fromByteOffset: 0x08, as: UInt64.self).littleEndian  // o_oid
    let typeAndFlags = block.loadUnaligned(fromByteOffset: 0x18, as: UInt32.self).littleEndian  // o_type
    guard objectID != 0 else { return false }
    if typeAndFlags == 0x6B65_7973 || typeAndFlags == 0x7265_6373 || typeAndFlags == 0x6D6B_6579 { return true }
    let type = typeAndFlags & 0xFFFF
    let flags = typeAndFlags & 0xFFFF_0000
    guard (0x01...0x20).contains(type), type != 0x04 else { return false }
    guard flags & 0xC000_0000 != 0xC000_0000 else { return false }  // OBJ_STORAGETYPE_MASK has 3 valid values
    guard flags & 0x2000_0000 == 0 else { return false }  // OBJ_NOHEADER: no checksum to verify
    return flags & 0x07FF_0000 == 0  // only ENCRYPTED 0x10000000 and NONPERSISTENT 0x08000000 remain defined
  }

  /// True when `block` has a plausible header and its stored `o_cksum` equals its Fletcher-64 checksum.
  @inlinable
  public static func isValidObject(_ block: UnsafeRawBufferPointer) -> Bool {
    guard hasPlausibleHeader(block) else { return false }
    let stored = block.loadUnaligned(fromByteOffset: 0, as: UInt64.self).littleEndian  // o_cksum
    return BlockKernels.fletcher64(block) == stored
  }
}
