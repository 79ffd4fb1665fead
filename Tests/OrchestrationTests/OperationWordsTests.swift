import Foundation
import GRDB
import Logging
import State
import TernCore
import Testing

@testable import Orchestration

/// Operation kinds and step names are enums in the code; the state store, the audit log and `--json` keep the words they
/// always had, so a state folder an earlier Tern wrote still reads and scripts see no change.
@Suite struct OperationWordsTests {
    @Test func kindsAreTheWordsTheyAlwaysWere() {
        #expect(OperationKind.allCases.map(\.rawValue) == ["migrate", "cutover", "rollback", "decommission"])
    }

    @Test func stepsAreTheWordsTheyAlwaysWere() {
        #expect(
            CutoverStep.allCases.map(\.rawValue) == [
                "preconditions", "hold-writes", "block-source", "drain", "validate", "switch-clients", "switch-monitors", "abort",
            ])
        #expect(CutoverStep.sequence == Array(CutoverStep.allCases.dropLast()))
        #expect(
            RollbackStep.allCases.map(\.rawValue) == [
                "hold-writes", "unblock-source", "drain-back", "verify", "switch-clients", "switch-monitors",
            ])
        #expect(MigrateStep.allCases.map(\.rawValue) == ["check", "metadata", "backfill", "replay", "validate", "cutover"])
        #expect(
            DecommissionStep.allCases.map(\.rawValue) == ["remove-blocks", "restore-settings", "capture-logs", "remove-remote-cluster"])
    }

    @Test func positionsAreThePlanOrderAndTheAbortComesLast() {
        // Positions only order a recorded operation's steps (they are not read back as words): a step added to the plan
        // moves the abort after it, and an earlier Tern's records, which lack the new step, keep their order.
        #expect(CutoverStep.sequence.map(\.position) == Array(0..<7))
        #expect(CutoverStep.abort.position == 7)
        #expect(DecommissionStep.captureLogs.position == 2)
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let epoch = Date(timeIntervalSinceReferenceDate: 0)

    @Test func anOperationPrintsItsKindAndStepsAsWords() throws {
        let operation = OperationRecord(
            id: 4, kind: .cutover, status: .aborted, actor: "ops@host", startedAt: Self.epoch, finishedAt: Self.epoch,
            detail: "validate: differences",
            steps: [
                OperationStep(
                    name: CutoverStep.blockSource.rawValue, position: 2, status: .done, startedAt: Self.epoch, finishedAt: Self.epoch,
                    detail: "write block on 1 source indices", facts: #"{"blockedIndices":["orders"]}"#),
                OperationStep(
                    name: CutoverStep.abort.rawValue, position: 6, status: .done, startedAt: Self.epoch, finishedAt: Self.epoch,
                    detail: "nothing had changed"),
            ])
        let outcome = OperationOutcome(operation: operation, ok: false, message: "Cutover aborted.")
        #expect(
            try Self.json(outcome)
                == #"{"checklist":[],"exit_code":1,"gates":[],"hooks":[],"message":"Cutover aborted.","ok":false,"operation":{"actor":"ops@host","detail":"validate: differences","finished_at":0,"id":4,"kind":"cutover","started_at":0,"status":"aborted","steps":[{"detail":"write block on 1 source indices","finished_at":0,"position":2,"started_at":0,"status":"done","step":"block-source"},{"detail":"nothing had changed","finished_at":0,"position":6,"started_at":0,"status":"done","step":"abort"}]}}"#
        )
    }

    @Test(arguments: OperationKind.allCases)
    func anOperationAnEarlierTernPrintedReadsBack(kind: OperationKind) throws {
        let text = #"{"actor":"ops@host","detail":"","id":1,"kind":"\#(kind.rawValue)","started_at":0,"status":"running","steps":[]}"#
        let operation = try JSONDecoder().decode(OperationRecord.self, from: Data(text.utf8))
        #expect(operation.kind == kind)
        #expect(try Self.json(operation) == text)
    }

    @Test func theDryRunPrintsStepsAndStatesAsWords() throws {
        let step = CutoverRunner.PlannedStep(step: .holdWrites, action: CutoverStep.holdWrites.summary, state: .done)
        #expect(
            try Self.json(step)
                == #"{"action":"proxy holds new writes; wait for writes in flight","state":"done","step":"hold-writes"}"#)
    }

    @Test func factsKeepTheirKeys() throws {
        #expect(try StepFacts(blockedIndices: ["a", "c"]).json() == #"{"blockedIndices":["a","c"]}"#)
        #expect(try StepFacts(hooksRun: 2).json() == #"{"hooksRun":2}"#)
    }

    // MARK: The state store

    static func withStore<T>(_ body: (StateStore, String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-operations-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StateStore(folder: folder)
        defer { try? store.close() }
        return try await body(store, folder)
    }

    @Test func aStateStoreAnEarlierTernWroteReadsWithItsKindsAndSteps() async throws {
        try await Self.withStore { store, _ in
            // Rows as the build before the enums wrote them: kinds, steps and facts as plain words.
            try await store.write("seed") { db in
                try db.execute(
                    sql: """
                        INSERT INTO operation (id, kind, status, actor, started_at, finished_at, detail) VALUES
                            (1, 'migrate', 'completed', 'ops@host', '2026-01-01 10:00:00.000', '2026-01-01 10:30:00.000', 'in sync'),
                            (2, 'cutover', 'aborted', 'ops@host', '2026-01-01 11:00:00.000', '2026-01-01 11:05:00.000', 'validate: differences'),
                            (3, 'cutover', 'completed', 'ops@host', '2026-01-01 12:00:00.000', '2026-01-01 12:05:00.000', 'done');
                        INSERT INTO operation_step (operation_id, step, position, status, started_at, detail, facts) VALUES
                            (2, 'block-source', 2, 'done', '2026-01-01 11:01:00.000', 'write block on 1 source indices', '{"blockedIndices":["orders"]}'),
                            (2, 'abort', 6, 'done', '2026-01-01 11:04:00.000', 'write block removed', '{"hooksRun":1}'),
                            (3, 'block-source', 2, 'done', '2026-01-01 12:01:00.000', 'write block on 2 source indices', '{"blockedIndices":["a","c"]}');
                        """)
            }
            let operations = try await store.operations()
            #expect(operations.map(\.kind) == [.cutover, .cutover, .migrate])
            let aborted = try #require(operations.first { $0.id == 2 })
            #expect(aborted.step(CutoverStep.abort)?.savedFacts == StepFacts(hooksRun: 1))
            #expect(aborted.step(CutoverStep.blockSource)?.savedFacts == StepFacts(blockedIndices: ["orders"]))
            #expect(aborted.step(MigrateStep.check) == nil, "a step of another kind of operation is never found")
            #expect(try await store.operations(kind: .cutover, limit: 1).first?.id == 3)
            let completed = try #require(try await CutoverRunner.activeCompletedCutover(store: store))
            #expect(RollbackStateMachine.blockedIndices(of: completed) == ["a", "c"])
            #expect(try await MigrationPhase.current(store: store).phase == .cutOver)
        }
    }

    @Test func theJournalWritesTheWordsAnEarlierTernWrote() async throws {
        try await Self.withStore { store, folder in
            let journal = try await OperationJournal<CutoverStep>.begin(store: store, stateDirectory: folder, logger: Logger(label: "test"))
            for entry: JournalEntry<CutoverStep> in [
                .started(.blockSource), .facts(.blockSource, StepFacts(blockedIndices: ["a", "c"])),
                .finished(.blockSource, .done, detail: "write block on 2 source indices"), .started(.abort),
                .hookRan(.abort, summary: "`echo back` exited with status 0 after 0.1 s"), .facts(.abort, StepFacts(hooksRun: 1)),
                .finished(.abort, .done, detail: "1 rollback hooks ran"), .completed(.aborted, detail: "validate: differences"),
            ] {
                try await journal.record(entry)
            }
            let rows = try await store.read("check") { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT operation.kind, operation.status, step, position, operation_step.status AS step_status, facts
                        FROM operation JOIN operation_step ON operation_step.operation_id = operation.id ORDER BY position
                        """
                ).map { row -> [String] in
                    [
                        row["kind"], row["status"], row["step"], "\(row["position"] as Int)", row["step_status"],
                        (row["facts"] as String?) ?? "",
                    ]
                }
            }
            #expect(
                rows == [
                    ["cutover", "aborted", "block-source", "2", "done", #"{"blockedIndices":["a","c"]}"#],
                    ["cutover", "aborted", "abort", "7", "done", #"{"hooksRun":1}"#],
                ])
            let events = AuditLog(stateDirectory: folder).events()
            #expect(events.allSatisfy { $0.operation == .cutover })
            #expect(events.map { $0.step ?? "-" } == ["-", "block-source", "block-source", "abort", "abort", "abort", "-"])
            #expect(events.map(\.event) == ["started", "started", "done", "started", "hook", "done", "aborted"])
            let audit = try String(contentsOfFile: AuditLog(stateDirectory: folder).path, encoding: .utf8)
            #expect(audit.contains(#""operation":"cutover""#) && audit.contains(#""step":"abort""#))
            let journaled = await journal.operation
            #expect(journaled.step(CutoverStep.abort)?.savedFacts == StepFacts(hooksRun: 1))
            #expect(journaled.status == .aborted)
        }
    }
}
