/// What the steps of a cutover save for a resumed attempt, an abort and a rollback.
struct CutoverFacts: Codable, Sendable {
    /// The source indices that got a write block from this cutover (not those the operator had blocked before).
    var blockedIndices: [String]?
    /// Switch hooks that ran to completion, by position.
    var hooksRun: Int?
    /// Whether the gate compares every document (no recent passing validation, or `--full`).
    var fullGate: Bool?
}
