import ReportModel

/// `ringo stat` as terminal text: one labelled line per fact.
public struct StatTextRenderer: ReportRenderer {
  public init() {}

  public func render(_ r: StatReport) -> String {
    var out = ""
    func line(_ s: String) { out += s + "\n" }
    line("path:        \(r.path)")
    line("volume:      \(r.volume.name) (role \(r.volume.role), encryption \(r.volume.encryption))")
    if let s = r.snapshot { line("snapshot:    \(s.name) (xid \(s.xid), created \(s.created))") }
    let i = r.inode
    line("inode:       \(i.id)  parent \(i.parentID)  private id \(i.privateID)")
    line("type:        \(i.kind)  mode \(String(i.mode, radix: 8))  uid \(i.uid)  gid \(i.gid)")
    line("links:       \(i.links)")
    if let d = r.dataStream {
      line("size:        \(d.size) bytes (allocated \(d.allocatedSize), default crypto id \(d.defaultCryptoID))")
    }
    line("protection:  default class \(r.defaultProtectionClass)")
    if let c = r.compression { line("compression: \(c.method), uncompressed size \(c.uncompressedSize)") }
    for e in r.extents {
      line("extent:      logical \(e.logicalAddress)  length \(e.length)  "
           + (e.physicalBlock.map { "block \($0)" } ?? "sparse") + "  crypto id \(e.cryptoID)")
    }
    for c in r.cryptoStates {
      if let protectionClass = c.protectionClass {
        line("crypto:      id \(c.id)  class \(protectionClass) (\(c.persistentClass ?? 0))  "
             + "key \(c.keyLength ?? 0) bytes  version \(c.version ?? "?")")
      } else {
        line("crypto:      id \(c.id)  no crypto state record"
             + (r.volume.encryption == "onekey" ? " (ONEKEY volume: the id is the XTS tweak base)" : ""))
      }
    }
    for x in r.xattrs {
      line("xattr:       \(x.name)  " + (x.embeddedBytes.map { "\($0) bytes embedded" } ?? "\(x.streamBytes ?? 0) bytes in a stream"))
    }
    return out
  }
}

extension StatReport: RenderableReport {
  public static var textRenderer: any ReportRenderer<StatReport> { StatTextRenderer() }
}
