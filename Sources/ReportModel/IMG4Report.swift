/// `ringo ipsw img4 FILE`: a standalone IMG4, IM4P, IM4M or IM4R object (`ringo.img4/1`).
public struct IMG4Report: Sendable, Codable, Equatable {
  public static let schemaID = "ringo.img4/1"

  public var schema = IMG4Report.schemaID
  public var tool: TriageReport.Tool
  public var path: String
  /// `IMG4`, `IM4P`, `IM4M` or `IM4R`.
  public var kind: String
  @Nullable public var payload: Payload?
  @Nullable public var manifest: Manifest?
  /// IM4R properties (boot nonce ...), as text.
  @Nullable public var restoreInfo: [Property]?

  public init(
    tool: TriageReport.Tool, path: String, kind: String, payload: Payload? = nil, manifest: Manifest? = nil,
    restoreInfo: [Property]? = nil
  ) {
    self.tool = tool
    self.path = path
    self.kind = kind
    self.payload = payload
    self.manifest = manifest
    self.restoreInfo = restoreInfo
  }
  enum CodingKeys: String, CodingKey {
    case schema, tool, path, kind, payload, manifest, restoreInfo = "restore_info"
  }

  public struct Property: Sendable, Codable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  /// The IM4P: type, description, where the payload lies, its format and compression, key bags (sizes only).
  public struct Payload: Sendable, Codable, Equatable {
    public var type: String
    public var description: String
    public var payloadOffset: Int
    public var payloadSizeBytes: Int
    public var payloadFormat: String
    @Nullable public var complzss: Complzss?
    @Nullable public var compressionAlgorithm: Int?
    @Nullable public var compressionUncompressedSize: UInt64?
    public var keybags: [IPSWReport.Kernelcache.Keybag]
    public init(
      type: String, description: String, payloadOffset: Int, payloadSizeBytes: Int, payloadFormat: String,
      complzss: Complzss?, compressionAlgorithm: Int?, compressionUncompressedSize: UInt64?,
      keybags: [IPSWReport.Kernelcache.Keybag]
    ) {
      self.type = type
      self.description = description
      self.payloadOffset = payloadOffset
      self.payloadSizeBytes = payloadSizeBytes
      self.payloadFormat = payloadFormat
      self.complzss = complzss
      self.compressionAlgorithm = compressionAlgorithm
      self.compressionUncompressedSize = compressionUncompressedSize
      self.keybags = keybags
    }
    enum CodingKeys: String, CodingKey {
      case type, description, payloadOffset = "payload_offset", payloadSizeBytes = "payload_size_bytes"
      case payloadFormat = "payload_format", complzss, compressionAlgorithm = "compression_algorithm"
      case compressionUncompressedSize = "compression_uncompressed_size", keybags
    }

    public struct Complzss: Sendable, Codable, Equatable {
      public var compressedSize: UInt32
      public var uncompressedSize: UInt32
      public var appendedDataBytes: Int
      public init(compressedSize: UInt32, uncompressedSize: UInt32, appendedDataBytes: Int) {
        self.compressedSize = compressedSize
        self.uncompressedSize = uncompressedSize
        self.appendedDataBytes = appendedDataBytes
      }
      enum CodingKeys: String, CodingKey {
        case compressedSize = "compressed_size", uncompressedSize = "uncompressed_size"
        case appendedDataBytes = "appended_data_bytes"
      }
    }
  }

  /// The IM4M (ticket): properties, the signature check and the certificate chain.
  public struct Manifest: Sendable, Codable, Equatable {
    public var version: Int
    public var properties: [Property]
    public var images: Int
    public var signature: IPSWReport.Ticket.Signature
    public var certificates: [IPSWReport.Ticket.Certificate]
    public init(
      version: Int, properties: [Property], images: Int, signature: IPSWReport.Ticket.Signature,
      certificates: [IPSWReport.Ticket.Certificate]
    ) {
      self.version = version
      self.properties = properties
      self.images = images
      self.signature = signature
      self.certificates = certificates
    }
  }
}
