/// The report models are Triage's output: every module that imports Triage sees them.
@_exported import ReportModel
