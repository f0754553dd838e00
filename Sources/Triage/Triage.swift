import APFSFormat
import BlockScan
import Evidence
import IPSWFormat
import ImageAccess
import RegionMap

/// The triage pipeline: image → container → volumes → findings → verdict → report.
public enum Triage {
  /// The rules, in the order their findings appear.
  public static let rules: [any TriageRule] = [
    LowFreeSpaceRule(), UpdateSpaceRule(), EncryptionRule(), TreeWalkRule(), CheckpointRule(), TruncatedImageRule(),
    ContentScanRule(),
  ]

  /// Triages the evidence at `path`.
  ///
  /// - Throws: ``ImageAccess/ImageError`` only when the file cannot be opened; every problem inside the evidence
  ///   ends up in the report's `errors` and findings instead.
  public static func run(path: String, options: TriageOptions = TriageOptions(), toolVersion: String) throws(ImageError)
    -> TriageReport
  {
    let evidence = try OpenedEvidence.open(path: path, aeaKey: options.aeaKey, aeaSigningKey: options.aeaSigningKey)
    return run(evidence: evidence, options: options, toolVersion: toolVersion)
  }

  public static func run(evidence: OpenedEvidence, options: TriageOptions, toolVersion: String) -> TriageReport {
    var errors: [TriageReport.ReportError] = evidence.problems.map(reportError)
    var facts = TriageFacts(evidence: evidence, container: nil, damage: nil, notAPFS: nil, options: options)

    let progress = options.progress
    if options.hash, let progress {
      progress.current = options.language.pick("reading the evidence", "証拠を読み込み中")
      progress.expect(evidence.stored.byteCount + (evidence.ewf?.byteCount ?? 0))
    }
    facts.evidenceDamage = evidence.evidenceDamage

    if let source = evidence.apfsSource {
      do {
        facts.container = try APFSContainer.open(source)
      } catch {
        switch error {
        case let .notAPFS(parseError):
          facts.notAPFS = parseError
          errors.append(reportError(parseError))
        case let .damaged(blockZero, attempts, anomalies, parseError):
          facts.damage = (blockZero, attempts, parseError)
          for attempt in attempts {
            if case let .skipped(e) = attempt.outcome, e != parseError { errors.append(reportError(e)) }
          }
          errors.append(reportError(parseError))
          for anomaly in anomalies {
            errors.append(.init(code: anomaly.code, offset: anomaly.offset, message: anomaly.message))
          }
        }
      }
    } else if let wrapper = evidence.encryptedWrapper {
      let error = ParseError(.invalid(wrapper), in: "evidence", at: 0)
      facts.notAPFS = error
      errors.append(.init(code: "encrypted-wrapper", offset: 0, message: wrapper))
    } else {
      let error = ParseError(
        .invalid("no APFS container superblock at offset 0 and no GPT partition of type \(GPT.apfsPartitionType)"),
        in: "evidence", at: 0)
      facts.notAPFS = error
      errors.append(.init(code: "no-container", offset: 0, message: error.description))
    }
    // The whole-evidence reads (SHA-256 of the stored bytes, MD5/SHA-1 of an E01's media, and the content scan when
    // it reads a range of those bytes: one read then feeds all of them) run on other cores while this thread walks
    // the container.
    var scanner: Result<ContentScanner, ScanError>? = nil
    if options.scan ?? (facts.container == nil) {
      do throws(ScanError) { scanner = .success(try ContentScanner(options: ScanOptions())) } catch { scanner = .failure(error) }
    }
    let reads = EvidenceReads(evidence, hash: options.hash, scanner: try? scanner?.get(), progress: progress)
    if let container = facts.container {
      for anomaly in container.anomalies
      where anomaly.code == "block-zero-checksum" || anomaly.code == "block-zero-invalid" {
        errors.append(.init(code: anomaly.code, offset: anomaly.offset, message: anomaly.message))
      }
      for attempt in container.checkpointAttempts {
        if case let .skipped(e) = attempt.outcome { errors.append(reportError(e)) }
      }
    }

    if let container = facts.container, options.walkTrees {
      for entry in container.volumes {
        guard let volume = entry.superblock else { continue }
        let census: VolumeCensus
        var unlockedTree: FileSystemTree? = nil
        if volume.encryption == .onekey {
          let (unlock, tree) = UnlockFacts.evaluate(container: container, volume: volume, credential: options.credential)
          facts.unlocks[entry.index] = unlock
          unlockedTree = tree
          if let problem = unlock.problem {
            errors.append(.init(
              code: problem.kind == .hardwareBound ? "keybag-hardware-bound" : "keybag-unreadable",
              offset: problem.offset, message: "volume \"\(volume.name)\": \(problem.message)"))
          }
        }
        do {
          census = VolumeCensus.take(try unlockedTree ?? FileSystemTree(container: container, volume: volume))
        } catch {
          census = VolumeCensus(failure: (error as? ParseError) ?? ParseError(.invalid("\(error)"), in: "volume omap", at: nil))
        }
        facts.censuses[entry.index] = census
        if let unknown = census.firstUnknownRecord {
          errors.append(.init(code: "unknown-record-type", offset: unknown.offset,
                              message: "volume \"\(volume.name)\": \(census.unknownRecords) record(s) of unknown type "
                                + "skipped; first: \(unknown.description)"))
        }
        if let error = census.error, !census.metadataEncrypted {
          errors.append(.init(code: error.code, offset: error.offset,
                              message: "volume \"\(volume.name)\": \(error.description)"))
        }
      }
    }

    if let container = facts.container, options.walkTrees {
      let result = StructuralRegionMap.build(container: container, censuses: facts.censuses)
      facts.structureMap = result
      errors.append(contentsOf: result.errors.map(reportError))
    }

    switch scanner {
    case .success(let scanner)?:
      // The bytes the structures address (same coordinates as the structure map), else the whole disk.
      let result = reads.scanResult() ?? {
        let source = evidence.apfsSource ?? evidence.media ?? evidence.stored
        if let progress {
          progress.current = options.language.pick("scanning the content", "内容をスキャン中")
          progress.expect(source.byteCount)
        }
        return scan(scanner, source, progress: progress)
      }()
      facts.contentScan = result
      for error in result.errors {
        errors.append(.init(code: "scan-\(error.code)", offset: error.offset, message: error.message))
      }
      if let structure = facts.structureMap {
        facts.mapComparison = MapComparison(structure: structure.map, content: result.regions)
      }
    case .failure(let error)?:
      errors.append(.init(code: "scan-unavailable", offset: nil, message: "content scan not run: \(error)"))
    case nil:
      break
    }

    if let ipswPath = options.ipswPath {
      do {
        let ipsw = try IPSW(path: ipswPath)
        for issue in ipsw.issues { errors.append(.init(code: "ipsw-\(issue.code)", offset: issue.offset, message: issue.description)) }
        let capacity = IPSWFacts.capacityGB(containerBytes: facts.capacityBytes)
        var kernel: KernelcacheFacts? = nil
        do {
          kernel = try ipsw.kernelcacheFacts()
        } catch {
          errors.append(.init(code: "ipsw-kernelcache", offset: nil, message: "kernelcache: \(error)"))
        }
        facts.ipsw = IPSWFacts(
          path: ipswPath, productVersion: ipsw.buildManifest?.productVersion,
          build: ipsw.buildManifest?.productBuildVersion, deviceCapacityGB: capacity,
          estimate: ipsw.spaceEstimate(deviceCapacityGB: capacity), kernelcache: kernel)
      } catch {
        errors.append(.init(code: "ipsw-unreadable", offset: nil, message: "\(ipswPath): \(error)"))
      }
    }

    // EWF: the media read whole, hashed and checked against the stored digests; that read meets every chunk, so
    // every chunk checksum failure is known (without hashing: those among the chunks read so far).
    var sha256: String? = nil
    switch reads.sha256Result() {
    case .success(let digest)?: sha256 = digest
    case .failure(let failure)?:
      errors.append(.init(code: "hash-failed", offset: failure.offset,
                          message: "SHA-256 of the evidence failed: \(failure.description)"))
    case nil: break
    }
    if let ewf = evidence.ewf {
      let verification = EWFVerification.run(ewf, digests: reads.ewfDigests())
      facts.ewf = verification
      errors.append(contentsOf: verification.errors)
      facts.evidenceDamage = facts.evidenceDamage ?? verification.damage
    }
    let ruleFindings = rules.flatMap { $0.findings(for: facts) }
    let verdict = VerdictRule.verdict(for: facts, findings: ruleFindings)
    let findings = ruleFindings.map { $0.report(in: options.language) }
    var evidenceSection = TriageReport.Evidence(
      path: evidence.path, sizeBytes: evidence.stored.byteCount, sha256: sha256, format: evidence.format.rawValue,
      apfsOffsetBytes: facts.container != nil || facts.damage != nil ? evidence.apfsOffset : nil,
      partitions: evidence.partitions.map {
        .init(index: $0.index, typeGUID: $0.typeGUID, name: $0.name, offsetBytes: $0.offsetBytes,
              lengthBytes: $0.lengthBytes)
      },
      segments: evidence.segments?.map { .init(name: $0.name, sizeBytes: $0.sizeBytes) },
      ewf: facts.ewf.map { $0.section })
    if let profile = evidence.aeaProfile, let signature = evidence.aeaSignature {
      var matches: Bool? = nil
      if case let .verified(matchesAuthData) = signature { matches = matchesAuthData }
      evidenceSection.aea = .init(profile: profile, signature: signature.state, signerMatchesAuthData: matches)
    }
    return TriageReport(
      tool: .init(version: toolVersion),
      evidence: evidenceSection,
      container: facts.container.map { containerSection($0, facts: facts) },
      regions: facts.structureMap.map { regionsSection($0.map, runLimit: options.runLimit) }
        ?? facts.contentScan.map { regionsSection($0.regions, runLimit: options.runLimit) },
      contentScan: facts.contentScan.map { contentSection($0) },
      ipsw: facts.ipsw.map { ipswSection($0) },
      findings: findings, verdict: verdict, errors: errors, language: options.language.rawValue)
  }

