// swift-tools-version: 6.1
import PackageDescription

// The folder tree is the data flow:
// image (ImageAccess) -> container, volumes, extents (APFSFormat) -> region map (RegionMap, BlockScan)
// -> findings, verdict (Triage) -> report (Reporting) -> ringo (CLI).
let package = Package(
  name: "Ringo",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "ringo", targets: ["ringo"]),
    .executable(name: "ringo-bench", targets: ["ringo-bench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
  ],
  targets: [
    // image: read-only, memory-mapped evidence access and bounds-checked reading.
    .target(
      name: "ImageAccess",
      dependencies: [.product(name: "Crypto", package: "swift-crypto")]
    ),
    // region map: classified byte runs, shared by the structure walk and the content scanner.
    .target(name: "RegionMap"),
    // content scan: classifies every block by its bytes (zero, text, compressed, encrypted, apfs-object).
    .target(name: "BlockScan", dependencies: ["ImageAccess", "RegionMap"]),
    .executableTarget(
      name: "ringo",
      dependencies: [
        "ImageAccess",
        "BlockScan",
        "RegionMap",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "ImageAccessTests", dependencies: ["ImageAccess"]),
    .testTarget(name: "RegionMapTests", dependencies: ["RegionMap"]),
    .testTarget(
      name: "BlockScanTests",
      dependencies: [
        "BlockScan", "ImageAccess", "RegionMap",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
      ]
    ),
    // benchmark harness: `ringo-bench scan --size 1G` (release build).
    .executableTarget(
      name: "ringo-bench",
      dependencies: ["BlockScan", "ImageAccess", "RegionMap"],
      path: "Tools/bench"
    ),
  ],
  swiftLanguageModes: [.v6]
)
