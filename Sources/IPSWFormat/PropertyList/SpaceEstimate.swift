/// An estimate of the system-partition space an install of this build needs on a device of a given capacity.
///
/// Formula (ipsw-notes §3.7): `MinimumSystemPartition` MiB plus `SystemPartitionPadding[capacity]` MiB. Apple does not
/// document the restore logic; the keys are read as "capacity in GB → MiB" because the real Restore.plist tables
/// grow with capacity (8 → 180 … 1024 → 1280) and pymobiledevice3's default restore options use the same shape. This
/// is therefore an **estimate**, and ``sources`` says which keys it came from.
public struct SpaceEstimate: Sendable, Equatable, Codable {
  /// Always true: this figure is derived, not read from Apple.
  public var isEstimate: Bool = true
  public var deviceCapacityGB: Int
  public var minimumSystemPartitionMiB: Int
  /// Padding added, if the manifest has a padding table.
  public var paddingMiB: Int?
  /// The padding table key (capacity GB) that was used.
  public var paddingKeyGB: Int?
  public var estimatedMiB: Int
  public var estimatedBytes: UInt64
  /// Plist keys the figures came from, e.g. `BuildManifest.plist BuildIdentities[1].Info.MinimumSystemPartition`.
  public var sources: [String]

  /// Computes the estimate. Pure: no I/O.
  ///
  /// The padding key is the device capacity when the table has it; otherwise the largest key below it (capacities
  /// are sold in the table's tiers, e.g. a 100 GB figure falls in the 64 tier); below the smallest key, the smallest.
  ///
  /// - Returns: nil when a value is negative or the sum overflows.
  public static func compute(
    minimumSystemPartitionMiB: Int, minimumSource: String, padding: [Int: Int], paddingSource: String?,
    deviceCapacityGB: Int
  ) -> SpaceEstimate? {
    guard minimumSystemPartitionMiB >= 0, deviceCapacityGB >= 0 else { return nil }
    var key: Int?
    if padding[deviceCapacityGB] != nil {
      key = deviceCapacityGB
    } else {
      key = padding.keys.filter { $0 <= deviceCapacityGB }.max() ?? padding.keys.min()
    }
    let pad = key.flatMap { padding[$0] }
    if let pad, pad < 0 { return nil }
    let (total, overflow) = minimumSystemPartitionMiB.addingReportingOverflow(pad ?? 0)
    guard !overflow, total <= Int(UInt64.max >> 20) else { return nil }
    var sources = [minimumSource]
    if let key, let paddingSource { sources.append("\(paddingSource)[\"\(key)\"]") }
    return SpaceEstimate(
      deviceCapacityGB: deviceCapacityGB, minimumSystemPartitionMiB: minimumSystemPartitionMiB, paddingMiB: pad,
      paddingKeyGB: key, estimatedMiB: total, estimatedBytes: UInt64(total) << 20, sources: sources)
  }

  /// Picks the figures from a BuildManifest (preferring an Update identity, then any non-recovery identity with a
  /// `MinimumSystemPartition`), falling back to Restore.plist (the User system image's entry and the first board's
  /// padding, or the board named `deviceClass`).
  public static func estimate(
    buildManifest: BuildManifest?, restorePlist: RestorePlist?, deviceCapacityGB: Int,
    boardID: Int? = nil, chipID: Int? = nil
  ) -> SpaceEstimate? {
    if let buildManifest {
      let candidates = buildManifest.identities.filter {
        !$0.isRecovery && $0.minimumSystemPartitionMiB != nil
          && (boardID == nil || $0.boardID == boardID) && (chipID == nil || $0.chipID == chipID)
      }
      if let identity = candidates.first(where: \.isUpdate) ?? candidates.first,
        let minimum = identity.minimumSystemPartitionMiB
      {
        let prefix = "BuildManifest.plist BuildIdentities[\(identity.index)].Info"
        var padding = identity.systemPartitionPaddingMiB
        var paddingSource: String? = padding.isEmpty ? nil : "\(prefix).SystemPartitionPadding"
        if padding.isEmpty, let restore = restorePlist, let (board, table) = restorePadding(restore, identity.deviceClass) {
          padding = table
          paddingSource = "Restore.plist SystemPartitionPadding" + (board.isEmpty ? "" : "[\"\(board)\"]")
        }
        return compute(
          minimumSystemPartitionMiB: minimum, minimumSource: "\(prefix).MinimumSystemPartition", padding: padding,
          paddingSource: paddingSource, deviceCapacityGB: deviceCapacityGB)
      }
    }
    if let restore = restorePlist {
      let userImage = restore.systemRestoreImages["User"]
      let key = userImage.flatMap { restore.minimumSystemPartitionMiB[$0] != nil ? $0 : nil }
        ?? restore.minimumSystemPartitionMiB.keys.sorted().first
      if let key, let minimum = restore.minimumSystemPartitionMiB[key] {
        let padding = restorePadding(restore, nil)
        return compute(
          minimumSystemPartitionMiB: minimum,
          minimumSource: "Restore.plist MinimumSystemPartition" + (key.isEmpty ? "" : "[\"\(key)\"]"),
          padding: padding?.1 ?? [:],
          paddingSource: padding.map { "Restore.plist SystemPartitionPadding" + ($0.0.isEmpty ? "" : "[\"\($0.0)\"]") },
          deviceCapacityGB: deviceCapacityGB)
      }
    }
    return nil
  }

  private static func restorePadding(_ restore: RestorePlist, _ deviceClass: String?) -> (String, [Int: Int])? {
    let tables = restore.systemPartitionPaddingMiB
    if let deviceClass {
      let board = deviceClass.lowercased().hasSuffix("ap") ? String(deviceClass.dropLast(2)) : deviceClass
      if let t = tables[board] { return (board, t) }
    }
    guard let first = tables.keys.sorted().first, let t = tables[first] else { return nil }
    return (first, t)
  }
}
