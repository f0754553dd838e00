import DiskImage
import Evidence
import Foundation
import IPSWFormat
import ReportModel
import Triage

extension IPSWReport {
  /// Inspects an opened IPSW: its inventory (``IPSWInventory``) and the APFS volumes of its root filesystem DMG.
  /// A root filesystem stored as an Apple Encrypted Archive (`.dmg.aea`) is decoded segment by segment in memory
  /// with `aeaKey` (nothing is written); without the key, or with a wrong one, `root_filesystem_error` says so.
  public static func inspect(
    _ ipsw: IPSW, path: String, options: IPSWInventory.Options, aeaKey: [UInt8]? = nil, toolVersion: String
  ) -> IPSWReport {
    let inventory = IPSWInventory(ipsw: ipsw, path: path, options: options)
    var volumes: [RootVolume]? = nil
    var volumeError: String? = nil
    do {
      var root = try ipsw.openRootFilesystem()
      if case .aea? = root, let entry = ipsw.rootFilesystemEntry {
        do {
          root = try DiskImageDetector.open(
            AEASource(try AEAArchive.open(try ipsw.source(for: entry), symmetricKey: aeaKey), cache: .shared), cache: .shared)
        } catch let failure as AEAArchive.Failure {
          throw RootFilesystemFailure(description: "\(entry.name): \(failure.description)")
        }
      }
      if case let .udif(dmg)? = root, let summary = try ContainerLocator.volumeSummary(in: dmg) {
        volumes = summary.map {
          RootVolume(name: $0.name, role: $0.role, encryption: $0.encryption, allocatedBytes: $0.allocatedBytes)
        }
      }
    } catch {
      volumeError = "\(error)"
    }
    return IPSWReport(inventory, toolVersion: toolVersion, rootVolumes: volumes, rootError: volumeError)
  }

  /// Models the facts of an inventory (the format module's output) as the `ringo.ipsw/1` report.
  public init(
    _ inv: IPSWInventory, toolVersion: String, rootVolumes: [RootVolume]? = nil, rootError: String? = nil
  ) {
    let iso = ISO8601DateFormatter()
    self.init(
      tool: .init(version: toolVersion),
      evidence: .init(path: inv.path, sizeBytes: inv.sizeBytes),
      archive: .init(
        entries: inv.entryCount, zip64: inv.zip64, centralDirectoryOffset: inv.centralDirectoryOffset,
        centralDirectorySize: inv.centralDirectorySize),
      product: .init(
        types: inv.productTypes, version: inv.productVersion, build: inv.productBuildVersion,
        manifestVersion: inv.manifestVersion),
      identities: inv.identities.map { i in
        Identity(
          index: i.index, variant: i.variant, restoreBehavior: i.restoreBehavior, deviceClass: i.deviceClass,
          boardID: i.boardID, chipID: i.chipID, securityDomain: i.securityDomain, productType: i.productType,
          buildNumber: i.buildNumber, minimumSystemPartitionMiB: i.minimumSystemPartitionMiB,
          systemPartitionPaddingMiB: Dictionary(
            uniqueKeysWithValues: i.systemPartitionPaddingMiB.map { (String($0.key), $0.value) }),
          components: i.components.count)
      },
      components: inv.components.map { c in
        Component(
          name: c.name, path: c.path, identities: c.identities, inArchive: c.inArchive, sizeBytes: c.sizeBytes,
          compressedSizeBytes: c.compressedSizeBytes, method: c.method, digestAlgorithm: c.digestAlgorithm,
          digestStatus: c.digestStatus, digestDetail: c.digestDetail)
      },
      digestsChecked: inv.digestsChecked,
      diskImages: inv.diskImages.map { d in
        DiskImage(
          name: d.name, sizeBytes: d.sizeBytes, compressedSizeBytes: d.compressedSizeBytes, method: d.method,
          role: d.role, aeaEncrypted: d.encryptedAEA, container: d.container, expandedSizeBytes: d.expandedSizeBytes)
      },
      rootFilesystem: inv.rootFilesystem,
      rootFilesystemVolumes: rootVolumes,
      rootFilesystemError: rootError,
      kernelcache: inv.kernelcache.map { k in
        Kernelcache(
          path: k.path, im4pType: k.im4pType, description: k.im4pDescription, payloadFormat: k.payloadFormat.rawValue,
          payloadSizeBytes: k.payloadSize, encrypted: k.isEncrypted,
          keybags: k.keybags.map { .init(type: $0.typeName, ivLength: $0.iv.count, keyLength: $0.key.count) },
          compressedSizeBytes: k.compressedSize, uncompressedSizeBytes: k.uncompressedSize,
          appendedDataBytes: k.appendedDataSize, decompressed: k.decompressed, decompressionNote: k.decompressionNote,
          fatWrapperStripped: k.strippedFATWrapper, kernelVersion: k.kernelVersion, personalize: k.personalize,
          trusted: k.trusted)
      },
      img4Files: inv.img4Files.map { r in
        IMG4File(
          path: r.path, type: r.type, description: r.description, payloadFormat: r.payloadFormat,
          payloadSizeBytes: r.payloadSizeBytes, keybags: r.keybags)
      },
      ticket: inv.ticket.map { t in
        Ticket(
          properties: Dictionary(t.properties.map { ($0.name, $0.value.text) }, uniquingKeysWith: { a, _ in a }),
          images: t.imageCount,
          signature: .init(status: t.signature.status, algorithm: t.signature.algorithm, signer: t.signature.signer),
          certificates: t.certificates.map {
            .init(
              subject: $0.subject, issuer: $0.issuer, notBefore: iso.string(from: $0.notValidBefore),
              notAfter: iso.string(from: $0.notValidAfter), validity: $0.validity, issuerCheck: $0.issuerCheck)
          },
          matchedIdentity: t.matchedIdentity,
          digestComparison: t.digestComparison.map { .init(component: $0.component, fourCC: $0.fourCC, status: $0.status) })
      },
      spaceEstimate: inv.spaceEstimate.map { e in
        SpaceEstimate(
          isEstimate: e.isEstimate, deviceCapacityGB: e.deviceCapacityGB,
          minimumSystemPartitionMiB: e.minimumSystemPartitionMiB, paddingMiB: e.paddingMiB,
          paddingKeyGB: e.paddingKeyGB, estimatedMiB: e.estimatedMiB, estimatedBytes: e.estimatedBytes,
          sources: e.sources)
      },
      errors: inv.errors.map { .init(code: $0.code, offset: $0.offset, message: $0.description) })
  }
}

/// The AEA-wrapped root filesystem could not be decoded (entry name and the decoder's located reason).
struct RootFilesystemFailure: Error, CustomStringConvertible {
  let description: String
}
