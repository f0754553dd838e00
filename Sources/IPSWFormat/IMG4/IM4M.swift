import Crypto
import Foundation
import ImageAccess
import SwiftASN1
import X509
import _CryptoExtras

/// A value in an IM4M property: `SEQUENCE { IA5String 4cc, value }`.
public enum IM4MValue: Sendable, Equatable {
  case integer(UInt64)
  case data([UInt8])
  case boolean(Bool)
  case string(String)
  /// Any other DER type: its universal tag number and raw content.
  case other(tag: UInt, bytes: [UInt8])

  public var text: String {
    switch self {
    case .integer(let v): "0x" + String(v, radix: 16)
    case .data(let d): d.map { String(format: "%02x", $0) }.joined()
    case .boolean(let b): b ? "true" : "false"
    case .string(let s): s
    case .other(let tag, let bytes): "tag \(tag), \(bytes.count) bytes"
    }
  }
}

/// One named property (`ECID`, `BNCH`, `DGST` ...).
public struct IM4MProperty: Sendable, Equatable {
  public var name: String
  public var value: IM4MValue
}

/// One image the ticket authorises (`krnl`, `rdsk` ...), with its properties; `DGST` is the SHA-384 of the IM4P.
public struct IM4MImage: Sendable, Equatable {
  public var name: String
  public var properties: [IM4MProperty]
  public var digest: [UInt8]? {
    if case .data(let d)? = properties.first(where: { $0.name == "DGST" })?.value { return d }
    return nil
  }
}

/// The facts about one certificate in the IM4M chain.
public struct CertificateFacts: Sendable, Equatable {
  public var subject: String
  public var issuer: String
  public var notValidBefore: Date
  public var notValidAfter: Date
  /// `valid`, `expired` or `not-yet-valid` at the time checked.
  public var validity: String
  /// `verified` (signed by the next certificate or a supplied root), `bad-signature`, or `unknown-issuer` when the
  /// issuer is neither in the chain nor supplied (Apple's Secure Boot root CA is not bundled).
  public var issuerCheck: String
}

/// The result of checking an IM4M's signature. Never a silent pass: anything short of a verified signature says why.
public struct SignatureCheck: Sendable, Equatable {
  /// `valid`, `invalid`, `no-certificate`, or `unsupported-key`.
  public var status: String
  public var algorithm: String
  public var signer: String?
  public var isValid: Bool { status == "valid" }
}

/// An Image4 manifest (APTicket): the device binding properties, per-image digests, the signature over the manifest
/// body and the signing certificate chain.
///
/// On disk: `IM4M ::= SEQUENCE { IA5String "IM4M", INTEGER 0, SET { [PRIVATE MANB] ... }, OCTET STRING signature,
/// SEQUENCE OF Certificate }` (ipsw-notes §3.3). The signature covers the DER bytes of the SET.
public struct IM4M: Sendable {
  public var version: Int
  /// MANP: ECID, BNCH, CHIP, BORD, SDOM, CPRO, CSEC, CEPO, snon, srvn ...
  public var properties: [IM4MProperty]
  public var images: [IM4MImage]
  public var signature: [UInt8]
  /// The signed bytes: the whole DER SET element after the version.
  public var signedBytes: [UInt8]
  public var certificates: [Certificate]

