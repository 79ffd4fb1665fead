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
            case (DecommissionRunner.kind, .completed): .decommissioned
            case (DecommissionRunner.kind, _): .cutOver
            case (RollbackRunner.kind, .completed): .rolledBack
            case (RollbackRunner.kind, _): .rollingBack
            case (CutoverRunner.kind, .completed): .cutOver
            case (CutoverRunner.kind, .running): .cuttingOver
            case (CutoverRunner.kind, _): .readyForCutover
            case (_, .completed): .readyForCutover
            default: .copying
            }
        return (phase, latest)
    }
}
