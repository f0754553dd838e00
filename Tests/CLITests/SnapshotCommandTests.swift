import Foundation
import TestSupport
import Testing

/// `ringo ls --snapshots`, `ls --snapshot NAME` and `cat --snapshot NAME` on dissect.apfs's real `snapshot.bin`
/// (512 snapshots "Snapshot 0" … "Snapshot 511"; in snapshot i the file "file" holds "Snapshot i\n").
@Suite struct SnapshotCommandTests {
  static func image() throws -> String { try RealImages.dissect("snapshot.bin") }

  /// Standard output only (stderr kept apart), exit status.
  static func stdout(_ arguments: [String]) throws -> (Int32, Data) {
    let result = try Subprocess.run(CLITests.ringo, arguments)
    return (result.status, result.standardOutput)
  }

  @Test func lsSnapshotsListsXidTimeAndName() throws {
    let (status, output) = try CLITests.run(["ls", "--snapshots", try Self.image()])
    #expect(status == 0, "\(output)")
    let lines = output.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
    #expect(lines.count == 512)
    #expect(lines.map { String($0.last ?? "") } == (0..<512).map { "Snapshot \($0)" })
    #expect(lines.first?.first == "4" && lines.last?.first == "2566")
    #expect(lines.first?[1] == "2025-10-17T10:55:35.282068986Z")
    #expect(lines.allSatisfy { $0.count == 3 && $0[1].hasPrefix("2025-10-17T10:5") })
  }

  @Test(arguments: [0, 1, 42, 255, 511])
  func catSnapshotFile(index: Int) throws {
    let (status, data) = try Self.stdout(["cat", "--snapshot", "Snapshot \(index)", try Self.image(), "/file"])
    #expect(status == 0)
    #expect(data == Data("Snapshot \(index)\n".utf8))
  }

  @Test func lsSnapshotShowsTheFileTheLiveRootLacks() throws {
    let image = try Self.image()
    let (status, snap) = try CLITests.run(["ls", "--snapshot", "Snapshot 7", "--volume", "Snapshots", image, "/"])
    #expect(status == 0, "\(snap)")
    #expect(snap.split(separator: "\n").contains { $0.hasPrefix("r ") && $0.hasSuffix("\t11\t/file") })
    let (liveStatus, live) = try CLITests.run(["ls", image, "/"])
    #expect(liveStatus == 0)
    #expect(!live.contains("\t/file\n"))
    let (catStatus, catOutput) = try CLITests.run(["cat", image, "/file"])
    #expect(catStatus == 1)
    #expect(catOutput.contains("no such path"))
  }

  @Test func statNamesTheSnapshot() throws {
    let (status, output) = try CLITests.run(["stat", "--snapshot", "Snapshot 9", try Self.image(), "/file"])
    #expect(status == 0, "\(output)")
    #expect(output.contains("snapshot:    Snapshot 9 (xid 48, created 2025-10-17T10:55:37.873336526Z)"))
    #expect(output.contains("size:        11 bytes"))
  }

  @Test func unknownSnapshotAndConflictingFlags() throws {
    let image = try Self.image()
    let (status, output) = try CLITests.run(["cat", "--snapshot", "Snapshot 512", image, "/file"])
    #expect(status == 1)
    #expect(output.contains("no snapshot named \"Snapshot 512\"") && output.contains("512 snapshots"))
    let (usage, _) = try CLITests.run(["ls", "--snapshots", "--snapshot", "Snapshot 1", image])
    #expect(usage == 2)
    // A volume without snapshots lists nothing.
    let (none, empty) = try CLITests.run(["ls", "--snapshots", try RealImages.dissect("case_sensitive.bin")])
    #expect(none == 0 && empty.isEmpty)
  }

  @Test func helpMentionsSnapshots() throws {
    let (_, ls) = try CLITests.run(["ls", "--help"])
    #expect(ls.contains("--snapshots") && ls.contains("--snapshot <name>"))
    let (_, cat) = try CLITests.run(["cat", "--help"])
    #expect(cat.contains("--snapshot <name>"))
  }
}