  /// - Throws: ``ParseError`` at `offset` for anything that is not a well-formed IM4M (or over 4 MiB).
  public init(parsing bytes: [UInt8], offset: Int = 0) throws {
    let structure = "IM4M"
    guard bytes.count <= 4 << 20 else {
      throw ParseError(.limitExceeded(what: "IM4M size \(bytes.count)", limit: 4 << 20), in: structure, at: offset)
    }
    do {
      let root = try DER.parse(bytes)
      guard case .constructed(let top) = root.content else {
        throw ParseError(.invalid("not a SEQUENCE"), in: structure, at: offset)
      }
      var it = top.makeIterator()
      guard let magic = it.next(), let versionNode = it.next(), let body = it.next(), let sig = it.next() else {
        throw ParseError(.invalid("needs magic, version, body, signature"), in: structure, at: offset)
      }
      guard String(try ASN1IA5String(derEncoded: magic)) == "IM4M" else {
        throw ParseError(.invalid("first element is not \"IM4M\""), in: structure, at: offset)
      }
      version = try Int(derEncoded: versionNode)
      guard body.identifier == .set else {
        throw ParseError(.invalid("manifest body is not a SET"), in: structure, at: offset)
      }
      signedBytes = Array(body.encodedBytes)
      signature = Array(try ASN1OctetString(derEncoded: sig).bytes)
      var certs: [Certificate] = []
      if let chain = it.next(), case .constructed(let list) = chain.content {
        for node in list {
          guard certs.count < 16 else { break }
          certs.append(try Certificate(derEncoded: Array(node.encodedBytes)))
        }
      }
      certificates = certs
      // SET { [PRIVATE MANB] SEQUENCE { "MANB", SET { [PRIVATE x] SEQUENCE { x, SET { props } } ... } } }
      var properties: [IM4MProperty] = []
      var images: [IM4MImage] = []
      guard case .constructed(let bodyItems) = body.content else {
        throw ParseError(.invalid("empty body"), in: structure, at: offset)
      }
      for manb in bodyItems {
        let (name, value) = try Self.taggedPair(manb)
        guard name == "MANB", case .constructed(let entries) = value.content else { continue }
        for entry in entries {
          let (entryName, set) = try Self.taggedPair(entry)
          let props = try Self.properties(set)
          if entryName == "MANP" {
            properties = props
          } else {
            images.append(IM4MImage(name: entryName, properties: props))
          }
        }
      }
      self.properties = properties
      self.images = images
    } catch let error as ParseError {
      throw error
    } catch {
      throw ParseError(.invalid("bad DER: \(error)"), in: structure, at: offset)
    }
  }

  /// `[PRIVATE 4cc] SEQUENCE { IA5String name, value }` → (name, value node).
  static func taggedPair(_ node: ASN1Node) throws -> (String, ASN1Node) {
    guard node.identifier.tagClass == .private, case .constructed(let inner) = node.content,
      let sequence = inner.first(where: { _ in true }), case .constructed(let pair) = sequence.content
    else { throw ParseError(.invalid("expected a private-tagged SEQUENCE"), in: "IM4M", at: nil) }
    var it = pair.makeIterator()
    guard let nameNode = it.next(), let value = it.next() else {
      throw ParseError(.invalid("property needs a name and a value"), in: "IM4M", at: nil)
    }
    return (String(try ASN1IA5String(derEncoded: nameNode)), value)
  }

  static func properties(_ set: ASN1Node) throws -> [IM4MProperty] {
    guard case .constructed(let items) = set.content else { return [] }
    var out: [IM4MProperty] = []
    for item in items {
      guard out.count < 1024 else { break }
      let (name, value) = try taggedPair(item)
      out.append(IM4MProperty(name: name, value: decode(value)))
    }
    return out
  }

  static func decode(_ node: ASN1Node) -> IM4MValue {
    switch node.identifier {
    case .integer:
      if let v = try? UInt64(derEncoded: node) { return .integer(v) }
    case .octetString:
      if let v = try? ASN1OctetString(derEncoded: node) { return .data(Array(v.bytes)) }
    case .boolean:
      if let v = try? Bool(derEncoded: node) { return .boolean(v) }
    case .ia5String:
      if let v = try? ASN1IA5String(derEncoded: node) { return .string(String(v)) }
    default: break
    }
    if case .primitive(let bytes) = node.content { return .other(tag: node.identifier.tagNumber, bytes: Array(bytes)) }
    return .other(tag: node.identifier.tagNumber, bytes: Array(node.encodedBytes))
  }

  public func property(_ name: String) -> IM4MValue? { properties.first { $0.name == name }?.value }
  public func image(_ name: String) -> IM4MImage? { images.first { $0.name == name } }

