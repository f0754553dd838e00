import Foundation

/// An optional report field that is written as JSON `null` when it has no value, never left out.
///
/// The one strategy every report model uses for "unknown or not applicable": synthesized `Codable` calls the
/// wrapper's `encode(to:)`, which writes `null` for `nil`, so no model needs a hand-written `encode(to:)`. Decoding
/// accepts `null` and, for readers of older documents, a missing key.
@propertyWrapper
public struct Nullable<Value: Codable & Sendable>: Codable, Sendable {
  public var wrappedValue: Value?

  public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
  }
}

extension Nullable: Equatable where Value: Equatable {}

extension KeyedDecodingContainer {
  /// A missing key decodes as `nil`, like `null` (synthesized `init(from:)` picks this overload).
  public func decode<Value>(_ type: Nullable<Value>.Type, forKey key: Key) throws -> Nullable<Value> {
    Nullable(wrappedValue: try decodeIfPresent(Value.self, forKey: key))
  }
}

/// The one JSON configuration of every report: pretty, keys sorted, nulls kept (``Nullable``), slashes unescaped.
public enum ReportJSON {
  public static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return encoder
  }

  /// The document as text, with a final newline.
  public static func string(_ value: some Encodable) throws -> String {
    String(decoding: try encoder().encode(value), as: UTF8.self) + "\n"
  }

  public static func decode<Model: Decodable>(_ type: Model.Type, from data: Data) throws -> Model {
    try JSONDecoder().decode(type, from: data)
  }

  /// The `schema` field alone, to check a document's kind and version before decoding the rest.
  public static func schema(of data: Data) -> String? {
    struct Header: Decodable { var schema: String }
    return try? JSONDecoder().decode(Header.self, from: data).schema
  }
}

/// The output formats of every command that writes a report; a model supports the ones it has a renderer for.
public enum OutputFormat: String, CaseIterable, Sendable, Codable {
  case text, json, markdown

  /// The format a file name asks for, by its extension (`.txt`, `.md`, `.json`).
  public init?(pathExtension: String) {
    switch pathExtension.lowercased() {
    case "txt", "text": self = .text
    case "md", "markdown": self = .markdown
    case "json": self = .json
    default: return nil
    }
  }

  /// The suffix of a report file in this format (`.report.json`, `.report.txt`, `.report.md`).
  public var reportSuffix: String {
    switch self {
    case .json: ".report.json"
    case .text: ".report.txt"
    case .markdown: ".report.md"
    }
  }
}
