import ReportModel

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

/// The renderers a model has, by output format; nil for a format it has none for.
public protocol RenderableReport: Encodable {
  static func renderer(for format: OutputFormat) -> (any ReportRenderer<Self>)?
}

extension RenderableReport {
  /// The formats this model can be written in.
  public static var formats: [OutputFormat] { OutputFormat.allCases.filter { renderer(for: $0) != nil } }

  /// The model in `format`.
  ///
  /// - Throws: ``UnsupportedFormat`` when the model has no renderer for `format`, or the renderer's error.
  public func rendered(as format: OutputFormat) throws -> String {
    guard let renderer = Self.renderer(for: format) else { throw UnsupportedFormat(format: format) }
    return try renderer.render(self)
  }
}

/// A model was asked for a format it has no renderer for.
public struct UnsupportedFormat: Error, CustomStringConvertible {
  public var format: OutputFormat
  public var description: String { "no \(format.rawValue) output for this report" }
}

extension TriageReport: RenderableReport {
  public static func renderer(for format: OutputFormat) -> (any ReportRenderer<TriageReport>)? {
    switch format {
    case .text: TextRenderer()
    case .json: JSONRenderer<TriageReport>()
    case .markdown: MarkdownRenderer()
    }
  }
}

/// A report could not be made: what, about which file (the command prints it and exits 1).
public struct ReportFailure: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
