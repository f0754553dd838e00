// swift-tools-version: 6.1
import PackageDescription

// The folder tree is the data flow:
// image (ImageAccess, DiskImage) -> container, volumes, extents (APFSFormat) -> region map (RegionMap, BlockScan)
// -> findings, verdict (Triage) -> report (Reporting) -> ringo (CLI).
let package = Package(
  name: "Ringo",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "ringo", targets: ["ringo"]),
    .executable(name: "ringo-forge", targets: ["ringo-forge"]),
    .executable(name: "ringo-bench", targets: ["ringo-bench"]),
    // The parsers as one library, for the libFuzzer harnesses of Tools/fuzz (a separate package: `swift build` here
    // never builds them).
    .library(name: "RingoParsers", targets: ["ImageAccess", "Codecs", "DiskImage", "IPSWFormat", "APFSFormat", "Triage"]),
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
      dependencies: [.product(name: "Crypto", package: "swift-crypto")]
    ),
    // codecs: C decompressors from Debian -dev packages, wrapped by the Swift `Codecs` module.
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CBZip2", providers: [.apt(["libbz2-dev"])]),
    .systemLibrary(name: "CLZMA", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
    .target(name: "Codecs", dependencies: ["CZlib", "CBZip2", "CLZMA"]),
    // disk images: UDIF (DMG) expansion as a ByteSource; encrcdsa/AEA recognition.
    .target(name: "DiskImage", dependencies: ["ImageAccess", "Codecs"]),
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
    // region map: classified byte runs, shared by the structure walk and the content scanner.
    .target(name: "RegionMap"),
    // container -> volumes -> extents: the APFS on-disk format.
    .target(name: "APFSFormat", dependencies: ["ImageAccess", "RegionMap", "Codecs"]),
    // content scan: classifies every block by its bytes (zero, text, compressed, encrypted, apfs-object).
    // CPrefetch is a header with one inline function: the CPU's prefetch hint, which Swift cannot spell.
    .target(name: "CPrefetch"),
    .target(name: "BlockScan", dependencies: ["ImageAccess", "RegionMap", "CPrefetch"]),
    // findings -> verdict: rules over the facts, and the report contract (ringo.triage/1).
    .target(
      name: "Triage", dependencies: ["ImageAccess", "APFSFormat", "RegionMap", "DiskImage", "BlockScan", "IPSWFormat"]),
    // report: renderers see only the TriageReport model, never a format module.
    .target(name: "Reporting", dependencies: ["Triage"]),
    .executableTarget(
      name: "ringo",
      dependencies: [
        "ImageAccess", "APFSFormat", "Triage", "Reporting", "DiskImage", "BlockScan", "RegionMap", "IPSWFormat",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
      dependencies: ["BlockScan", "ImageAccess", "RegionMap"],
      path: "Tools/bench"
    ),
    .executableTarget(
      name: "ringo-ipsw-bench",
      dependencies: ["IPSWFormat", "IPSWTestSupport", "ImageAccess"],
      path: "Tools/ipsw-bench"
    ),
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
    .testTarget(
      name: "CodecsTests", dependencies: ["Codecs", "ImageAccess", "DiskImageTestSupport", "TestSupport"],
      exclude: ["Vectors"]),
    // runs the built `ringo` binary on the fixtures (needs the executable built, which `swift build --build-tests` does).
    .testTarget(name: "RingoCLITests", dependencies: ["IPSWTestSupport", "TestSupport"]),
    .testTarget(
      name: "IPSWFormatTests",
      dependencies: [
        "IPSWFormat", "IPSWTestSupport", "ImageAccess", "Codecs", "DiskImage", "DiskImageTestSupport", "TestSupport",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "SwiftASN1", package: "swift-asn1"),
        .product(name: "X509", package: "swift-certificates"),
      ],
      exclude: ["Vectors"]),
    .testTarget(
      name: "DiskImageTests",
      dependencies: ["DiskImage", "Codecs", "ImageAccess", "DiskImageTestSupport", "TestSupport"]),
    .testTarget(
      name: "APFSFormatTests",
      dependencies: ["APFSFormat", "ImageAccess", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
    .testTarget(name: "APFSForgeTests", dependencies: ["APFSForge"]),
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
        "Triage", "Reporting", "APFSFormat", "ImageAccess", "TestSupport", "APFSForge", "IPSWTestSupport",
      ]),
    .testTarget(
      name: "CLITests",
      dependencies: [
        "ringo", "TestSupport", "IPSWTestSupport", "DiskImageTestSupport",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
  ],
  swiftLanguageModes: [.v6]
)
