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
    .executable(name: "ringo-forge", targets: ["ringo-forge"]),
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
    .executableTarget(
      name: "ringo",
      dependencies: [
        "ImageAccess",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // forge: writes synthetic APFS containers for tests and samples; independent of the reader (APFSFormat).
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
    .testTarget(name: "ImageAccessTests", dependencies: ["ImageAccess"]),
    .testTarget(name: "APFSForgeTests", dependencies: ["APFSForge"]),
    .testTarget(name: "RegionMapTests", dependencies: ["RegionMap"]),
  ],
  swiftLanguageModes: [.v6]
)
