/// `ringo ipsw FILE`: the inventory of a firmware archive, the JSON contract `ringo.ipsw/1` (README).
///
/// The IPSW format module produces the facts (`IPSWInventory`); Reporting maps them into this model. Unknown values
/// are `null`, never omitted.
public struct IPSWReport: Sendable, Codable, Equatable {
  public static let schemaID = "ringo.ipsw/1"

  public var schema = IPSWReport.schemaID
  public var tool: TriageReport.Tool
  public var evidence: Evidence
  public var archive: Archive
  public var product: Product
  public var identities: [Identity]
  public var components: [Component]
  public var digestsChecked: Bool
  public var diskImages: [DiskImage]
  @Nullable public var rootFilesystem: String?
  /// The APFS volumes of the root filesystem DMG; null when it could not be read (see `root_filesystem_error`).
  @Nullable public var rootFilesystemVolumes: [RootVolume]?
  @Nullable public var rootFilesystemError: String?
  @Nullable public var kernelcache: Kernelcache?
  public var img4Files: [IMG4File]
  @Nullable public var ticket: Ticket?
  @Nullable public var spaceEstimate: SpaceEstimate?
  public var errors: [TriageReport.ReportError]

  public init(
    tool: TriageReport.Tool, evidence: Evidence, archive: Archive, product: Product, identities: [Identity],
    components: [Component], digestsChecked: Bool, diskImages: [DiskImage], rootFilesystem: String?,
    rootFilesystemVolumes: [RootVolume]?, rootFilesystemError: String?, kernelcache: Kernelcache?,
    img4Files: [IMG4File], ticket: Ticket?, spaceEstimate: SpaceEstimate?, errors: [TriageReport.ReportError]
  ) {
    self.tool = tool
    self.evidence = evidence
    self.archive = archive
    self.product = product
    self.identities = identities
    self.components = components
    self.digestsChecked = digestsChecked
    self.diskImages = diskImages
    self.rootFilesystem = rootFilesystem
    self.rootFilesystemVolumes = rootFilesystemVolumes
    self.rootFilesystemError = rootFilesystemError
    self.kernelcache = kernelcache
    self.img4Files = img4Files
    self.ticket = ticket
    self.spaceEstimate = spaceEstimate
    self.errors = errors
  }

  enum CodingKeys: String, CodingKey {
    case schema, tool, evidence, archive, product, identities, components, digestsChecked = "digests_checked"
    case diskImages = "disk_images", rootFilesystem = "root_filesystem"
    case rootFilesystemVolumes = "root_filesystem_volumes", rootFilesystemError = "root_filesystem_error"
    case kernelcache, img4Files = "img4_files", ticket, spaceEstimate = "space_estimate", errors
  }

  public struct Evidence: Sendable, Codable, Equatable {
    public var path: String
    public var sizeBytes: Int
    public var format = "ipsw"
    public init(path: String, sizeBytes: Int) {
      self.path = path
      self.sizeBytes = sizeBytes
    }
    enum CodingKeys: String, CodingKey { case path, sizeBytes = "size_bytes", format }
  }

  public struct Archive: Sendable, Codable, Equatable {
    public var entries: Int
    public var zip64: Bool
    public var centralDirectoryOffset: Int
    public var centralDirectorySize: Int
    public init(entries: Int, zip64: Bool, centralDirectoryOffset: Int, centralDirectorySize: Int) {
      self.entries = entries
      self.zip64 = zip64
      self.centralDirectoryOffset = centralDirectoryOffset
      self.centralDirectorySize = centralDirectorySize
    }
    enum CodingKeys: String, CodingKey {
      case entries, zip64, centralDirectoryOffset = "central_directory_offset"
      case centralDirectorySize = "central_directory_size"
    }
  }

  public struct Product: Sendable, Codable, Equatable {
    public var types: [String]
    @Nullable public var version: String?
    @Nullable public var build: String?
    @Nullable public var manifestVersion: Int?
    public init(types: [String], version: String?, build: String?, manifestVersion: Int?) {
      self.types = types
      self.version = version
      self.build = build
      self.manifestVersion = manifestVersion
    }
    enum CodingKeys: String, CodingKey { case types, version, build, manifestVersion = "manifest_version" }
  }

