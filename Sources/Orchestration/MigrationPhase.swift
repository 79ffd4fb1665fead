import Foundation
import State

/// Where the blue-green migration of a workspace stands, from its recorded operations and runs.
public enum MigrationPhase: String, Sendable, Codable {
    case notStarted = "not-started"
    case copying
    case readyForCutover = "ready-for-cutover"
    case cuttingOver = "cutting-over"
    case cutOver = "cut-over"
    case rollingBack = "rolling-back"
    case rolledBack = "rolled-back"
    case decommissioned

    /// The phase, and the latest operation of each kind (migrate, cutover, rollback, decommission), newest first.
    public static func current(store: StateStore) async throws -> (phase: MigrationPhase, operations: [OperationRecord]) {
        let operations = try await store.operations(limit: 50)
        var latest: [OperationRecord] = []
        for operation in operations where !latest.contains(where: { $0.kind == operation.kind }) { latest.append(operation) }
        guard let newest = latest.first else {
            let copying = try await !store.runs(kind: .backfill).isEmpty
            return (copying ? .copying : .notStarted, latest)
        }
        let phase: MigrationPhase =
            switch (newest.kind, newest.status) {
            case (.decommission, .completed): .decommissioned
            case (.decommission, _): .cutOver
            case (.rollback, .completed): .rolledBack
            case (.rollback, _): .rollingBack
            case (.cutover, .completed): .cutOver
            case (.cutover, .running): .cuttingOver
            case (.cutover, _): .readyForCutover
            case (.migrate, .completed): .readyForCutover
            case (.migrate, _): .copying
            }
        return (phase, latest)
    }
}
