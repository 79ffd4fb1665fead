import Foundation
import Metadata

/// What a step saves for a resumed attempt, an abort and a rollback, as JSON in the step's `facts` column (the keys
/// are the property names; a state folder an earlier Tern wrote still reads).
public struct StepFacts: Codable, Sendable, Equatable {
    /// The source indices that got a write block from this cutover (not those the operator had blocked before).
    public var blockedIndices: [String]?
    /// Hooks of the step that ran to completion, by position.
    public var hooksRun: Int?
    /// The alerting monitors this cutover switches from the source to the target (saved before it switches them).
    public var monitors: [MonitorPair]?

    public init(blockedIndices: [String]? = nil, hooksRun: Int? = nil, monitors: [MonitorPair]? = nil) {
        self.blockedIndices = blockedIndices
        self.hooksRun = hooksRun
        self.monitors = monitors
    }

    /// The JSON the state store keeps, keys sorted.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
