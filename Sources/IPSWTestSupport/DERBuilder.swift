/// Minimal DER encoding for building IMG4 test objects.
public enum DERBuilder {
  public static func length(_ n: Int) -> [UInt8] {
    if n < 0x80 { return [UInt8(n)] }
    var bytes: [UInt8] = []
    var v = n
    while v > 0 {
      bytes.insert(UInt8(v & 0xFF), at: 0)
      v >>= 8
    }
    return [0x80 | UInt8(bytes.count)] + bytes
  }

  public static func element(_ identifier: [UInt8], _ content: [UInt8]) -> [UInt8] {
    identifier + length(content.count) + content
  }
  public static func sequence(_ items: [[UInt8]]) -> [UInt8] { element([0x30], items.flatMap { $0 }) }
  public static func set(_ items: [[UInt8]]) -> [UInt8] { element([0x31], items.flatMap { $0 }) }
  public static func ia5(_ text: String) -> [UInt8] { element([0x16], Array(text.utf8)) }
  public static func octets(_ bytes: [UInt8]) -> [UInt8] { element([0x04], bytes) }
  public static func integer(_ value: UInt64) -> [UInt8] {
    var bytes: [UInt8] = []
    var v = value
    repeat {
      bytes.insert(UInt8(v & 0xFF), at: 0)
      v >>= 8
    } while v > 0
    if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
    return element([0x02], bytes)
  }
  public static func contextConstructed(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
    element([0xA0 | tag], content)
  }
  /// `[PRIVATE fourCC]` constructed, high-tag-number form.
  public static func privateTag(_ fourCC: String, _ content: [UInt8]) -> [UInt8] {
    var number: UInt64 = 0
    for b in fourCC.utf8 { number = number << 8 | UInt64(b) }
    var groups: [UInt8] = []
    var v = number
    repeat {
      groups.insert(UInt8(v & 0x7F), at: 0)
      v >>= 7
    } while v > 0
    for i in 0..<(groups.count - 1) { groups[i] |= 0x80 }
    return element([0xFF] + groups, content)
  }

  /// An IM4P: `SEQUENCE { "IM4P", type, description, OCTET STRING payload, [keybags], [compression] }`.
  public static func im4p(
    type: String, description: String, payload: [UInt8], keybags: [(type: Int, iv: [UInt8], key: [UInt8])] = [],
    compression: (algorithm: Int, size: Int)? = nil
  ) -> [UInt8] {
    var items = [ia5("IM4P"), ia5(type), ia5(description), octets(payload)]
    if !keybags.isEmpty {
      let bags = sequence(keybags.map { sequence([integer(UInt64($0.type)), octets($0.iv), octets($0.key)]) })
      items.append(octets(bags))
    }
    if let compression {
      items.append(sequence([integer(UInt64(compression.algorithm)), integer(UInt64(compression.size))]))
    }
    return sequence(items)
  }
}