  public struct Identity: Sendable, Codable, Equatable {
    public var index: Int
    @Nullable public var variant: String?
    @Nullable public var restoreBehavior: String?
    @Nullable public var deviceClass: String?
    @Nullable public var boardID: Int?
    @Nullable public var chipID: Int?
    @Nullable public var securityDomain: Int?
    @Nullable public var productType: String?
    @Nullable public var buildNumber: String?
    @Nullable public var minimumSystemPartitionMiB: Int?
    /// Capacity in GB (as text) to padding in MiB.
    public var systemPartitionPaddingMiB: [String: Int]
    /// How many components the identity lists.
    public var components: Int
    public init(
      index: Int, variant: String?, restoreBehavior: String?, deviceClass: String?, boardID: Int?, chipID: Int?,
      securityDomain: Int?, productType: String?, buildNumber: String?, minimumSystemPartitionMiB: Int?,
      systemPartitionPaddingMiB: [String: Int], components: Int
    ) {
      self.index = index
      self.variant = variant
      self.restoreBehavior = restoreBehavior
      self.deviceClass = deviceClass
      self.boardID = boardID
      self.chipID = chipID
      self.securityDomain = securityDomain
      self.productType = productType
      self.buildNumber = buildNumber
      self.minimumSystemPartitionMiB = minimumSystemPartitionMiB
      self.systemPartitionPaddingMiB = systemPartitionPaddingMiB
      self.components = components
    }
    enum CodingKeys: String, CodingKey {
      case index, variant, restoreBehavior = "restore_behavior", deviceClass = "device_class", boardID = "board_id"
      case chipID = "chip_id", securityDomain = "security_domain", productType = "product_type"
      case buildNumber = "build_number", minimumSystemPartitionMiB = "minimum_system_partition_mib"
      case systemPartitionPaddingMiB = "system_partition_padding_mib", components
    }
  }

  public struct Component: Sendable, Codable, Equatable {
    public var name: String
    public var path: String
    public var identities: [Int]
    public var inArchive: Bool
    @Nullable public var sizeBytes: UInt64?
    @Nullable public var compressedSizeBytes: UInt64?
    @Nullable public var method: String?
    @Nullable public var digestAlgorithm: String?
    public var digestStatus: String
    @Nullable public var digestDetail: String?
    public init(
      name: String, path: String, identities: [Int], inArchive: Bool, sizeBytes: UInt64?,
      compressedSizeBytes: UInt64?, method: String?, digestAlgorithm: String?, digestStatus: String,
      digestDetail: String?
    ) {
      self.name = name
      self.path = path
      self.identities = identities
      self.inArchive = inArchive
      self.sizeBytes = sizeBytes
      self.compressedSizeBytes = compressedSizeBytes
      self.method = method
      self.digestAlgorithm = digestAlgorithm
      self.digestStatus = digestStatus
      self.digestDetail = digestDetail
    }
    enum CodingKeys: String, CodingKey {
      case name, path, identities, inArchive = "in_archive", sizeBytes = "size_bytes"
      case compressedSizeBytes = "compressed_size_bytes", method, digestAlgorithm = "digest_algorithm"
      case digestStatus = "digest_status", digestDetail = "digest_detail"
    }
  }

  public struct DiskImage: Sendable, Codable, Equatable {
    public var name: String
    public var sizeBytes: UInt64
    public var compressedSizeBytes: UInt64
    public var method: String
    public var role: String
    public var aeaEncrypted: Bool
    @Nullable public var container: String?
    @Nullable public var expandedSizeBytes: Int?
    public init(
      name: String, sizeBytes: UInt64, compressedSizeBytes: UInt64, method: String, role: String, aeaEncrypted: Bool,
      container: String?, expandedSizeBytes: Int?
    ) {
      self.name = name
      self.sizeBytes = sizeBytes
      self.compressedSizeBytes = compressedSizeBytes
      self.method = method
      self.role = role
      self.aeaEncrypted = aeaEncrypted
      self.container = container
      self.expandedSizeBytes = expandedSizeBytes
    }
    enum CodingKeys: String, CodingKey {
      case name, sizeBytes = "size_bytes", compressedSizeBytes = "compressed_size_bytes", method, role
      case aeaEncrypted = "aea_encrypted", container, expandedSizeBytes = "expanded_size_bytes"
    }
  }