  /// Checks the signature over the manifest body with the first certificate's key: RSA PKCS#1 v1.5 over SHA-384
  /// (swift-crypto `_RSA.Signing`), or ECDSA P-256/P-384 over SHA-384 for chips that use EC keys.
  public func verifySignature() -> SignatureCheck {
    guard let leaf = certificates.first else {
      return SignatureCheck(status: "no-certificate", algorithm: "unknown", signer: nil)
    }
    let signer = leaf.subject.description
    let digest = SHA384.hash(data: signedBytes)
    if let rsa = _RSA.Signing.PublicKey(leaf.publicKey) {
      let ok = rsa.isValidSignature(
        _RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5)
      return SignatureCheck(
        status: ok ? "valid" : "invalid", algorithm: "RSA-\(rsa.keySizeInBits) PKCS#1 v1.5 SHA-384", signer: signer)
    }
    if let p384 = P384.Signing.PublicKey(leaf.publicKey) {
      let ok = (try? P384.Signing.ECDSASignature(derRepresentation: signature)).map {
        p384.isValidSignature($0, for: digest)
      } ?? false
      return SignatureCheck(status: ok ? "valid" : "invalid", algorithm: "ECDSA P-384 SHA-384", signer: signer)
    }
    if let p256 = P256.Signing.PublicKey(leaf.publicKey) {
      let ok = (try? P256.Signing.ECDSASignature(derRepresentation: signature)).map {
        p256.isValidSignature($0, for: digest)
      } ?? false
      return SignatureCheck(status: ok ? "valid" : "invalid", algorithm: "ECDSA P-256 SHA-384", signer: signer)
    }
    return SignatureCheck(status: "unsupported-key", algorithm: "\(leaf.publicKey)", signer: signer)
  }

  /// Facts about each certificate at `date`: validity window and whether its issuer's signature checks out, against
  /// the next certificate in the chain or one of `trustedRoots` (none are bundled).
  public func certificateFacts(at date: Date = Date(), trustedRoots: [Certificate] = []) -> [CertificateFacts] {
    certificates.enumerated().map { index, cert in
      let validity =
        date < cert.notValidBefore ? "not-yet-valid" : date > cert.notValidAfter ? "expired" : "valid"
      let candidates =
        (index + 1 < certificates.count ? [certificates[index + 1]] : []) + trustedRoots
        + (cert.issuer == cert.subject ? [cert] : [])
      var check = "unknown-issuer"
      if let issuer = candidates.first(where: { $0.subject == cert.issuer }) {
        check = issuer.publicKey.isValidSignature(cert.signature, for: cert) ? "verified" : "bad-signature"
      }
      return CertificateFacts(
        subject: cert.subject.description, issuer: cert.issuer.description, notValidBefore: cert.notValidBefore,
        notValidAfter: cert.notValidAfter, validity: validity, issuerCheck: check)
    }
  }
}

/// Image4 restore info: the boot nonce the device should use.
/// On disk: `IM4R ::= SEQUENCE { IA5String "IM4R", SET { [PRIVATE BNCN] SEQUENCE { "BNCN", OCTET STRING } } }`.
public struct IM4R: Sendable, Equatable {
  public var properties: [IM4MProperty]
  public var bootNonce: [UInt8]? {
    if case .data(let d)? = properties.first(where: { $0.name == "BNCN" })?.value { return d }
    return nil
  }

  public init(parsing bytes: [UInt8], offset: Int = 0) throws {
    guard bytes.count <= 1 << 20 else {
      throw ParseError(.limitExceeded(what: "IM4R size", limit: 1 << 20), in: "IM4R", at: offset)
    }
    do {
      let root = try DER.parse(bytes)
      guard case .constructed(let top) = root.content else {
        throw ParseError(.invalid("not a SEQUENCE"), in: "IM4R", at: offset)
      }
      var it = top.makeIterator()
      guard let magic = it.next(), String(try ASN1IA5String(derEncoded: magic)) == "IM4R", let set = it.next() else {
        throw ParseError(.invalid("first element is not \"IM4R\""), in: "IM4R", at: offset)
      }
      properties = try IM4M.properties(set)
    } catch let error as ParseError {
      throw error
    } catch {
      throw ParseError(.invalid("bad DER: \(error)"), in: "IM4R", at: offset)
    }
  }
}
