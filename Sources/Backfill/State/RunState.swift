/// What `StateStore.beginRun` found or made: the run, whether it resumes an unfinished one, and the work left.
public struct RunState: Sendable, Hashable, Codable {
    public var run: RunRecord
    /// True when an unfinished run with the same kind and key was picked up.
    public var resumed: Bool
    /// Units still to do, in plan order; done units of a resumed run are not here.
    public var pendingUnits: [UnitRecord]
    /// Pending units of the resumed run that the new plan no longer lists (an index deleted on the source), now removed.
    public var droppedUnits: [String]

    public init(run: RunRecord, resumed: Bool, pendingUnits: [UnitRecord], droppedUnits: [String]) {
        self.run = run
        self.resumed = resumed
        self.pendingUnits = pendingUnits
        self.droppedUnits = droppedUnits
    }

    enum CodingKeys: String, CodingKey {
        case run, resumed
        case pendingUnits = "pending_units"
        case droppedUnits = "dropped_units"
    }
}
