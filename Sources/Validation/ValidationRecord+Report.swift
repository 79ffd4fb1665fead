extension ValidationRecord {
    /// The record of a finished validation, with its one-line summary.
    public init(report: ValidationReport) {
        let differences = report.indices.reduce(Int64(0)) { $0 + $1.missing + $1.extra + $1.different }
        var summary = "\(report.indices.count) indices, \(differences) documents differ"
        if let inFlight = report.inFlightSentence { summary += ", \(inFlight)" }
        let counts = report.indices.filter { !$0.countsAgree }.count
        if counts > 0 { summary += ", \(counts) counts differ" }
        let definitions = report.indices.filter { !($0.metadata?.isClean ?? true) }.count
        if definitions > 0 { summary += ", \(definitions) mappings differ" }
        if !report.queries.isEmpty {
            summary += ", \(report.queries.filter { !$0.differences.isEmpty }.count) of \(report.queries.count) requests differ"
        }
        if let repairs = report.repairs, !repairs.isEmpty {
            summary += ", repaired \(repairs.reduce(Int64(0)) { $0 + $1.copied + $1.deleted }) documents"
        }
        self.init(source: report.source, target: report.target, ok: report.ok, summary: summary)
    }
}