  /// Scans `source` through the zero-copy window path when it is one mapped file.
  static func scan(_ scanner: ContentScanner, _ source: any ByteSource, progress: ByteProgress? = nil) -> ScanResult {
    if let image = source as? MappedImage { return scanner.scan(image, progress: progress) }
    return scanner.scan(source: source, progress: progress)
  }

  static func regionsSection(_ map: RegionMap, runLimit: Int) -> TriageReport.Regions {
    var summary: [String: Int] = [:]
    for (regionClass, bytes) in map.summary { summary[regionClass.rawValue] = bytes }
    return .init(
      source: map.source.rawValue, summaryBytes: summary,
      runs: map.runs.prefix(runLimit).map { .init(regionClass: $0.regionClass.rawValue, offset: $0.offset, length: $0.length) },
      runsTotal: map.runs.count, runsTruncated: map.runs.count > runLimit)
  }

  static func contentSection(_ scan: ScanResult) -> TriageReport.ContentScan {
    let assessment = scan.encryptionAssessment()
    var summary: [String: Int] = [:]
    for (regionClass, bytes) in scan.regions.summary { summary[regionClass.rawValue] = bytes }
    return .init(
      blockSize: scan.blockSize, scannedBytes: scan.scannedBytes, summaryBytes: summary,
      runsTotal: scan.regions.runs.count, encryptedFraction: assessment.encryptedFraction,
      highEntropyFraction: assessment.highEntropyFraction, wholeImageEncrypted: assessment.isWholeImageEncrypted,
      entropyBar: EntropyGraph.terminalBar(scan.strip, width: 64))
  }

