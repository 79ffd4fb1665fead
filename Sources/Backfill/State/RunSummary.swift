/// A run with its units and totals, for `tern backfill status`.
public struct RunSummary: Sendable, Hashable, Codable {
    public var run: RunRecord
    /// In plan order.
    public var units: [UnitRecord]
    /// Counts summed over all units, pending ones included (their counts as of the last checkpoint).
    public var totals: UnitCounts
    public var doneUnits: Int
    public var pendingUnits: Int

    public init(run: RunRecord, units: [UnitRecord]) {
        self.run = run
        self.units = units
        self.totals = units.reduce(.zero) { $0 + $1.counts }
        self.doneUnits = units.count(where: { $0.status == .done })
        self.pendingUnits = units.count - doneUnits
    }

    enum CodingKeys: String, CodingKey {
        case run, units, totals
        case doneUnits = "done_units"
        case pendingUnits = "pending_units"
    }
}
