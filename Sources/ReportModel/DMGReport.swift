/// `ringo dmg IMAGE`: what a disk-image file is and, for UDIF, how its virtual disk is stored (`ringo.dmg/1`).
public struct DMGReport: Sendable, Codable, Equatable {
  public static let schemaID = "ringo.dmg/1"

  public var schema = DMGReport.schemaID
  public var tool: TriageReport.Tool
  public var path: String
  public var sizeBytes: Int
  /// `udif`, `encrcdsa`, `aea` or `raw`.
  public var kind: String
  @Nullable public var encrcdsa: Encrcdsa?
  @Nullable public var aea: AEA?
  @Nullable public var udif: UDIF?

  public init(
    tool: TriageReport.Tool, path: String, sizeBytes: Int, kind: String, encrcdsa: Encrcdsa? = nil, aea: AEA? = nil,
    udif: UDIF? = nil
  ) {
    self.tool = tool
    self.path = path
    self.sizeBytes = sizeBytes
    self.kind = kind
    self.encrcdsa = encrcdsa
    self.aea = aea
    self.udif = udif
  }
  enum CodingKeys: String, CodingKey { case schema, tool, path, sizeBytes = "size_bytes", kind, encrcdsa, aea, udif }

  /// An encrypted (encrcdsa) image's header facts; it is recognised, not decrypted.
  public struct Encrcdsa: Sendable, Codable, Equatable {
    public var keyBits: UInt32
    public var hmacKeyBits: UInt32
    public var blockSize: UInt32
    public var dataSizeBytes: UInt64
    public var dataOffset: UInt64
    public var keyRequirement: String
    public init(
      keyBits: UInt32, hmacKeyBits: UInt32, blockSize: UInt32, dataSizeBytes: UInt64, dataOffset: UInt64,
      keyRequirement: String
    ) {
      self.keyBits = keyBits
      self.hmacKeyBits = hmacKeyBits
      self.blockSize = blockSize
      self.dataSizeBytes = dataSizeBytes
      self.dataOffset = dataOffset
      self.keyRequirement = keyRequirement
    }
    enum CodingKeys: String, CodingKey {
      case keyBits = "key_bits", hmacKeyBits = "hmac_key_bits", blockSize = "block_size"
      case dataSizeBytes = "data_size_bytes", dataOffset = "data_offset", keyRequirement = "key_requirement"
    }
  }

  /// An Apple Encrypted Archive wrapper's header facts.
  public struct AEA: Sendable, Codable, Equatable {
    public var profile: UInt32
    public var profileName: String
    public var scryptStrength: UInt8
    public var authDataBytes: UInt32
    /// The auth-data field names, in stored order (values are not reported).
    public var authFields: [String]
    @Nullable public var keyServiceURL: String?
    public var keyRequirement: String
    public init(
      profile: UInt32, profileName: String, scryptStrength: UInt8, authDataBytes: UInt32, authFields: [String],
      keyServiceURL: String?, keyRequirement: String
    ) {
      self.profile = profile
      self.profileName = profileName
      self.scryptStrength = scryptStrength
      self.authDataBytes = authDataBytes
      self.authFields = authFields
      self.keyServiceURL = keyServiceURL
      self.keyRequirement = keyRequirement
    }
    enum CodingKeys: String, CodingKey {
      case profile, profileName = "profile_name", scryptStrength = "scrypt_strength"
      case authDataBytes = "auth_data_bytes", authFields = "auth_fields", keyServiceURL = "key_service_url"
      case keyRequirement = "key_requirement"
    }
  }

  /// A UDIF image: its koly trailer, partitions and chunks per type.
  public struct UDIF: Sendable, Codable, Equatable {
    public var kolyVersion: UInt32
    public var flags: UInt32
    public var imageVariant: UInt32
    public var segmentNumber: UInt32
    public var segmentCount: UInt32
    public var dataForkOffset: UInt64
    public var dataForkLength: UInt64
    public var xmlOffset: UInt64
    public var xmlLength: UInt64
    public var masterChecksumType: UInt32
    public var masterChecksumBits: UInt32
    public var masterChecksumValue: UInt32
    public var sectors: UInt64
    public var expandedSizeBytes: Int
    /// Bytes of the virtual disk no chunk covers (they read as zeros).
    public var uncoveredBytes: Int
    public var partitions: [Partition]
    public var chunkTypes: [ChunkTypeCount]
    /// SHA-256 of the expanded virtual disk, when asked for (`--sha256`).
    @Nullable public var sha256: String?

    public init(
      kolyVersion: UInt32, flags: UInt32, imageVariant: UInt32, segmentNumber: UInt32, segmentCount: UInt32,
      dataForkOffset: UInt64, dataForkLength: UInt64, xmlOffset: UInt64, xmlLength: UInt64,
      masterChecksumType: UInt32, masterChecksumBits: UInt32, masterChecksumValue: UInt32, sectors: UInt64,
      expandedSizeBytes: Int, uncoveredBytes: Int, partitions: [Partition], chunkTypes: [ChunkTypeCount],
      sha256: String?
    ) {
      self.kolyVersion = kolyVersion
      self.flags = flags
      self.imageVariant = imageVariant
      self.segmentNumber = segmentNumber
      self.segmentCount = segmentCount
      self.dataForkOffset = dataForkOffset
      self.dataForkLength = dataForkLength
      self.xmlOffset = xmlOffset
      self.xmlLength = xmlLength
      self.masterChecksumType = masterChecksumType
      self.masterChecksumBits = masterChecksumBits
      self.masterChecksumValue = masterChecksumValue
      self.sectors = sectors
      self.expandedSizeBytes = expandedSizeBytes
      self.uncoveredBytes = uncoveredBytes
      self.partitions = partitions
      self.chunkTypes = chunkTypes
      self.sha256 = sha256
    }
    enum CodingKeys: String, CodingKey {
      case kolyVersion = "koly_version", flags, imageVariant = "image_variant", segmentNumber = "segment_number"
      case segmentCount = "segment_count", dataForkOffset = "data_fork_offset", dataForkLength = "data_fork_length"
      case xmlOffset = "xml_offset", xmlLength = "xml_length", masterChecksumType = "master_checksum_type"
      case masterChecksumBits = "master_checksum_bits", masterChecksumValue = "master_checksum_value", sectors
      case expandedSizeBytes = "expanded_size_bytes", uncoveredBytes = "uncovered_bytes", partitions
      case chunkTypes = "chunk_types", sha256
    }

    public struct Partition: Sendable, Codable, Equatable {
      public var index: Int
      @Nullable public var id: Int?
      public var firstSector: UInt64
      public var sectorCount: UInt64
      public var chunks: Int
      public var name: String
      public init(index: Int, id: Int?, firstSector: UInt64, sectorCount: UInt64, chunks: Int, name: String) {
        self.index = index
        self.id = id
        self.firstSector = firstSector
        self.sectorCount = sectorCount
        self.chunks = chunks
        self.name = name
      }
      enum CodingKeys: String, CodingKey {
        case index, id, firstSector = "first_sector", sectorCount = "sector_count", chunks, name
      }
    }

    public struct ChunkTypeCount: Sendable, Codable, Equatable {
      public var type: String
      public var chunks: Int
      /// Bytes stored in the file for this type (null for types that store nothing: zero fill, terminators).
      @Nullable public var storedBytes: Int?
      public init(type: String, chunks: Int, storedBytes: Int?) {
        self.type = type
        self.chunks = chunks
        self.storedBytes = storedBytes
      }
      enum CodingKeys: String, CodingKey { case type, chunks, storedBytes = "stored_bytes" }
    }
  }
}
