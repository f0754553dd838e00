import ImageAccess
import SwiftASN1

/// One key bag entry of an encrypted IM4P: the IV and key wrapped with the device's GID key.
/// On disk: `SEQUENCE { INTEGER type, OCTET STRING iv, OCTET STRING key }` inside the IM4P's keybag OCTET STRING.
public struct Keybag: Sendable, Equatable, Codable {
  public var type: Int  // 1 = production, 2 = development
  public var iv: [UInt8]
  public var key: [UInt8]
  public var typeName: String { type == 1 ? "production" : type == 2 ? "development" : "type-\(type)" }
}

/// An Image4 payload: a firmware file (kernelcache, iBoot, device tree ...) with its type, description, payload
/// location, key bags and compression facts.
///
/// The outer SEQUENCE and the payload OCTET STRING are walked in place with ``DERHeader`` so a large payload is never
/// copied; the small key bag and compression elements are decoded with swift-asn1.
/// On disk: `IM4P ::= SEQUENCE { IA5String "IM4P", IA5String type, IA5String description, OCTET STRING payload,
/// OCTET STRING keybags OPTIONAL, SEQUENCE { INTEGER 1, INTEGER size } OPTIONAL, [0] PAYP OPTIONAL }`
/// (pyimg4 parser.py; ipsw-notes §3.3).
public struct IM4P: Sendable, Equatable {
  public var range: Range<Int>  // the whole IM4P element, absolute
  public var type: String  // four-character type, e.g. krnl
  public var description: String  // e.g. KernelCacheBuilder-...
  public var payload: Range<Int>  // absolute range of the payload bytes
  public var keybags: [Keybag]
  /// Compression info element: algorithm (1 = LZFSE) and uncompressed size.
  public var compressionAlgorithm: Int?
  public var compressionUncompressedSize: UInt64?
  public var hasProperties: Bool  // [0] PAYP present
  public var payloadFormat: PayloadFormat
  public var lzssHeader: LZSSHeader?

  public var isEncrypted: Bool { !keybags.isEmpty }

  /// Parses the IM4P element at `offset` of `source`.
  public init(parsing source: any ByteSource, at offset: Int = 0, limit: Int? = nil) throws {
    let structure = "IM4P"
    let end = limit ?? source.byteCount
    let outer = try DERHeader(in: source, at: offset, limit: end, structure: structure)
    guard outer.isSequence else {
      throw ParseError(.invalid("not a DER SEQUENCE (identifier \(outer.tagNumber))"), in: structure, at: offset)
    }
    range = offset..<outer.end
    let items = try outer.children(in: source, structure: structure, maxChildren: 16)
    guard items.count >= 4 else {
      throw ParseError(.invalid("has \(items.count) elements, needs at least 4"), in: structure, at: offset)
    }
    guard items[0].isIA5String, try source.derString(items[0], structure: structure) == "IM4P" else {
      throw ParseError(.invalid("first element is not IA5String \"IM4P\""), in: structure, at: items[0].offset)
    }
    guard items[1].isIA5String, items[2].isIA5String, items[3].isOctetString else {
      throw ParseError(
        .invalid("expected IA5String type, IA5String description, OCTET STRING payload"), in: structure,
        at: items[1].offset)
    }
    type = try source.derString(items[1], structure: structure, maxLength: 64)
    description = try source.derString(items[2], structure: structure)
    payload = items[3].contents
    var keybags: [Keybag] = []
    var algorithm: Int?
    var uncompressed: UInt64?
    var properties = false
    for item in items.dropFirst(4) {
      if item.isOctetString {
        guard item.contents.count <= 1 << 16 else {
          throw ParseError(.limitExceeded(what: "keybag size", limit: 1 << 16), in: "IM4P keybag", at: item.offset)
        }
        keybags = try Self.parseKeybags(try source.read(item.offset..<item.end), at: item.offset)
      } else if item.isSequence {
        guard item.contents.count <= 256 else {
          throw ParseError(.limitExceeded(what: "compression info size", limit: 256), in: "IM4P compression",
            at: item.offset)
        }
        (algorithm, uncompressed) = try Self.parseCompression(try source.read(item.offset..<item.end), at: item.offset)
      } else if item.isTag(.contextSpecific, 0) {
        properties = true
      }
    }
    self.keybags = keybags
    compressionAlgorithm = algorithm
    compressionUncompressedSize = uncompressed
    hasProperties = properties
    let head = try source.read(payload.lowerBound..<min(payload.upperBound, payload.lowerBound + LZSSHeader.size))
    payloadFormat = PayloadFormat.detect(head)
    if payloadFormat == .lzss {
      lzssHeader = try LZSSHeader(
        parsing: ByteReader(head, base: payload.lowerBound, structure: "complzss header"), payloadLength: payload.count)
    } else {
      lzssHeader = nil
    }
  }

  static func parseKeybags(_ bytes: [UInt8], at offset: Int) throws -> [Keybag] {
    let structure = "IM4P keybag"
    do {
      let octet = try ASN1OctetString(derEncoded: try DER.parse(bytes))
      let node = try DER.parse(octet.bytes)
      guard case .constructed(let entries) = node.content else {
        throw ParseError(.invalid("keybag is not a SEQUENCE"), in: structure, at: offset)
      }
      var out: [Keybag] = []
      for entry in entries {
        guard out.count < 16 else { break }
        guard case .constructed(let fields) = entry.content else {
          throw ParseError(.invalid("keybag entry is not a SEQUENCE"), in: structure, at: offset)
        }
        var it = fields.makeIterator()
        guard let t = it.next(), let iv = it.next(), let key = it.next() else {
          throw ParseError(.invalid("keybag entry needs type, iv and key"), in: structure, at: offset)
        }
        out.append(
          Keybag(
            type: try Int(derEncoded: t), iv: Array(try ASN1OctetString(derEncoded: iv).bytes),
            key: Array(try ASN1OctetString(derEncoded: key).bytes)))
      }
      return out
    } catch let error as ParseError {
      throw error
    } catch {
      throw ParseError(.invalid("bad DER: \(error)"), in: structure, at: offset)
    }
  }

  static func parseCompression(_ bytes: [UInt8], at offset: Int) throws -> (Int, UInt64) {
    do {
      let node = try DER.parse(bytes)
      guard case .constructed(let fields) = node.content else {
        throw ParseError(.invalid("not a SEQUENCE"), in: "IM4P compression", at: offset)
      }
      var it = fields.makeIterator()
      guard let a = it.next(), let s = it.next() else {
        throw ParseError(.invalid("needs algorithm and size"), in: "IM4P compression", at: offset)
      }
      return (try Int(derEncoded: a), try UInt64(derEncoded: s))
    } catch let error as ParseError {
      throw error
    } catch {
      throw ParseError(.invalid("bad DER: \(error)"), in: "IM4P compression", at: offset)
    }
  }
}