  static func ipswSection(_ i: IPSWFacts) -> TriageReport.IPSWSection {
    .init(
      path: i.path, productVersion: i.productVersion, build: i.build, deviceCapacityGB: i.deviceCapacityGB,
      estimatedNeedBytes: i.estimate?.estimatedBytes, estimateSources: i.estimate?.sources ?? [],
      kernelcacheType: i.kernelcache?.im4pType, kernelcacheFormat: i.kernelcache.map { "\($0.payloadFormat)" },
      kernelcacheEncrypted: i.kernelcache?.isEncrypted, kernelcachePersonalized: i.kernelcache?.personalize,
      kernelVersion: i.kernelcache?.kernelVersion)
  }

  static func reportError(_ error: ParseError) -> TriageReport.ReportError {
    .init(code: error.code, offset: error.offset, message: error.description)
  }

  static func containerSection(_ c: APFSContainer, facts: TriageFacts) -> TriageReport.Container {
    let free = facts.freeBytes
    let capacity = facts.capacityBytes
    return .init(
      uuid: c.superblock.uuid.description, blockSize: c.blockSize, blockCount: c.superblock.blockCount,
      freeBlocks: c.spaceManager.main.freeCount, freeBytes: free,
      freeFraction: capacity > 0 ? Double(free) / Double(capacity) : 0,
      checkpointXID: c.checkpointTransactionID, usedFallbackCheckpoint: c.usedFallbackCheckpoint,
      keybag: c.hasKeybag, mediaKeybag: c.superblock.mediaKeybagBlock != 0,
      softwareCrypto: c.superblock.usesSoftwareCrypto, declaredBytes: c.declaredByteCount,
      checkpoints: c.checkpointAttempts.map { attempt in
        switch attempt.outcome {
        case .used: .init(xid: attempt.transactionID, block: attempt.block, outcome: "used", reason: nil)
        case .notNeeded: .init(xid: attempt.transactionID, block: attempt.block, outcome: "not-needed", reason: nil)
        case let .skipped(e):
          .init(xid: attempt.transactionID, block: attempt.block, outcome: "skipped", reason: e.description)
        }
      },
      volumes: c.volumes.compactMap { entry -> TriageReport.Volume? in
        guard var volume = volumeSection(entry, facts: facts) else { return nil }
        volume.unlock = unlockSection(entry, facts: facts)
        return volume
      })
  }

