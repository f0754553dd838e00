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
    // codecs: C decompressors from Debian -dev packages, wrapped by the Swift `Codecs` module.
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CBZip2", providers: [.apt(["libbz2-dev"])]),
    .systemLibrary(name: "CLZMA", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
    .target(name: "Codecs", dependencies: ["CZlib", "CBZip2", "CLZMA"]),
    // disk images: UDIF (DMG) expansion as a ByteSource; encrcdsa/AEA recognition.
    .target(name: "DiskImage", dependencies: ["ImageAccess", "Codecs"]),
    // test support: a tiny UDIF writer for edge-case images.
    .target(name: "DiskImageTestSupport", dependencies: ["CZlib", "CBZip2", "CLZMA"]),
    .executableTarget(
      name: "ringo-dmg-bench",
      dependencies: ["ImageAccess", "Codecs", "DiskImage", "DiskImageTestSupport"],
      path: "Tools/dmg-bench"
    ),
    .executableTarget(
      name: "ringo",
      dependencies: [
        "ImageAccess",
        "DiskImage",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "ImageAccessTests", dependencies: ["ImageAccess"]),
    .testTarget(name: "RegionMapTests", dependencies: ["RegionMap"]),
    .testTarget(
      name: "CodecsTests", dependencies: ["Codecs", "ImageAccess", "DiskImageTestSupport"], exclude: ["Vectors"]),
    // runs the built `ringo` binary on the fixtures (needs the executable built, which `swift build --build-tests` does).
    .testTarget(name: "RingoCLITests"),
    .testTarget(
      name: "DiskImageTests", dependencies: ["DiskImage", "Codecs", "ImageAccess", "DiskImageTestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
