import ReportModel
import Triage

/// `ringo stat` as terminal text: one labelled line per fact, in the language of `words`.
public struct StatTextRenderer: ReportRenderer {
  public var words: Words
  public init(words: Words = Words(.en)) { self.words = words }

  public func render(_ r: StatReport) -> String {
    let w = words
    var out = ""
    func line(_ label: Label, _ s: String) { out += w.field(label) + s + "\n" }
    line(.path, r.path)
    line(.volume, "\(r.volume.name) (\(w[.role]) \(r.volume.role), \(w[.encryption]) \(r.volume.encryption))")
    if let s = r.snapshot { line(.snapshot, "\(s.name) (xid \(s.xid), \(w[.created]) \(s.created))") }
    let i = r.inode
    line(.inode, "\(i.id)  \(w[.parent]) \(i.parentID)  \(w[.privateID]) \(i.privateID)")
    let kind = switch i.kind {
    case "file": w[.file]
    case "directory": w[.directory]
    case "symlink": w[.symlink]
    default: i.kind
    }
    line(.type, "\(kind)  \(w[.mode]) \(String(i.mode, radix: 8))  \(w[.uid]) \(i.uid)  \(w[.gid]) \(i.gid)")
    line(.links, "\(i.links)")
    if let d = r.dataStream {
      line(.size, "\(d.size) \(w[.bytesUnit]) (\(w[.allocated]) \(d.allocatedSize), \(w[.defaultCryptoID]) \(d.defaultCryptoID))")
    }
    line(.protection, "\(w[.defaultClass]) \(r.defaultProtectionClass)")
    if let c = r.compression {
      let method = c.method == "unreadable header" ? w[.unreadableHeader] : c.method
      line(.compression, "\(method), \(w[.uncompressedSize]) \(c.uncompressedSize)")
    }
    for e in r.extents {
      line(.extent, "\(w[.logical]) \(e.logicalAddress)  \(w[.length]) \(e.length)  "
           + (e.physicalBlock.map { "\(w[.block]) \($0)" } ?? w[.sparse]) + "  \(w[.cryptoID]) \(e.cryptoID)")
    }
    for c in r.cryptoStates {
      if let protectionClass = c.protectionClass {
        line(.crypto, "\(w[.id]) \(c.id)  \(w[.regionClass]) \(protectionClass) (\(c.persistentClass ?? 0))  "
             + "\(w[.key]) \(c.keyLength ?? 0) \(w[.bytesUnit])  \(w[.version]) \(c.version ?? "?")")
      } else {
        line(.crypto, "\(w[.id]) \(c.id)  \(w[.noCryptoState])"
             + (r.volume.encryption == "onekey" ? " (\(w[.onekeyTweak]))" : ""))
      }
    }
    for x in r.xattrs {
      line(.xattr, "\(x.name)  " + (x.embeddedBytes.map { "\($0) \(w[.bytesUnit]) \(w[.embedded])" }
                                    ?? "\(x.streamBytes ?? 0) \(w[.bytesUnit]) \(w[.inStream])"))
    }
    return out
  }
}

extension StatReport: RenderableReport {
  public static var textRenderer: any ReportRenderer<StatReport> { StatTextRenderer() }
  public static func textRenderer(in language: Language) -> any ReportRenderer<StatReport> {
    StatTextRenderer(words: Words(language))
  }
}