  static func unlockSection(_ entry: APFSContainer.VolumeEntry, facts: TriageFacts) -> TriageReport.Volume.Unlock? {
    guard let v = entry.superblock else { return nil }
    if let u = facts.unlocks[entry.index] {
      return .init(
        state: u.state, method: u.method, userUUID: u.userUUID, hint: u.hint, kekEntries: u.kekEntries,
        structure: u.problem?.structure, offset: u.problem?.offset, reason: u.problem?.message ?? u.detail)
    }
    if v.encryption == .perFile {
      return .init(
        state: "unsupported", method: nil, userUUID: nil, hint: nil, kekEntries: [:], structure: nil, offset: nil,
        reason: "per-file Data Protection: class keys are wrapped with the device UID inside its Secure Enclave")
    }
    return nil
  }

  static func volumeSection(_ entry: APFSContainer.VolumeEntry, facts: TriageFacts) -> TriageReport.Volume? {
        guard let v = entry.superblock else { return nil }
        if let census = facts.completeCensus(v) {
          var classes = ["A": 0, "B": 0, "C": 0, "D": 0, "F": 0, "none": 0, "other": 0]
          for (key, count) in census.protectionClasses { classes[key, default: 0] += count }
          return .init(
            index: entry.index, name: v.name, uuid: v.uuid.description, role: v.role.name,
            roleRaw: Int(v.role.rawValue), encryption: v.encryption.rawValue, flags: v.flags.names,
            caseSensitive: v.isCaseSensitive, allocBlocks: v.allocatedBlockCount, reserveBlocks: v.reserveBlockCount,
            quotaBlocks: v.quotaBlockCount, availableBytes: facts.availableBytes(v),
            files: UInt64(census.files), directories: UInt64(census.directories), symlinks: UInt64(census.symlinks),
            snapshots: UInt64(census.snapshots), countsSource: "tree",
            fileBytes: .init(plaintext: census.plaintextBytes, encrypted: census.encryptedBytes,
                             compressed: census.compressedBytes),
            protectionClasses: classes, otherObjects: UInt64(census.otherObjects),
            compression: census.compressionMethods)
        }
        return .init(
          index: entry.index, name: v.name, uuid: v.uuid.description, role: v.role.name, roleRaw: Int(v.role.rawValue),
          encryption: v.encryption.rawValue, flags: v.flags.names, caseSensitive: v.isCaseSensitive,
          allocBlocks: v.allocatedBlockCount, reserveBlocks: v.reserveBlockCount, quotaBlocks: v.quotaBlockCount,
          availableBytes: facts.availableBytes(v),
          files: v.fileCount, directories: v.directoryCount, symlinks: v.symlinkCount, snapshots: v.snapshotCount,
          countsSource: "superblock", fileBytes: nil, protectionClasses: nil, otherObjects: v.otherObjectCount,
          compression: nil)
  }
}
