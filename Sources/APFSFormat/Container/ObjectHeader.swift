import ImageAccess

/// The 32-byte header of every APFS object. On disk: `obj_phys_t`, Apple File System Reference §Objects.
public struct ObjectHeader: Sendable, Equatable {
  public var checksum: UInt64  // o_cksum
  public var objectID: UInt64  // o_oid
  public var transactionID: UInt64  // o_xid
  public var typeAndFlags: UInt32  // o_type
  public var subtype: UInt32  // o_subtype

  public static let size = 32

  public init(parsing reader: ByteReader, at offset: Int = 0) throws(ParseError) {
    checksum = try reader.u64(offset)
    objectID = try reader.u64(offset + 8)
    transactionID = try reader.u64(offset + 16)
    typeAndFlags = try reader.u32(offset + 24)
    subtype = try reader.u32(offset + 28)
  }

  /// The object type without storage flags (`o_type & OBJECT_TYPE_MASK`).
  public var type: ObjectType { ObjectType(rawValue: typeAndFlags & 0x0000_FFFF) }
  public var isEphemeral: Bool { typeAndFlags & 0x8000_0000 != 0 }
  public var isPhysical: Bool { typeAndFlags & 0x4000_0000 != 0 }
  public var isVirtual: Bool { !isEphemeral && !isPhysical }
  public var isEncrypted: Bool { typeAndFlags & 0x1000_0000 != 0 }
}

/// Object types (`OBJECT_TYPE_*`). An open set: unknown values still parse.
public struct ObjectType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  public var rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  public static let nxSuperblock = ObjectType(rawValue: 0x01)
  public static let btree = ObjectType(rawValue: 0x02)
  public static let btreeNode = ObjectType(rawValue: 0x03)
  public static let spaceman = ObjectType(rawValue: 0x05)
  public static let spacemanCAB = ObjectType(rawValue: 0x06)
  public static let spacemanCIB = ObjectType(rawValue: 0x07)
  public static let spacemanBitmap = ObjectType(rawValue: 0x08)
  public static let spacemanFreeQueue = ObjectType(rawValue: 0x09)
  public static let extentListTree = ObjectType(rawValue: 0x0A)
  public static let omap = ObjectType(rawValue: 0x0B)
  public static let checkpointMap = ObjectType(rawValue: 0x0C)
  public static let fs = ObjectType(rawValue: 0x0D)
  public static let fsTree = ObjectType(rawValue: 0x0E)
  public static let blockRefTree = ObjectType(rawValue: 0x0F)
  public static let snapMetaTree = ObjectType(rawValue: 0x10)
  public static let nxReaper = ObjectType(rawValue: 0x11)
  public static let nxReapList = ObjectType(rawValue: 0x12)
  public static let omapSnapshot = ObjectType(rawValue: 0x13)
  public static let efiJumpstart = ObjectType(rawValue: 0x14)

  public var description: String { hex(rawValue) }
}

extension ByteReader {
  /// Throws unless the stored Fletcher-64 checksum of this whole block matches.
  public func verifyObjectChecksum(structure: String) throws(ParseError) {
    let stored = try u64(0)
    let computed = Fletcher64.checksum(bytes)
    guard stored == computed else {
      throw ParseError(.checksumMismatch(stored: stored, computed: computed), in: structure, at: base)
    }
  }

  /// Throws unless the object header has the expected type (ignoring storage flags).
  public func expectObjectType(_ type: ObjectType, structure: String) throws(ParseError) {
    let found = try u32(24) & 0xFFFF
    guard found == type.rawValue else {
      throw ParseError(.badMagic(expected: UInt64(type.rawValue), found: UInt64(found)), in: structure, at: base + 24)
    }
  }
}