  public struct RootVolume: Sendable, Codable, Equatable {
    public var name: String
    public var role: String
    public var encryption: String
    public var allocatedBytes: UInt64
    public init(name: String, role: String, encryption: String, allocatedBytes: UInt64) {
      self.name = name
      self.role = role
      self.encryption = encryption
      self.allocatedBytes = allocatedBytes
    }
    enum CodingKeys: String, CodingKey { case name, role, encryption, allocatedBytes = "allocated_bytes" }
  }

  public struct Kernelcache: Sendable, Codable, Equatable {
    public var path: String
    public var im4pType: String
    public var description: String
    public var payloadFormat: String
    public var payloadSizeBytes: Int
    public var encrypted: Bool
    public var keybags: [Keybag]
    @Nullable public var compressedSizeBytes: Int?
    @Nullable public var uncompressedSizeBytes: Int?
    @Nullable public var appendedDataBytes: Int?
    public var decompressed: Bool
    @Nullable public var decompressionNote: String?
    public var fatWrapperStripped: Bool
    @Nullable public var kernelVersion: String?
    @Nullable public var personalize: Bool?
    @Nullable public var trusted: Bool?
    public init(
      path: String, im4pType: String, description: String, payloadFormat: String, payloadSizeBytes: Int,
      encrypted: Bool, keybags: [Keybag], compressedSizeBytes: Int?, uncompressedSizeBytes: Int?,
      appendedDataBytes: Int?, decompressed: Bool, decompressionNote: String?, fatWrapperStripped: Bool,
      kernelVersion: String?, personalize: Bool?, trusted: Bool?
    ) {
      self.path = path
      self.im4pType = im4pType
      self.description = description
      self.payloadFormat = payloadFormat
      self.payloadSizeBytes = payloadSizeBytes
      self.encrypted = encrypted
      self.keybags = keybags
      self.compressedSizeBytes = compressedSizeBytes
      self.uncompressedSizeBytes = uncompressedSizeBytes
      self.appendedDataBytes = appendedDataBytes
      self.decompressed = decompressed
      self.decompressionNote = decompressionNote
      self.fatWrapperStripped = fatWrapperStripped
      self.kernelVersion = kernelVersion
      self.personalize = personalize
      self.trusted = trusted
    }
    /// A key bag's kind and sizes; the wrapped key itself is never reported.
    public struct Keybag: Sendable, Codable, Equatable {
      public var type: String
      public var ivLength: Int
      public var keyLength: Int
      public init(type: String, ivLength: Int, keyLength: Int) {
        self.type = type
        self.ivLength = ivLength
        self.keyLength = keyLength
      }
      enum CodingKeys: String, CodingKey { case type, ivLength = "iv_length", keyLength = "key_length" }
    }
    enum CodingKeys: String, CodingKey {
      case path, im4pType = "im4p_type", description, payloadFormat = "payload_format"
      case payloadSizeBytes = "payload_size_bytes", encrypted, keybags, compressedSizeBytes = "compressed_size_bytes"
      case uncompressedSizeBytes = "uncompressed_size_bytes", appendedDataBytes = "appended_data_bytes"
      case decompressed, decompressionNote = "decompression_note", fatWrapperStripped = "fat_wrapper_stripped"
      case kernelVersion = "kernel_version", personalize, trusted
    }
  }

