import Crypto
import Foundation
import IPSWFormat
import IPSWTestSupport
import SwiftASN1
import Testing
import X509

/// Synthetic tickets signed here with ECDSA P-384 under a two-certificate chain, to exercise the EC signature path
/// and the chain checks that the real (RSA, single-certificate) fixture cannot: verified issuers, a supplied root,
/// and a certificate whose issuer signature is wrong.
@Suite("IM4M signature and certificate chain (synthetic, ECDSA P-384)")
struct TicketChainTests {
  struct Chain {
    var rootKey = P384.Signing.PrivateKey()
    var leafKey = P384.Signing.PrivateKey()
    var root: Certificate
    var leaf: Certificate

    init(leafSignedBy signer: P384.Signing.PrivateKey? = nil, notAfter: Date = Date() + 86_400) throws {
      let rootName = try DistinguishedName { CommonName("Ringo Test Secure Boot Root") }
      let leafName = try DistinguishedName { CommonName("Ringo Test TSS Manifest Key") }
      root = try Certificate(
        version: .v3, serialNumber: .init(), publicKey: .init(rootKey.publicKey), notValidBefore: Date() - 86_400,
        notValidAfter: Date() + 86_400, issuer: rootName, subject: rootName, signatureAlgorithm: .ecdsaWithSHA384,
        extensions: Certificate.Extensions {}, issuerPrivateKey: .init(rootKey))
      leaf = try Certificate(
        version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey), notValidBefore: Date() - 86_400,
        notValidAfter: notAfter, issuer: rootName, subject: leafName, signatureAlgorithm: .ecdsaWithSHA384,
        extensions: Certificate.Extensions {}, issuerPrivateKey: .init(signer ?? rootKey))
    }
  }

  static func der(_ cert: Certificate) throws -> [UInt8] {
    var serializer = DER.Serializer()
    try serializer.serialize(cert)
    return serializer.serializedBytes
  }

  static func ticket(_ chain: Chain, certificates: [Certificate], tamper: Bool = false) throws -> [UInt8] {
    typealias D = DERBuilder
    func property(_ name: String, _ value: [UInt8]) -> [UInt8] {
      D.privateTag(name, D.sequence([D.ia5(name), value]))
    }
    let manp = D.privateTag("MANP", D.sequence([D.ia5("MANP"), D.set([property("ECID", D.integer(42))])]))
    let krnl = D.privateTag(
      "krnl", D.sequence([D.ia5("krnl"), D.set([property("DGST", D.octets([UInt8](repeating: 0xAB, count: 48)))])]))
    let body = D.set([D.privateTag("MANB", D.sequence([D.ia5("MANB"), D.set([manp, krnl])]))])
    let signature = try chain.leafKey.signature(for: SHA384.hash(data: body)).derRepresentation
    var signed = body
    if tamper { signed[signed.count - 1] ^= 0x01 }
    return D.sequence([
      D.ia5("IM4M"), D.integer(0), signed, D.octets(Array(signature)),
      D.sequence(try certificates.map(der)),
    ])
  }

  @Test("ECDSA P-384 signature verifies; the chain's issuer signatures check out")
  func validChain() throws {
    let chain = try Chain()
    let ticket = try IM4M(parsing: Self.ticket(chain, certificates: [chain.leaf, chain.root]))
    #expect(ticket.property("ECID") == .integer(42))
    #expect(ticket.image("krnl")?.digest == [UInt8](repeating: 0xAB, count: 48))
    let check = ticket.verifySignature()
    #expect(check.status == "valid" && check.algorithm == "ECDSA P-384 SHA-384")
    let facts = ticket.certificateFacts()
    #expect(facts.map(\.issuerCheck) == ["verified", "verified"])  // leaf by root, root self-signed
    #expect(facts.map(\.validity) == ["valid", "valid"])
  }

  @Test("tampered body: invalid; leaf alone: unknown issuer until the root is supplied")
  func tamperedAndRoots() throws {
    let chain = try Chain()
    #expect(try IM4M(parsing: Self.ticket(chain, certificates: [chain.leaf], tamper: true)).verifySignature().status
      == "invalid")
    let alone = try IM4M(parsing: Self.ticket(chain, certificates: [chain.leaf]))
    #expect(alone.certificateFacts().map(\.issuerCheck) == ["unknown-issuer"])
    #expect(alone.certificateFacts(trustedRoots: [chain.root]).map(\.issuerCheck) == ["verified"])
  }

  @Test("a leaf signed by the wrong key is bad-signature; an expired leaf is expired")
  func badIssuerAndExpired() throws {
    let impostor = P384.Signing.PrivateKey()
    let forged = try Chain(leafSignedBy: impostor)
    let facts = try IM4M(parsing: Self.ticket(forged, certificates: [forged.leaf, forged.root])).certificateFacts()
    #expect(facts.first?.issuerCheck == "bad-signature")
    let old = try Chain(notAfter: Date() - 3600)
    let expired = try IM4M(parsing: Self.ticket(old, certificates: [old.leaf, old.root])).certificateFacts()
    #expect(expired.first?.validity == "expired")
    #expect(try IM4M(parsing: Self.ticket(old, certificates: [])).verifySignature().status == "no-certificate")
  }
}
