import Foundation
import TernCore
import Testing

@testable import Orchestration

/// The decisions of `tern rollback`, fed event by event: no cluster, no proxy, no journal.
@Suite struct RollbackStateMachineTests {
    typealias Machine = RollbackStateMachine
    typealias Action = RollbackStateMachine.Action

    static let rollback1 = hook("echo rollback-1", "tern.yml line 12, cutover.hooks.rollback[0]")
    static let rollback2 = hook("echo rollback-2", "tern.yml line 13, cutover.hooks.rollback[1]")
    static let proxyAndHooks = Machine.Configuration(
        proxy: true, rollbackHooks: [rollback1, rollback2], blockedIndices: ["a", "c"], sampleRate: 0.1, monitors: [World.disk])

    static func operation(_ id: Int64, _ kind: OperationKind, _ status: OperationRecord.Status, at minute: Double) -> OperationRecord {
        OperationRecord(id: id, kind: kind, status: status, actor: "ops@host", startedAt: Date(timeIntervalSince1970: minute * 60))
    }

    // MARK: What a rollback does

    @Test func anUnfinishedCutoverHasItsAbortFinished() {
        let cutover = Self.operation(2, .cutover, .running, at: 10)
        #expect(
            Machine.decide(latestCutover: cutover, latestRollback: Self.operation(1, .rollback, .completed, at: 5))
                == .finishCutoverAbort(cutover))
    }

    @Test func aCompletedCutoverIsRolledBack() {
        let cutover = Self.operation(2, .cutover, .completed, at: 10)
        #expect(Machine.decide(latestCutover: cutover, latestRollback: nil) == .rollBack(after: cutover))
        #expect(
            Machine.decide(latestCutover: cutover, latestRollback: Self.operation(1, .rollback, .completed, at: 5))
                == .rollBack(after: cutover))
    }

    @Test func aCutoverRolledBackAlreadyIsNotRolledBackAgain() {
        let cutover = Self.operation(2, .cutover, .completed, at: 10)
        #expect(Machine.decide(latestCutover: cutover, latestRollback: Self.operation(3, .rollback, .completed, at: 20)) == .nothing)
        #expect(
            Machine.activeCompletedCutover(latestCutover: cutover, latestRollback: Self.operation(3, .rollback, .completed, at: 20)) == nil)
    }

    @Test func anUnfinishedRollbackIsResumed() {
        let cutover = Self.operation(2, .cutover, .completed, at: 10)
        #expect(
            Machine.decide(latestCutover: cutover, latestRollback: Self.operation(3, .rollback, .running, at: 20))
                == .rollBack(after: cutover))
    }

    @Test func withoutACompletedCutoverThereIsNothingToRollBack() {
        #expect(Machine.decide(latestCutover: nil, latestRollback: nil) == .nothing)
        #expect(Machine.decide(latestCutover: Self.operation(2, .cutover, .aborted, at: 10), latestRollback: nil) == .nothing)
    }

    @Test func theBlocksToRemoveAreThoseTheCutoverSavedAsItsOwn() {
        var cutover = Self.operation(2, .cutover, .completed, at: 10)
        #expect(Machine.blockedIndices(of: cutover).isEmpty)
        cutover.steps = [recorded(CutoverStep.blockSource, .done, facts: StepFacts(blockedIndices: ["a", "c"]))]
        #expect(Machine.blockedIndices(of: cutover) == ["a", "c"])
    }

    // MARK: The steps

    @Test func aRollbackHoldsWritesUnblocksReplaysComparesAndSwitchesBack() {
        var machine = Machine(configuration: Self.proxyAndHooks)
        #expect(machine.receive(.started(recorded: [])) == Action(record: [.started(.holdWrites)], next: .work(.holdWrites)))
        #expect(
            machine.receive(.writesHeld(waiting: 2))
                == Action(
                    record: [
                        .finished(.holdWrites, .done, detail: "the proxy holds writes; none in flight, 2 waiting"),
                        .started(.unblockSource),
                    ],
                    next: .work(.removeWriteBlock(["a", "c"]))))
        #expect(
            machine.receive(.writeBlockRemoved)
                == Action(
                    record: [.finished(.unblockSource, .done, detail: "write block removed from 2 source indices"), .started(.drainBack)],
                    next: .work(.drainBack)))
        #expect(
            machine.receive(.drainedBack(.done, detail: "4 written, 1 deleted"))
                == Action(record: [.finished(.drainBack, .done, detail: "4 written, 1 deleted"), .started(.verify)], next: .work(.verify)))
        #expect(
            machine.receive(.verified(passed: true, summary: "0 documents differ"))
                == Action(
                    record: [
                        .finished(.verify, .done, detail: "target to source, 10.0% sample: 0 documents differ"), .started(.switchClients),
                    ],
                    next: .work(.runHook(Self.rollback1))))
        #expect(
            machine.receive(.hookFinished(succeeded(Self.rollback1)))
                == Action(
                    record: [
                        .hookRan(.switchClients, summary: succeeded(Self.rollback1).summary),
                        .facts(.switchClients, StepFacts(hooksRun: 1)),
                    ],
                    next: .work(.runHook(Self.rollback2))))
        #expect(machine.receive(.hookFinished(succeeded(Self.rollback2))).work == .route(.source))
        let detail = "clients are on the source, with every write the target accepted"
        #expect(
            machine.receive(.routed)
                == Action(
                    record: [
                        .finished(.switchClients, .done, detail: "the proxy routes to the source; 2 rollback hooks ran"),
                        .started(.switchMonitors),
                    ],
                    next: .work(.restoreMonitors([World.disk]))))
        #expect(
            machine.receive(.monitorsRestored)
                == Action(
                    record: [
                        .finished(.switchMonitors, .done, detail: "1 monitors enabled on the source and disabled on the target"),
                        .completed(.completed, detail: detail),
                    ],
                    next: .finish(.outcome(.success, message: "Rollback complete: \(detail)."))))
        #expect(machine.gates == [GateAnswer(gate: "reverse validation", passed: true, blocking: false, detail: "0 documents differ")])
        #expect(machine.hooks == [succeeded(Self.rollback1), succeeded(Self.rollback2)])
    }

    @Test func withoutAProxyOrBlocksThoseStepsAreSkipped() {
        var machine = Machine(configuration: Machine.Configuration(proxy: false, blockedIndices: [], sampleRate: 1))
        #expect(
            machine.receive(.started(recorded: []))
                == Action(
                    record: [
                        .started(.holdWrites), .finished(.holdWrites, .skipped, detail: "no proxy"), .started(.unblockSource),
                        .finished(.unblockSource, .skipped, detail: "the cutover placed no write block"), .started(.drainBack),
                    ],
                    next: .work(.drainBack)))
        let action = machine.receive([
            .drainedBack(.skipped, detail: "no target-side capture log"), .verified(passed: true, summary: "0 documents differ"),
        ])
        #expect(
            action.record == [
                .finished(.verify, .done, detail: "target to source, 100% sample: 0 documents differ"), .started(.switchClients),
                .finished(.switchClients, .done, detail: "0 rollback hooks ran"), .started(.switchMonitors),
                .finished(.switchMonitors, .skipped, detail: "the cutover switched no monitor"),
                .completed(.completed, detail: "clients are on the source, with every write the target accepted"),
            ])
    }

    @Test func theSuggestedReverseRepairCarriesTheRenamesReversed() {
        var machine = Machine(
            configuration: Machine.Configuration(
                proxy: false, blockedIndices: [], sampleRate: 1, reverseRenames: ["orders-v2:orders", "archive-*:logs-*"]))
        let action = machine.receive([
            .started(recorded: []), .drainedBack(.skipped, detail: "no target-side capture log"),
            .verified(passed: false, summary: "1 document differs"),
        ])
        guard case .outcome(.failure, let message) = action.ending else {
            Issue.record("the rollback should end as a failure: \(String(describing: action.ending))")
            return
        }
        #expect(
            message.hasSuffix(
                "Copy what the target has with tern validate --source TARGET --target SOURCE --rename 'orders-v2:orders' --rename 'archive-*:logs-*' --repair."
            ))
    }

    @Test func differencesFoundInReverseCompleteTheRollbackButFail() {
        var machine = Machine(configuration: Machine.Configuration(proxy: true, blockedIndices: ["a"], sampleRate: 0.1))
        let action = machine.receive([
            .started(recorded: []), .writesHeld(waiting: 0), .writeBlockRemoved, .drainedBack(.done, detail: "replayed"),
            .verified(passed: false, summary: "2 documents differ"), .routed,
        ])
        let detail = "clients are on the source, but the reverse check found differences: 2 documents differ"
        #expect(action.record.last == .completed(.completed, detail: detail))
        #expect(
            action.ending
                == .outcome(
                    .failure,
                    message:
                        "Rollback complete, \(detail). Copy what the target has with tern validate --source TARGET --target SOURCE --repair."
                ))
    }

    @Test func aFailedStepStopsTheRollbackWhereItIsWithItsExitCode() {
        var machine = Machine(configuration: Self.proxyAndHooks)
        let action = machine.receive([
            .started(recorded: []), .writesHeld(waiting: 0), .writeBlockRemoved,
            .failed(reason: "the source cluster cannot be reached", exitCode: .unreachable),
        ])
        #expect(
            action
                == Action(
                    record: [.finished(.drainBack, .failed, detail: "the source cluster cannot be reached")],
                    next: .finish(
                        .error(
                            TernError(
                                .stepFailed,
                                "Rollback stopped at drain-back: the source cluster cannot be reached. Fix that and run tern rollback again: it resumes there.",
                                exitCode: .unreachable)))))
    }

    @Test func aFailedRollbackHookStopsTheRollbackAndTheNextStartRunsOnlyTheHooksLeft() {
        var machine = Machine(configuration: Self.proxyAndHooks)
        let action = machine.receive([
            .started(recorded: []), .writesHeld(waiting: 0), .writeBlockRemoved, .drainedBack(.done, detail: "replayed"),
            .verified(passed: true, summary: "0 documents differ"), .hookFinished(succeeded(Self.rollback1)),
            .hookFinished(failed(Self.rollback2)),
        ])
        let reason =
            "the rollback hook tern.yml line 13, cutover.hooks.rollback[1] `echo rollback-2` exited with status 3 after 0.1 s: not good"
        #expect(
            action.record == [
                .hookRan(.switchClients, summary: failed(Self.rollback2).summary), .finished(.switchClients, .failed, detail: reason),
            ])
        #expect(action.ending?.exitCode == .failure)

        var resumed = Machine(configuration: Self.proxyAndHooks)
        let steps =
            [RollbackStep.holdWrites, .unblockSource, .drainBack, .verify].map { recorded($0, .done) } + [
                rollback(.switchClients, .failed, facts: StepFacts(hooksRun: 1))
            ]
        #expect(
            resumed.receive(.started(recorded: steps)) == Action(record: [.started(.switchClients)], next: .work(.runHook(Self.rollback2))))
    }

    @Test(arguments: RollbackStep.allCases)
    func aRollbackKilledInAStepStartsThatStepAgainAndNoneBefore(step: RollbackStep) {
        var machine = Machine(configuration: Self.proxyAndHooks)
        let steps = RollbackStep.allCases.prefix { $0 != step }.map { recorded($0, .done) } + [recorded(step, .running)]
        var world = World()
        var action = machine.receive(.started(recorded: steps))
        var started: [RollbackStep] = []
        while true {
            started += action.record.compactMap { if case .started(let step) = $0 { step } else { nil } }
            guard let work = action.work else { break }
            action = machine.receive(world.perform(work))
        }
        #expect(started == Array(RollbackStep.allCases.drop { $0 != step }))
        #expect(
            action.ending
                == .outcome(.success, message: "Rollback complete: clients are on the source, with every write the target accepted."))
    }

    @Test func aRollbackKilledAfterItsLastStepCompletesWithoutRunningAnything() {
        var machine = Machine(configuration: Self.proxyAndHooks)
        let action = machine.receive(.started(recorded: RollbackStep.allCases.map { recorded($0, .done) }))
        #expect(action.work == nil)
        #expect(action.record == [.completed(.completed, detail: "clients are on the source, with every write the target accepted")])
    }

    /// Runs a rollback against `world`, killed after `kill` journal writes and pieces of work (nil: never), then started
    /// again on what the journal kept.
    static func run(world: inout World, killAfter kill: Int?) -> (journal: MemoryJournal<RollbackStep>, operations: Int) {
        var journal = MemoryJournal<RollbackStep>()
        var budget = kill
        var operations = 0
        var machine = Machine(configuration: Self.proxyAndHooks)
        var action = machine.receive(.started(recorded: []))
        while true {
            var killed = false
            for entry in action.record {
                if budget == 0 {
                    killed = true
                    break
                }
                journal.write(entry)
                operations += 1
                budget = budget.map { $0 - 1 }
            }
            if !killed, case .work(let work) = action.next {
                if budget == 0 {
                    killed = true
                } else {
                    let event = world.perform(work)
                    operations += 1
                    budget = budget.map { $0 - 1 }
                    if budget != 0 {
                        action = machine.receive(event)
                        continue
                    }
                    killed = true
                }
            }
            guard killed, journal.completed == nil else { return (journal, operations) }
            budget = nil
            machine = Machine(configuration: Self.proxyAndHooks)
            action = machine.receive(.started(recorded: journal.steps))
        }
    }

    @Test func killedAtAnyPointTheNextStartPutsClientsBackOnTheSource() {
        let afterCutover = World(mode: "target", blocked: ["a", "b", "c"])
        var uninterrupted = afterCutover
        let (_, total) = Self.run(world: &uninterrupted, killAfter: nil)
        #expect(uninterrupted.mode == "source" && uninterrupted.blocked == ["b"])
        for kill in 0...total {
            var world = afterCutover
            let (journal, _) = Self.run(world: &world, killAfter: kill)
            #expect(journal.completed?.status == .completed, "killed after \(kill)")
            #expect(world.mode == "source", "killed after \(kill)")
            #expect(world.blocked == ["b"], "killed after \(kill): the operator's block stays")
            #expect(Set(world.hooksRun) == ["echo rollback-1", "echo rollback-2"], "killed after \(kill)")
            #expect(world.hooksRun.count <= 3, "killed after \(kill): only the hook running at the kill runs again")
        }
    }
}

extension RollbackStateMachine {
    /// Feeds `events` in order and returns the action for the last one.
    mutating func receive(_ events: [Event]) -> Action {
        var last: Action?
        for event in events { last = receive(event) }
        return last!
    }
}
