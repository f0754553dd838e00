import Testing
@testable import RegionMap

@Suite struct RegionMapTests {
  @Test func mergesTouchingRunsOfOneClass() {
    var map = RegionMap(source: .content)
    map.append(.zero, offset: 0, length: 4096)
    map.append(.zero, offset: 4096, length: 4096)
    map.append(.text, offset: 8192, length: 4096)
    map.append(.zero, offset: 16384, length: 4096)  // gap: a new run even though the class repeats
    #expect(map.runs == [
      RegionRun(.zero, offset: 0, length: 8192),
      RegionRun(.text, offset: 8192, length: 4096),
      RegionRun(.zero, offset: 16384, length: 4096),
    ])
    #expect(map.bytes(of: .zero) == 12288)
    #expect(map.totalBytes == 16384)
  }

  @Test func joiningWindowMapsEqualsOnePass() {
    var whole = RegionMap(source: .content)
    var first = RegionMap(source: .content)
    var second = RegionMap(source: .content)
    let classes: [RegionClass] = [.zero, .zero, .encrypted, .encrypted, .text, .text, .zero]
    for (i, c) in classes.enumerated() {
      whole.append(c, offset: i * 10, length: 10)
      if i < 3 { first.append(c, offset: i * 10, length: 10) } else { second.append(c, offset: i * 10, length: 10) }
    }
    first.append(contentsOf: second)
    #expect(first == whole)
  }

  @Test func classNamesAreTheReportContract() {
    #expect(RegionClass.allCases.map(\.rawValue) == [
      "container-metadata", "volume-metadata", "file-plaintext", "file-encrypted", "free",
      "zero", "text", "compressed", "encrypted", "apfs-object", "unknown",
    ])
  }
}
