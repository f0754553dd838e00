import ReportModel
import Triage

/// What every output format implements: a report model in, text out. A renderer sees only the model (and the
/// phrases of ``Labels``), never a format module or the evidence.
public protocol ReportRenderer<Model>: Sendable {
  associatedtype Model
  func render(_ model: Model) throws -> String
}

/// Any report model as JSON, in the one encoder configuration of ``ReportJSON`` (sorted keys, nulls kept).
public struct JSONRenderer<Model: Encodable>: ReportRenderer {
  public init() {}
  public func render(_ model: Model) throws -> String { try ReportJSON.string(model) }
}

/// A report model and its renderers: every model has text and JSON (``JSONRenderer``); Markdown where it has one.
/// A new output format (HTML) is a requirement here with a `nil` default, and a case in ``renderer(for:)``.
public protocol RenderableReport: Encodable {
  static var textRenderer: any ReportRenderer<Self> { get }
  static var markdownRenderer: (any ReportRenderer<Self>)? { get }
  /// The text renderer labelling in `language` (a model whose text has no words, or that carries its own
  /// language like ``TriageReport``, keeps the default: ``textRenderer``).
  static func textRenderer(in language: Language) -> any ReportRenderer<Self>
}

extension RenderableReport {
  public static var markdownRenderer: (any ReportRenderer<Self>)? { nil }
  public static func textRenderer(in language: Language) -> any ReportRenderer<Self> { textRenderer }

  /// The renderer of `format` for this model; nil for a format it has none for.
  public static func renderer(for format: OutputFormat, in language: Language = .en) -> (any ReportRenderer<Self>)? {
    switch format {
    case .text: textRenderer(in: language)
    case .json: JSONRenderer<Self>()
    case .markdown: markdownRenderer
    }
  }

  /// The formats this model can be written in.
  public static var formats: [OutputFormat] { OutputFormat.allCases.filter { renderer(for: $0) != nil } }

  /// The model in `format`.
  ///
  /// - Throws: ``UnsupportedFormat`` when the model has no renderer for `format`, or the renderer's error.
  public func rendered(as format: OutputFormat, in language: Language = .en) throws -> String {
    guard let renderer = Self.renderer(for: format, in: language) else { throw UnsupportedFormat(format: format) }
    return try renderer.render(self)
  }
}

/// A model was asked for a format it has no renderer for.
public struct UnsupportedFormat: Error, CustomStringConvertible {
  public var format: OutputFormat
  public var description: String { "no \(format.rawValue) output for this report" }
}

extension TriageReport: RenderableReport {
  public static var textRenderer: any ReportRenderer<TriageReport> { TextRenderer() }
  public static var markdownRenderer: (any ReportRenderer<TriageReport>)? { MarkdownRenderer() }
}

/// A report could not be made: what, about which file (the command prints it and exits 1).
public struct ReportFailure: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
