// swift-tools-version: 6.1
import Foundation
import PackageDescription

// libFuzzer harnesses for Ringo's parsers: one executable per parser entry point, listed in harnesses.txt (one
// folder of Sources each). A separate package, so the main `swift build` never builds them; build and run them with
// Tools/fuzz/run.sh, which passes `-sanitize=fuzzer,address` and links with lld.
let harnesses = try! String(contentsOfFile: Context.packageDirectory + "/harnesses.txt", encoding: .utf8)
  .split(separator: "\n").map(String.init).filter { !$0.isEmpty }

let package = Package(
  name: "RingoFuzz",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "Ringo", path: "../../..")],
  targets: [
    .target(name: "CFuzzerDriver"),
    .target(
      name: "FuzzSupport",
      dependencies: ["CFuzzerDriver", .product(name: "RingoParsers", package: "Ringo")]),
  ]
    + harnesses.map { name in
      .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "RingoParsers", package: "Ringo")])
    },
  swiftLanguageModes: [.v6]
)
