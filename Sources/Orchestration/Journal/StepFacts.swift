import Foundation

/// What a step saves for a resumed attempt, an abort and a rollback, as JSON in the step's `facts` column (the keys
/// are the property names; a state folder an earlier Tern wrote still reads).
public struct StepFacts: Codable, Sendable, Equatable {
    /// The source indices that got a write block from this cutover (not those the operator had blocked before).
    public var blockedIndices: [String]?
    /// Hooks of the step that ran to completion, by position.
    public var hooksRun: Int?

    public init(blockedIndices: [String]? = nil, hooksRun: Int? = nil) {
        self.blockedIndices = blockedIndices
        self.hooksRun = hooksRun
    }

    /// The JSON the state store keeps, keys sorted.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
