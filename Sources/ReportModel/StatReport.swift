/// `ringo stat IMAGE PATH`: one file's inode, extents, crypto states, protection class, compression and xattrs
/// (`ringo.stat/1`).
public struct StatReport: Sendable, Codable, Equatable {
  public static let schemaID = "ringo.stat/1"

  public var schema = StatReport.schemaID
  public var tool: TriageReport.Tool
  public var path: String
  public var volume: Volume
  @Nullable public var snapshot: Snapshot?
  public var inode: Inode
  @Nullable public var dataStream: DataStream?
  /// The inode's default protection class (`default_protection_class & 0x1F`).
  public var defaultProtectionClass: UInt32
  @Nullable public var compression: Compression?
  public var extents: [Extent]
  public var cryptoStates: [CryptoState]
  public var xattrs: [XAttr]

  public init(
    tool: TriageReport.Tool, path: String, volume: Volume, snapshot: Snapshot?, inode: Inode, dataStream: DataStream?,
    defaultProtectionClass: UInt32, compression: Compression?, extents: [Extent], cryptoStates: [CryptoState],
    xattrs: [XAttr]
  ) {
    self.tool = tool
    self.path = path
    self.volume = volume
    self.snapshot = snapshot
    self.inode = inode
    self.dataStream = dataStream
    self.defaultProtectionClass = defaultProtectionClass
    self.compression = compression
    self.extents = extents
    self.cryptoStates = cryptoStates
    self.xattrs = xattrs
  }
  enum CodingKeys: String, CodingKey {
    case schema, tool, path, volume, snapshot, inode, dataStream = "data_stream"
    case defaultProtectionClass = "default_protection_class", compression, extents, cryptoStates = "crypto_states"
    case xattrs
  }

  public struct Volume: Sendable, Codable, Equatable {
    public var name: String
    public var role: String
    public var encryption: String
    public init(name: String, role: String, encryption: String) {
      self.name = name
      self.role = role
      self.encryption = encryption
    }
  }

  public struct Snapshot: Sendable, Codable, Equatable {
    public var name: String
    public var xid: UInt64
    /// ISO 8601, UTC, nanoseconds.
    public var created: String
    public init(name: String, xid: UInt64, created: String) {
      self.name = name
      self.xid = xid
      self.created = created
    }
  }

  public struct Inode: Sendable, Codable, Equatable {
    public var id: UInt64
    public var parentID: UInt64
    public var privateID: UInt64
    public var kind: String
    public var mode: UInt16
    public var uid: UInt32
    public var gid: UInt32
    /// Children (directories) or hard links (files).
    public var links: Int32
    public init(
      id: UInt64, parentID: UInt64, privateID: UInt64, kind: String, mode: UInt16, uid: UInt32, gid: UInt32,
      links: Int32
    ) {
      self.id = id
      self.parentID = parentID
      self.privateID = privateID
      self.kind = kind
      self.mode = mode
      self.uid = uid
      self.gid = gid
      self.links = links
    }
    enum CodingKeys: String, CodingKey {
      case id, parentID = "parent_id", privateID = "private_id", kind, mode, uid, gid, links
    }
  }

  public struct DataStream: Sendable, Codable, Equatable {
    public var size: UInt64
    public var allocatedSize: UInt64
    public var defaultCryptoID: UInt64
    public init(size: UInt64, allocatedSize: UInt64, defaultCryptoID: UInt64) {
      self.size = size
      self.allocatedSize = allocatedSize
      self.defaultCryptoID = defaultCryptoID
    }
    enum CodingKeys: String, CodingKey {
      case size, allocatedSize = "allocated_size", defaultCryptoID = "default_crypto_id"
    }
  }

  public struct Compression: Sendable, Codable, Equatable {
    /// The decmpfs method's name, or `unreadable header`.
    public var method: String
    public var uncompressedSize: UInt64
    public init(method: String, uncompressedSize: UInt64) {
      self.method = method
      self.uncompressedSize = uncompressedSize
    }
    enum CodingKeys: String, CodingKey { case method, uncompressedSize = "uncompressed_size" }
  }

  public struct Extent: Sendable, Codable, Equatable {
    public var logicalAddress: UInt64
    public var length: UInt64
    /// Null for a sparse extent.
    @Nullable public var physicalBlock: UInt64?
    public var cryptoID: UInt64
    public init(logicalAddress: UInt64, length: UInt64, physicalBlock: UInt64?, cryptoID: UInt64) {
      self.logicalAddress = logicalAddress
      self.length = length
      self.physicalBlock = physicalBlock
      self.cryptoID = cryptoID
    }
    enum CodingKeys: String, CodingKey {
      case logicalAddress = "logical_address", length, physicalBlock = "physical_block", cryptoID = "crypto_id"
    }
  }

  /// A crypto id the extents use, and its crypto state record (null when the volume has none for it).
  public struct CryptoState: Sendable, Codable, Equatable {
    public var id: UInt64
    @Nullable public var protectionClass: String?
    @Nullable public var persistentClass: UInt32?
    @Nullable public var keyLength: UInt16?
    @Nullable public var version: String?
    public init(id: UInt64, protectionClass: String?, persistentClass: UInt32?, keyLength: UInt16?, version: String?) {
      self.id = id
      self.protectionClass = protectionClass
      self.persistentClass = persistentClass
      self.keyLength = keyLength
      self.version = version
    }
    enum CodingKeys: String, CodingKey {
      case id, protectionClass = "protection_class", persistentClass = "persistent_class", keyLength = "key_length"
      case version
    }
  }

  public struct XAttr: Sendable, Codable, Equatable {
    public var name: String
    /// Bytes stored in the record itself; null when the value is in a data stream.
    @Nullable public var embeddedBytes: Int?
    /// Size of the data stream holding the value; null when embedded.
    @Nullable public var streamBytes: UInt64?
    public init(name: String, embeddedBytes: Int?, streamBytes: UInt64?) {
      self.name = name
      self.embeddedBytes = embeddedBytes
      self.streamBytes = streamBytes
    }
    enum CodingKeys: String, CodingKey { case name, embeddedBytes = "embedded_bytes", streamBytes = "stream_bytes" }
  }
}
