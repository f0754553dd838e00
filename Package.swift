// swift-tools-version: 6.1
import PackageDescription

// The folder tree is the data flow:
// image (ImageAccess, DiskImage) -> evidence (Evidence: files, media, locator) -> container, volumes, extents
// (APFSFormat) -> region map (RegionMap, BlockScan) -> findings, verdict (Triage) -> report models (ReportModel)
// -> builders and renderers (Reporting) -> batch engine (BatchRunner) -> ringo (CLI: options and wiring only).
let package = Package(
  name: "Ringo",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "ringo", targets: ["ringo"]),
    .executable(name: "ringo-forge", targets: ["ringo-forge"]),
    .executable(name: "ringo-bench", targets: ["ringo-bench"]),
    // The parsers as one library, for the libFuzzer harnesses of Tools/fuzz (a separate package: `swift build` here
    // never builds them).
    .library(name: "RingoParsers", targets: ["ImageAccess", "Codecs", "DiskImage", "IPSWFormat", "APFSFormat", "Evidence", "Triage"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
  ],
  targets: [
    // image: read-only, memory-mapped evidence access and bounds-checked reading.
    .target(
      name: "ImageAccess",
      dependencies: ["CPrefetch", .product(name: "Crypto", package: "swift-crypto")]
    ),
    // codecs: C decompressors from Debian -dev packages, wrapped by the Swift `Codecs` module.
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CBZip2", providers: [.apt(["libbz2-dev"])]),
    .systemLibrary(name: "CLZMA", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
    .target(name: "Codecs", dependencies: ["CZlib", "CBZip2", "CLZMA"]),
    // disk images: UDIF (DMG) expansion as a ByteSource; encrcdsa/AEA recognition.
    .target(
      name: "DiskImage",
      dependencies: [
        "ImageAccess", "Codecs", .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
      ]),
    // IPSW: ZIP over a mapping, BuildManifest/Restore.plist, IMG4 (IM4P/IM4M/IM4R).
    .target(
      name: "IPSWFormat",
      dependencies: [
        "ImageAccess",
        "Codecs",
        "CZlib",
        "DiskImage",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
        .product(name: "SwiftASN1", package: "swift-asn1"),
        .product(name: "X509", package: "swift-certificates"),
      ]
    ),
    // evidence: the evidence's files (one file, split raw, E01 through libewf) -> its media -> wrapper (DMG) ->
    // the one container locator (raw / GPT) with checked arithmetic.
    .systemLibrary(name: "CEWF", pkgConfig: "libewf", providers: [.apt(["libewf-dev"])]),
    .target(
      name: "Evidence",
      dependencies: ["ImageAccess", "DiskImage", "APFSFormat", "CEWF", .product(name: "Crypto", package: "swift-crypto")]),
    // region map: classified byte runs, shared by the structure walk and the content scanner.
    .target(name: "RegionMap"),
    // container -> volumes -> extents: the APFS on-disk format.
    // OpenSSL libcrypto (Debian libssl-dev): AES-XTS for FileVault volumes, AES-CTR for AEA.
    .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    .target(
      name: "APFSFormat",
      dependencies: [
        "ImageAccess", "RegionMap", "Codecs", "COpenSSL",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
      ]),
    // content scan: classifies every block by its bytes (zero, text, compressed, encrypted, apfs-object).
    // CPrefetch is a header with one inline function: the CPU's prefetch hint, which Swift cannot spell.
    .target(name: "CPrefetch"),
    .target(name: "BlockScan", dependencies: ["ImageAccess", "RegionMap", "CPrefetch"]),
    // report models: every output's Codable model (ringo.triage/1, ipsw/1, dmg/1, scan/1, batch/1) and the one JSON
    // configuration; Foundation only, so other tools can decode the reports.
    .target(name: "ReportModel"),
    // findings -> verdict: rules over the facts; builds the TriageReport model.
    .target(
      name: "Triage",
      dependencies: [
        "ImageAccess", "Evidence", "APFSFormat", "RegionMap", "DiskImage", "BlockScan", "IPSWFormat", "ReportModel",
      ]),
    // report: builders (facts -> models) and renderers (one protocol; renderers see only models); output guard.
    .target(
      name: "Reporting",
      dependencies: [
        "ReportModel", "Triage", "Evidence", "IPSWFormat", "DiskImage", "BlockScan", "RegionMap", "ImageAccess",
      ]),
    // batch: folder walk, child `ringo triage` processes, timeouts, signals; decodes children with TriageReport.
    .target(name: "BatchRunner", dependencies: ["ImageAccess", "ReportModel", "Reporting", "Triage"]),
    .executableTarget(
      name: "ringo",
      dependencies: [
        "ImageAccess", "Evidence", "APFSFormat", "Triage", "ReportModel", "Reporting", "BatchRunner", "DiskImage",
        "BlockScan", "RegionMap", "IPSWFormat", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // Tools: the forge (independent of the reader: it shares no code with APFSFormat), benchmark harnesses.
    .target(
      name: "APFSForge",
      dependencies: [
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
      ]
    ),
    .executableTarget(
      name: "ringo-forge",
      dependencies: ["APFSForge", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      path: "Tools/forge"
    ),
    .executableTarget(
      name: "ringo-bench",
      dependencies: ["BlockScan", "ImageAccess", "RegionMap", "TestSupport"],
      path: "Tools/bench"
    ),
    .executableTarget(
      name: "ringo-ipsw-bench",
      dependencies: ["IPSWFormat", "IPSWTestSupport", "ImageAccess", "TestSupport"],
      path: "Tools/ipsw-bench"
    ),
    .executableTarget(name: "ringo-xts-bench", dependencies: ["APFSFormat"], path: "Tools/xts-bench", exclude: ["run.sh", "peer.c"]),
    .executableTarget(
      name: "ringo-evidence-bench", dependencies: ["Evidence", "ImageAccess", "TestSupport"], path: "Tools/evidence-bench",
      exclude: ["hash-scan.sh", "make-inputs.sh", "make-sparseimage.py"]),
    .executableTarget(
      name: "ringo-dmg-bench",
      dependencies: ["ImageAccess", "Codecs", "DiskImage", "DiskImageTestSupport", "TestSupport"],
      path: "Tools/dmg-bench"
    ),

    // Test support: real material and peer tools; a tiny UDIF writer for edge-case images.
    .target(name: "TestSupport"),
    .target(name: "DiskImageTestSupport", dependencies: ["CZlib", "CBZip2", "CLZMA", "TestSupport"]),
    // Builders for IPSW-shaped test archives (ZIP writer with ZIP64, data descriptors and sparse entries, DER/IM4P,
    // manifests); used by tests and the benchmark tool.
    .target(name: "IPSWTestSupport", dependencies: ["IPSWFormat", "ImageAccess", "DiskImageTestSupport"]),

    .testTarget(name: "ImageAccessTests", dependencies: ["ImageAccess"]),
    .testTarget(name: "RegionMapTests", dependencies: ["RegionMap"]),
    // the guard against a missing install step: Tools/external-programs.tsv vs the machine and the sources.
    .testTarget(name: "SetupTests", dependencies: ["TestSupport"]),
    .testTarget(
      name: "EvidenceTests",
      dependencies: ["Evidence", "ImageAccess", "DiskImage", "DiskImageTestSupport", "TestSupport", "Triage"]),
    .testTarget(
      name: "CodecsTests", dependencies: ["Codecs", "ImageAccess", "DiskImageTestSupport", "TestSupport"],
      exclude: ["Vectors"]),
    // runs the built `ringo` binary on the fixtures (needs the executable built, which `swift build --build-tests` does).
    .testTarget(name: "RingoCLITests", dependencies: ["IPSWTestSupport", "TestSupport"]),
    .testTarget(
      name: "IPSWFormatTests",
      dependencies: [
        "IPSWFormat", "IPSWTestSupport", "ImageAccess", "Codecs", "DiskImage", "DiskImageTestSupport", "TestSupport",
        "ReportModel", "Reporting", .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "SwiftASN1", package: "swift-asn1"),
        .product(name: "X509", package: "swift-certificates"),
      ],
      exclude: ["Vectors"]),
    .testTarget(
      name: "DiskImageTests",
      dependencies: [
        "DiskImage", "Codecs", "ImageAccess", "DiskImageTestSupport", "TestSupport",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      exclude: ["Oracle"]),
    .testTarget(
      name: "APFSFormatTests",
      dependencies: [
        "APFSFormat", "ImageAccess", "TestSupport", "APFSForge", .product(name: "Crypto", package: "swift-crypto"),
      ],
      exclude: ["Oracle"]),
    .testTarget(name: "APFSForgeTests", dependencies: ["APFSForge", "TestSupport"]),
    .testTarget(
      name: "ForgeAgreementTests",
      dependencies: ["APFSForge", "APFSFormat", "Triage", "ImageAccess", "RegionMap", "TestSupport"]),
    .testTarget(
      name: "BlockScanTests",
      dependencies: [
        "BlockScan", "ImageAccess", "RegionMap", "TestSupport",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
      ]
    ),
    .testTarget(
      name: "TriageTests",
      dependencies: [
        "Triage", "Reporting", "Evidence", "APFSFormat", "ImageAccess", "TestSupport", "APFSForge", "IPSWTestSupport",
      ]),
    .testTarget(
      name: "ReportingTests",
      dependencies: [
        "ReportModel", "Reporting", "Triage", "IPSWFormat", "IPSWTestSupport", "ImageAccess", "TestSupport", "BlockScan",
      ]),
    .testTarget(name: "BatchRunnerTests", dependencies: ["BatchRunner", "ReportModel", "Reporting", "TestSupport"]),
    .testTarget(
      name: "CLITests",
      dependencies: [
        "ringo", "TestSupport", "IPSWTestSupport", "DiskImageTestSupport", "APFSForge",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
  ],
  swiftLanguageModes: [.v6]
)
