import TestSupport
import Foundation
import ImageAccess
import RegionMap
import Testing

@testable import BlockScan

/// Scans of the real UDIF images in ../shared/fixtures (made by Apple's hdiutil): compressed chunk data followed by an
/// XML property list and the `koly` trailer.
@Suite struct FixtureScanTests {
  static let fixtures = RealImages.sharedFixtures.appendingPathComponent("dmg").path

  static let names = [
    "keramics_hfsplus_adc.dmg", "keramics_hfsplus_bzip2.dmg", "keramics_hfsplus_lzfse.dmg",
    "keramics_hfsplus_lzma.dmg", "keramics_hfsplus_zlib.dmg", "hdimac_test-disk-image-apfs.dmg",
  ]

  @Test(arguments: names) func udifImageHasTextPlistAndNoCiphertext(name: String) throws {
    let path = "\(Self.fixtures)/\(name)"
    #expect(FileManager.default.fileExists(atPath: path), "fixture missing: \(path)")
    let image = try MappedImage(path: path)
    let bytes = try image.read(0..<image.byteCount)
    let result = try ContentScanner().scan(image)
    #expect(result.isComplete)
    #expect(result.regions.totalBytes == image.byteCount)
    // The XML resource plist is text wherever a whole block of it lies.
    let xml = Array("<?xml".utf8)
    let plistStart = try #require(
      (0...(bytes.count - xml.count)).first { Array(bytes[$0..<($0 + xml.count)]) == xml })
    let firstFullBlock = (plistStart + 4095) / 4096 * 4096
    let fullBlockInPlist = result.regions.runs.first { $0.offset <= firstFullBlock && firstFullBlock < $0.end }
    #expect(fullBlockInPlist?.regionClass == .text, "\(name): plist block at \(firstFullBlock)")
    // Compressed DMG chunks are never taken for ciphertext, and the image holds no all-zero block.
    #expect(result.bytesByClass[.encrypted] == nil, "\(name)")
    #expect(result.bytesByClass[.zero] == nil, "\(name)")
  }
}
