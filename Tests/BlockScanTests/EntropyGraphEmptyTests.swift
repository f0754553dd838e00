import BlockScan
import ImageAccess
import Testing

/// An empty image gives an empty strip, which must render, not trap.
@Suite struct EntropyGraphEmptyTests {
  @Test func emptyImageRendersAsNothingScanned() throws {
    let result = try ContentScanner().scan(source: MemorySource([]))
    #expect(result.strip.points.isEmpty)
    #expect(EntropyGraph.terminalBar(result.strip) == "(nothing scanned)")
    #expect(EntropyGraph.svg(result.strip, title: "empty").contains("<svg"))
  }
}