  public struct IMG4File: Sendable, Codable, Equatable {
    public var path: String
    public var type: String
    public var description: String
    public var payloadFormat: String
    public var payloadSizeBytes: Int
    public var keybags: [String]
    public init(
      path: String, type: String, description: String, payloadFormat: String, payloadSizeBytes: Int,
      keybags: [String]
    ) {
      self.path = path
      self.type = type
      self.description = description
      self.payloadFormat = payloadFormat
      self.payloadSizeBytes = payloadSizeBytes
      self.keybags = keybags
    }
    enum CodingKeys: String, CodingKey {
      case path, type, description, payloadFormat = "payload_format", payloadSizeBytes = "payload_size_bytes"
      case keybags
    }
  }

  public struct Ticket: Sendable, Codable, Equatable {
    /// MANP properties by name, as text.
    public var properties: [String: String]
    public var images: Int
    public var signature: Signature
    public var certificates: [Certificate]
    @Nullable public var matchedIdentity: Int?
    public var digestComparison: [DigestComparison]
    public init(
      properties: [String: String], images: Int, signature: Signature, certificates: [Certificate],
      matchedIdentity: Int?, digestComparison: [DigestComparison]
    ) {
      self.properties = properties
      self.images = images
      self.signature = signature
      self.certificates = certificates
      self.matchedIdentity = matchedIdentity
      self.digestComparison = digestComparison
    }
    enum CodingKeys: String, CodingKey {
      case properties, images, signature, certificates, matchedIdentity = "matched_identity"
      case digestComparison = "digest_comparison"
    }

    public struct Signature: Sendable, Codable, Equatable {
      public var status: String
      public var algorithm: String
      @Nullable public var signer: String?
      public init(status: String, algorithm: String, signer: String?) {
        self.status = status
        self.algorithm = algorithm
        self.signer = signer
      }
    }

    public struct Certificate: Sendable, Codable, Equatable {
      public var subject: String
      public var issuer: String
      /// ISO 8601.
      public var notBefore: String
      public var notAfter: String
      public var validity: String
      public var issuerCheck: String
      public init(
        subject: String, issuer: String, notBefore: String, notAfter: String, validity: String, issuerCheck: String
      ) {
        self.subject = subject
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.validity = validity
        self.issuerCheck = issuerCheck
      }
      enum CodingKeys: String, CodingKey {
        case subject, issuer, notBefore = "not_before", notAfter = "not_after", validity
        case issuerCheck = "issuer_check"
      }
    }

    public struct DigestComparison: Sendable, Codable, Equatable {
      public var component: String
      public var fourCC: String
      public var status: String
      public init(component: String, fourCC: String, status: String) {
        self.component = component
        self.fourCC = fourCC
        self.status = status
      }
      enum CodingKeys: String, CodingKey { case component, fourCC = "fourcc", status }
    }
  }

  public struct SpaceEstimate: Sendable, Codable, Equatable {
    public var isEstimate: Bool
    public var deviceCapacityGB: Int
    public var minimumSystemPartitionMiB: Int
    @Nullable public var paddingMiB: Int?
    @Nullable public var paddingKeyGB: Int?
    public var estimatedMiB: Int
    public var estimatedBytes: UInt64
    public var sources: [String]
    public init(
      isEstimate: Bool = true, deviceCapacityGB: Int, minimumSystemPartitionMiB: Int, paddingMiB: Int?,
      paddingKeyGB: Int?, estimatedMiB: Int, estimatedBytes: UInt64, sources: [String]
    ) {
      self.isEstimate = isEstimate
      self.deviceCapacityGB = deviceCapacityGB
      self.minimumSystemPartitionMiB = minimumSystemPartitionMiB
      self.paddingMiB = paddingMiB
      self.paddingKeyGB = paddingKeyGB
      self.estimatedMiB = estimatedMiB
      self.estimatedBytes = estimatedBytes
      self.sources = sources
    }
    enum CodingKeys: String, CodingKey {
      case isEstimate = "is_estimate", deviceCapacityGB = "device_capacity_gb"
      case minimumSystemPartitionMiB = "minimum_system_partition_mib", paddingMiB = "padding_mib"
      case paddingKeyGB = "padding_key_gb", estimatedMiB = "estimated_mib", estimatedBytes = "estimated_bytes"
      case sources
    }
  }
}
