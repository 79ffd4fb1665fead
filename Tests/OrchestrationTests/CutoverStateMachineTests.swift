import Foundation
import Metadata
import TernCore
import Testing

@testable import Orchestration

/// The decisions of `tern cutover`, fed event by event: no cluster, no proxy, no journal.
@Suite struct CutoverStateMachineTests {
    typealias Machine = CutoverStateMachine
    typealias Action = CutoverStateMachine.Action

    static let switch1 = hook("echo switch-1", "tern.yml line 9, cutover.hooks.switch[0]")
    static let switch2 = hook("echo switch-2", "tern.yml line 10, cutover.hooks.switch[1]")
    static let rollback1 = hook("echo rollback-1", "tern.yml line 12, cutover.hooks.rollback[0]")
    static let rollback2 = hook("echo rollback-2", "tern.yml line 13, cutover.hooks.rollback[1]")

    static let proxy = Machine.Configuration(proxy: true)
    static let proxyAndHooks = Machine.Configuration(proxy: true, switchHooks: [switch1, switch2], rollbackHooks: [rollback1, rollback2])
    static let hooksOnly = Machine.Configuration(proxy: false, switchHooks: [switch1, switch2], rollbackHooks: [rollback1, rollback2])

    static let preconditions =
        "source cluster: 7.10.2 reachable; target cluster: 2.19.1 reachable; recent validation: no validation recorded"
    static let validated = "10% of the documents compared: 0 documents differ"
    static let differences = "the validation gate found differences (1 of 300 documents differ)"

    /// The events of a cutover that goes well, up to the validation gate passed.
    static let upToTheGate: [Machine.Event] = [
        .started(recorded: []), .gatesAnswered(passingGates), .writesHeld(waiting: 0),
        .sourceIndicesListed(open: ["a", "b", "c"], alreadyBlocked: ["b"]), .writeBlockSet, .drained(.done, detail: "replayed to lag 0"),
        .validated(detail: validated),
    ]

    // MARK: A new cutover

    @Test func aNewCutoverChecksItsPreconditionsFirst() {
        var machine = Machine(configuration: Self.proxy)
        #expect(machine.receive(.started(recorded: [])) == Action(record: [.started(.preconditions)], next: .work(.checkPreconditions)))
    }

    @Test func passingGatesAreRecordedAndTheProxyHoldsWrites() {
        var machine = Machine(configuration: Self.proxy)
        let action = machine.receive([.started(recorded: []), .gatesAnswered(passingGates)])
        #expect(
            action
                == Action(
                    record: [.finished(.preconditions, .done, detail: Self.preconditions), .started(.holdWrites)], next: .work(.holdWrites))
        )
        #expect(machine.gates == passingGates)
    }

    @Test func aFailedBlockingGateStopsTheCutoverBeforeAnythingChanges() {
        var machine = Machine(configuration: Self.proxyAndHooks)
        let gates =
            passingGates + [
                GateAnswer(gate: "backfill", passed: false, detail: "no backfill is recorded in .tern; run tern backfill first.")
            ]
        let action = machine.receive([.started(recorded: []), .gatesAnswered(gates)])
        let reason = "backfill: no backfill is recorded in .tern; run tern backfill first"
        #expect(
            action
                == Action(
                    record: [.finished(.preconditions, .failed, detail: reason), .completed(.aborted, detail: reason)],
                    next: .finish(.outcome(.failure, message: "Cutover not started: \(reason)."))))
        #expect(machine.gates == gates)
    }

    @Test func anUnreachableClusterIsTheWorstExitCodeAmongTheFailedGates() {
        var machine = Machine(configuration: Self.proxy)
        let gates = [
            GateAnswer(gate: "source cluster", passed: false, detail: "connection refused", exitCode: .unreachable),
            GateAnswer(gate: "backfill", passed: false, detail: "run tern backfill first"),
            GateAnswer(gate: "recent validation", passed: false, blocking: false, detail: "no validation recorded"),
        ]
        let action = machine.receive([.started(recorded: []), .gatesAnswered(gates)])
        #expect(
            action.ending
                == .outcome(
                    .unreachable, message: "Cutover not started: source cluster: connection refused; backfill: run tern backfill first."))
    }

    @Test func aFailedNonBlockingGateIsOnlyAWarning() {
        var machine = Machine(configuration: Self.proxy)
        let action = machine.receive([.started(recorded: []), .gatesAnswered(passingGates)])
        #expect(action.work == .holdWrites)
        #expect(machine.gates.contains { !$0.passed })
    }

    @Test func preconditionsThatCannotBeCheckedStopTheCutoverWithTheirExitCode() {
        var machine = Machine(configuration: Self.proxy)
        let action = machine.receive([.started(recorded: []), .failed(reason: "cannot read the state store", exitCode: .unreachable)])
        #expect(
            action
                == Action(
                    record: [
                        .finished(.preconditions, .failed, detail: "cannot read the state store"),
                        .completed(.aborted, detail: "cannot read the state store"),
                    ],
                    next: .finish(.outcome(.unreachable, message: "Cutover not started: cannot read the state store."))))
    }

    @Test func withoutAProxyHoldWritesIsSkippedAndTheBlockComesNext() {
        var machine = Machine(configuration: Self.hooksOnly)
        let action = machine.receive([.started(recorded: []), .gatesAnswered(passingGates)])
        #expect(
            action
                == Action(
                    record: [
                        .finished(.preconditions, .done, detail: Self.preconditions), .started(.holdWrites),
                        .finished(
                            .holdWrites, .skipped,
                            detail: "no proxy: writes that reach the source directly fail on the write block from now on"),
                        .started(.blockSource),
                    ],
                    next: .work(.listSourceIndices)))
    }

    @Test func theBlockSavesWhatItBlocksBeforeBlockingAndLeavesTheOperatorsBlocksOut() {
        var machine = Machine(configuration: Self.proxy)
        _ = machine.receive([.started(recorded: []), .gatesAnswered(passingGates)])
        #expect(
            machine.receive(.writesHeld(waiting: 2))
                == Action(
                    record: [
                        .finished(.holdWrites, .done, detail: "the proxy holds writes; none in flight, 2 waiting"), .started(.blockSource),
                    ],
                    next: .work(.listSourceIndices)))
        #expect(
            machine.receive(.sourceIndicesListed(open: ["a", "b", "c"], alreadyBlocked: ["b"]))
                == Action(record: [.facts(.blockSource, StepFacts(blockedIndices: ["a", "c"]))], next: .work(.setWriteBlock(["a", "c"]))))
        #expect(
            machine.receive(.writeBlockSet)
                == Action(
                    record: [
                        .finished(.blockSource, .done, detail: "write block on 2 source indices (1 had one already)"), .started(.drain),
                    ],
                    next: .work(.drain)))
    }

    @Test func indicesTheOperatorBlockedAlreadyAreNotBlockedAgain() {
        var machine = Machine(configuration: Self.proxy)
        let action = machine.receive([
            .started(recorded: []), .gatesAnswered(passingGates), .writesHeld(waiting: 0),
            .sourceIndicesListed(open: ["a"], alreadyBlocked: ["a"]),
        ])
        #expect(
            action
                == Action(
                    record: [
                        .facts(.blockSource, StepFacts(blockedIndices: [])),
                        .finished(.blockSource, .done, detail: "write block on 0 source indices (1 had one already)"), .started(.drain),
                    ],
                    next: .work(.drain)))
    }

    @Test func noOpenSourceIndexAbortsTheCutover() {
        var machine = Machine(configuration: Self.proxy)
        let reason = "no open source index matches the selection, so nothing can be cut over"
        let action = machine.receive([
            .started(recorded: []), .gatesAnswered(passingGates), .writesHeld(waiting: 0),
            .sourceIndicesListed(open: [], alreadyBlocked: []),
        ])
        #expect(
            action == Action(record: [.finished(.blockSource, .failed, detail: reason), .started(.abort)], next: .work(.route(.source))))
        #expect(
            machine.receive(.routed)
                == Action(
                    record: [
                        .finished(.abort, .done, detail: "the proxy routes to the source"),
                        .completed(.aborted, detail: "block-source: \(reason)"),
                    ],
                    next: .finish(
                        .outcome(
                            .failure,
                            message:
                                "Cutover aborted: block-source: \(reason). The source takes writes again (the proxy routes to the source)."
                        ))))
    }

    @Test func aDrainWithoutACaptureLogIsSkipped() {
        var machine = Machine(configuration: Self.proxy)
        let action = machine.receive(Array(Self.upToTheGate.prefix(5)) + [.drained(.skipped, detail: "no capture log in .tern/capture")])
        #expect(
            action
                == Action(
                    record: [.finished(.drain, .skipped, detail: "no capture log in .tern/capture"), .started(.validate)],
                    next: .work(.validate)))
    }

    @Test func theSwitchRunsEachHookInOrderCountingThoseDoneThenRoutesToTheTarget() {
        var machine = Machine(configuration: Self.proxyAndHooks)
        #expect(
            machine.receive(Self.upToTheGate)
                == Action(
                    record: [.finished(.validate, .done, detail: Self.validated), .started(.switchClients)],
                    next: .work(.runHook(Self.switch1))))
        #expect(
            machine.receive(.hookFinished(succeeded(Self.switch1)))
                == Action(
                    record: [
                        .hookRan(.switchClients, summary: succeeded(Self.switch1).summary),
                        .facts(.switchClients, StepFacts(hooksRun: 1)),
                    ],
                    next: .work(.runHook(Self.switch2))))
        #expect(
            machine.receive(.hookFinished(succeeded(Self.switch2)))
                == Action(
                    record: [
                        .hookRan(.switchClients, summary: succeeded(Self.switch2).summary),
                        .facts(.switchClients, StepFacts(hooksRun: 2)),
                    ],
                    next: .work(.route(.target))))
        #expect(
            machine.receive(.routed)
                == Action(
                    record: [
                        .finished(.switchClients, .done, detail: "the proxy routes to the target; 2 switch hooks ran"),
                        .started(.switchMonitors),
                    ],
                    next: .work(.listMonitors)))
        #expect(
            machine.receive(.monitorsListed([], detail: "the source has no Alerting plugin"))
                == Action(
                    record: [
                        .finished(.switchMonitors, .skipped, detail: "no monitor switched: the source has no Alerting plugin"),
                        .completed(.completed, detail: "the proxy routes clients to the target"),
                    ],
                    next: .finish(.outcome(.success, message: "Cutover complete: the proxy routes clients to the target."))))
        #expect(machine.hooks == [succeeded(Self.switch1), succeeded(Self.switch2)])
        #expect(machine.gates == passingGates)
    }

    @Test func withoutAProxyTheSwitchHooksMoveTheClients() {
        var machine = Machine(configuration: Self.hooksOnly)
        _ = machine.receive([
            .started(recorded: []), .gatesAnswered(passingGates), .sourceIndicesListed(open: ["a"], alreadyBlocked: []), .writeBlockSet,
            .drained(.done, detail: "replayed"), .validated(detail: Self.validated), .hookFinished(succeeded(Self.switch1)),
        ])
        #expect(
            machine.receive(.hookFinished(succeeded(Self.switch2)))
                == Action(
                    record: [
                        .hookRan(.switchClients, summary: succeeded(Self.switch2).summary),
                        .facts(.switchClients, StepFacts(hooksRun: 2)),
                        .finished(.switchClients, .done, detail: "2 switch hooks ran"), .started(.switchMonitors),
                    ],
                    next: .work(.listMonitors)))
        #expect(
            machine.receive(.monitorsListed([], detail: ""))
                == Action(
                    record: [
                        .finished(.switchMonitors, .skipped, detail: "no monitor to switch"),
                        .completed(.completed, detail: "the switch hooks moved clients to the target"),
                    ],
                    next: .finish(.outcome(.success, message: "Cutover complete: the switch hooks moved clients to the target."))))
    }

    // MARK: Aborts

    @Test func aFailedValidationGateAbortsAndRemovesOnlyTheBlocksThisCutoverPlaced() {
        var machine = Machine(configuration: Self.proxyAndHooks)
        let action = machine.receive(Array(Self.upToTheGate.dropLast()) + [.failed(reason: Self.differences, exitCode: .failure)])
        #expect(
            action
                == Action(
                    record: [.finished(.validate, .failed, detail: Self.differences), .started(.abort)], next: .work(.route(.source))))
        #expect(machine.receive(.routed) == Action(next: .work(.removeWriteBlock(["a", "c"]))))
        // The switch never started: the rollback hooks have nothing to undo.
        let undone = "the proxy routes to the source, write block removed from 2 source indices"
        #expect(
            machine.receive(.writeBlockRemoved)
                == Action(
                    record: [.finished(.abort, .done, detail: undone), .completed(.aborted, detail: "validate: \(Self.differences)")],
                    next: .finish(
                        .outcome(
                            .failure, message: "Cutover aborted: validate: \(Self.differences). The source takes writes again (\(undone)).")
                    )))
        #expect(machine.hooks.isEmpty)
    }

    @Test func anUnreachableClusterDuringAStepAbortsWithExitCode3() {
        var machine = Machine(configuration: Self.proxy)
        let action = machine.receive(
            Array(Self.upToTheGate.prefix(5)) + [
                .failed(reason: "the target cluster cannot be reached", exitCode: .unreachable), .routed, .writeBlockRemoved,
            ])
        #expect(action.ending?.exitCode == .unreachable)
        #expect(action.record.last == .completed(.aborted, detail: "drain: the target cluster cannot be reached"))
    }

    @Test func aFailedSwitchHookAbortsAndTheRollbackHooksUndoTheSwitch() {
        var machine = Machine(configuration: Self.hooksOnly)
        _ = machine.receive([
            .started(recorded: []), .gatesAnswered(passingGates), .sourceIndicesListed(open: ["a", "b", "c"], alreadyBlocked: ["b"]),
            .writeBlockSet, .drained(.done, detail: "replayed"), .validated(detail: Self.validated), .hookFinished(succeeded(Self.switch1)),
        ])
        let reason = "the switch hook tern.yml line 10, cutover.hooks.switch[1] `echo switch-2` exited with status 3 after 0.1 s: not good"
        #expect(
            machine.receive(.hookFinished(failed(Self.switch2)))
                == Action(
                    record: [
                        .hookRan(.switchClients, summary: failed(Self.switch2).summary), .finished(.switchClients, .failed, detail: reason),
                        .started(.abort),
                    ],
                    next: .work(.removeWriteBlock(["a", "c"]))))
        #expect(machine.receive(.writeBlockRemoved) == Action(next: .work(.runHook(Self.rollback1))))
        #expect(
            machine.receive(.hookFinished(succeeded(Self.rollback1)))
                == Action(
                    record: [.hookRan(.abort, summary: succeeded(Self.rollback1).summary), .facts(.abort, StepFacts(hooksRun: 1))],
                    next: .work(.runHook(Self.rollback2))))
        let undone = "write block removed from 2 source indices, 2 rollback hooks ran"
        #expect(
            machine.receive(.hookFinished(succeeded(Self.rollback2)))
                == Action(
                    record: [
                        .hookRan(.abort, summary: succeeded(Self.rollback2).summary), .facts(.abort, StepFacts(hooksRun: 2)),
                        .finished(.abort, .done, detail: undone), .completed(.aborted, detail: "switch-clients: \(reason)"),
                    ],
                    next: .finish(
                        .outcome(
                            .failure, message: "Cutover aborted: switch-clients: \(reason). The source takes writes again (\(undone))."))))
        #expect(
            machine.hooks == [
                succeeded(Self.switch1), failed(Self.switch2), succeeded(Self.rollback1), succeeded(Self.rollback2),
            ])
    }

    @Test func aHookWhoseLastLineEndsASentenceIsNamedWithoutItsFullStop() {
        var machine = Machine(configuration: Machine.Configuration(proxy: false, switchHooks: [Self.switch1]))
        let action = machine.receive([
            .started(recorded: []), .gatesAnswered(passingGates), .sourceIndicesListed(open: ["a"], alreadyBlocked: []), .writeBlockSet,
            .drained(.done, detail: "replayed"), .validated(detail: Self.validated),
            .hookFinished(failed(Self.switch1, output: "the load balancer refused.")),
        ])
        #expect(
            action.record.contains(
                .finished(
                    .switchClients, .failed,
                    detail:
                        "the switch hook tern.yml line 9, cutover.hooks.switch[0] `echo switch-1` exited with status 3 after 0.1 s: the load balancer refused"
                )))
    }

    @Test func aFailedRollbackHookLeavesTheAbortForTheNextStart() {
        var machine = Machine(configuration: Self.hooksOnly)
        _ = machine.receive([
            .started(recorded: []), .gatesAnswered(passingGates), .sourceIndicesListed(open: ["a"], alreadyBlocked: []), .writeBlockSet,
            .drained(.done, detail: "replayed"), .validated(detail: Self.validated), .hookFinished(failed(Self.switch1)),
            .writeBlockRemoved,
        ])
        let reason =
            "switch-clients: the switch hook tern.yml line 9, cutover.hooks.switch[0] `echo switch-1` exited with status 3 after 0.1 s: not good"
        let problem =
            "the rollback hook tern.yml line 12, cutover.hooks.rollback[0] `echo rollback-1` exited with status 3 after 0.1 s: not good"
        #expect(
            machine.receive(.hookFinished(failed(Self.rollback1)))
                == Action(
                    record: [.hookRan(.abort, summary: failed(Self.rollback1).summary), .finished(.abort, .failed, detail: problem)],
                    next: .finish(
                        .error(
                            TernError(
                                .abortFailed,
                                "Cutover stopped (\(reason)), and putting the source back failed: \(problem). Fix that, then run tern cutover again to finish the abort (or move clients back by hand).",
                                exitCode: .failure)))))
    }

    @Test func routingBackThatFailsFailsTheAbortWithItsExitCode() {
        var machine = Machine(configuration: Self.proxy)
        let action = machine.receive(
            Array(Self.upToTheGate.dropLast()) + [
                .failed(reason: Self.differences, exitCode: .failure),
                .failed(reason: "the proxy cannot be reached", exitCode: .unreachable),
            ])
        #expect(action.record == [.finished(.abort, .failed, detail: "the proxy cannot be reached")])
        guard case .finish(.error(let error)) = action.next else {
            Issue.record("the abort should fail: \(action)")
            return
        }
        #expect(error.kind == .abortFailed && error.exitCode == .unreachable)
        #expect(
            error.message.hasPrefix(
                "Cutover stopped (validate: \(Self.differences)), and putting the source back failed: the proxy cannot be reached."))
    }

    // MARK: Resumed after a kill

    /// A cutover killed in `step`: the steps before it are done; `step` is recorded as running, with `facts`.
    static func killed(in step: CutoverStep, facts: StepFacts? = nil) -> [OperationStep] {
        CutoverStep.sequence.prefix { $0 != step }.map { recorded($0, .done) } + [recorded(step, .running, facts: facts)]
    }

    @Test(arguments: [
        (CutoverStep.preconditions, Machine.Work.checkPreconditions), (.holdWrites, .holdWrites), (.blockSource, .listSourceIndices),
        (.drain, .drain), (.validate, .validate), (.switchClients, .runHook(switch1)),
    ])
    func aCutoverKilledInAStepStartsThatStepAgain(step: CutoverStep, work: Machine.Work) {
        var machine = Machine(configuration: Self.proxyAndHooks)
        #expect(machine.receive(.started(recorded: Self.killed(in: step))) == Action(record: [.started(step)], next: .work(work)))
    }

    @Test(arguments: CutoverStep.sequence)
    func aCutoverKilledInAStepRunsTheStepsAfterItButNoneBefore(step: CutoverStep) {
        var machine = Machine(configuration: Self.proxyAndHooks)
        var world = World()
        var action = machine.receive(.started(recorded: Self.killed(in: step)))
        var started: [CutoverStep] = []
        while let work = action.work {
            started += action.record.compactMap { if case .started(let step) = $0 { step } else { nil } }
            action = machine.receive(world.perform(work))
        }
        started += action.record.compactMap { if case .started(let step) = $0 { step } else { nil } }
        #expect(started == Array(CutoverStep.sequence.drop { $0 != step }))
        #expect(action.ending == .outcome(.success, message: "Cutover complete: the proxy routes clients to the target."))
        // The preconditions were checked by the first attempt: this one has no gates to show.
        #expect(machine.gates == (step == .preconditions ? passingGates : []))
    }

    @Test func aResumedBlockBlocksWhatTheFirstAttemptSavedWithoutListingAgain() {
        var machine = Machine(configuration: Self.proxy)
        let action = machine.receive(.started(recorded: Self.killed(in: .blockSource, facts: StepFacts(blockedIndices: ["a", "c"]))))
        #expect(action == Action(record: [.started(.blockSource)], next: .work(.setWriteBlock(["a", "c"]))))
        // The saved indices are this cutover's: now that they have a block, none of them is the operator's.
        #expect(
            machine.receive(.writeBlockSet)
                == Action(
                    record: [.finished(.blockSource, .done, detail: "write block on 2 source indices"), .started(.drain)],
                    next: .work(.drain)))
    }

    @Test func aResumedSwitchRunsOnlyTheHooksThatDidNotFinish() {
        var machine = Machine(configuration: Self.proxyAndHooks)
        let action = machine.receive(.started(recorded: Self.killed(in: .switchClients, facts: StepFacts(hooksRun: 1))))
        #expect(action == Action(record: [.started(.switchClients)], next: .work(.runHook(Self.switch2))))
        #expect(
            machine.receive(.hookFinished(succeeded(Self.switch2)))
                == Action(
                    record: [
                        .hookRan(.switchClients, summary: succeeded(Self.switch2).summary), .facts(.switchClients, StepFacts(hooksRun: 2)),
                    ],
                    next: .work(.route(.target))))
        #expect(
            machine.receive(.routed).record.first
                == .finished(.switchClients, .done, detail: "the proxy routes to the target; 2 switch hooks ran"))
    }

    @Test func aSwitchKilledAfterItsHooksOnlyRoutesAgain() {
        var machine = Machine(configuration: Self.proxyAndHooks)
        let action = machine.receive(.started(recorded: Self.killed(in: .switchClients, facts: StepFacts(hooksRun: 2))))
        #expect(action == Action(record: [.started(.switchClients)], next: .work(.route(.target))))
    }

    @Test func aCutoverKilledAfterItsLastStepCompletesWithoutRunningAnything() {
        var machine = Machine(configuration: Self.proxy)
        let action = machine.receive(.started(recorded: CutoverStep.sequence.map { recorded($0, .done) }))
        #expect(
            action
                == Action(
                    record: [.completed(.completed, detail: "the proxy routes clients to the target")],
                    next: .finish(.outcome(.success, message: "Cutover complete: the proxy routes clients to the target."))))
    }

    @Test func skippedStepsAreNotRunAgain() {
        var machine = Machine(configuration: Self.hooksOnly)
        let action = machine.receive(
            .started(recorded: [
                cutover(.preconditions, .done), cutover(.holdWrites, .skipped), cutover(.blockSource, .done),
                cutover(.drain, .skipped),
            ]))
        #expect(action == Action(record: [.started(.validate)], next: .work(.validate)))
    }

    @Test func aStepThatFailedBeforeItsAbortStartedRunsAgain() {
        var machine = Machine(configuration: Self.proxy)
        let action = machine.receive(
            .started(recorded: [
                cutover(.preconditions, .done), cutover(.holdWrites, .done), cutover(.blockSource, .done), cutover(.drain, .done),
                cutover(.validate, .failed),
            ]))
        #expect(action == Action(record: [.started(.validate)], next: .work(.validate)))
    }

    @Test func aCutoverKilledDuringItsAbortFinishesTheAbortAndRunsNoRollbackHookTwice() {
        var machine = Machine(configuration: Self.hooksOnly)
        let steps = [
            cutover(.preconditions, .done), cutover(.holdWrites, .skipped),
            cutover(.blockSource, .done, facts: StepFacts(blockedIndices: ["a", "c"])), cutover(.drain, .done), cutover(.validate, .done),
            cutover(.switchClients, .failed, facts: StepFacts(hooksRun: 1)), cutover(.abort, .running, facts: StepFacts(hooksRun: 1)),
        ]
        #expect(
            machine.receive(.started(recorded: steps))
                == Action(record: [.started(.abort)], next: .work(.removeWriteBlock(["a", "c"]))))
        #expect(machine.receive(.writeBlockRemoved) == Action(next: .work(.runHook(Self.rollback2))))
        let undone = "write block removed from 2 source indices, 2 rollback hooks ran"
        let reason = "finishing the abort of an earlier attempt"
        #expect(
            machine.receive(.hookFinished(succeeded(Self.rollback2)))
                == Action(
                    record: [
                        .hookRan(.abort, summary: succeeded(Self.rollback2).summary), .facts(.abort, StepFacts(hooksRun: 2)),
                        .finished(.abort, .done, detail: undone), .completed(.aborted, detail: reason),
                    ],
                    next: .finish(.outcome(.failure, message: "Cutover aborted: \(reason). The source takes writes again (\(undone))."))))
    }

    @Test func anAbortIsNeverResumedForwards() {
        // Even with every step of the sequence done, a recorded abort means the source must be put back in charge.
        var machine = Machine(configuration: Self.proxy)
        let action = machine.receive(.started(recorded: CutoverStep.sequence.map { recorded($0, .done) } + [cutover(.abort, .failed)]))
        #expect(action == Action(record: [.started(.abort)], next: .work(.route(.source))))
    }

    @Test func anAbortDoneAgainAsksForTheSameUndoingAndNoHookAgain() {
        let steps = [
            cutover(.preconditions, .done), cutover(.holdWrites, .done),
            cutover(.blockSource, .done, facts: StepFacts(blockedIndices: ["a", "c"])), cutover(.drain, .done), cutover(.validate, .done),
            cutover(.switchClients, .failed, facts: StepFacts(hooksRun: 1)), cutover(.abort, .done, facts: StepFacts(hooksRun: 2)),
        ]
        // Killed after the abort was recorded done, before the cutover was: each start asks the same, idempotent undoing.
        for _ in 0..<2 {
            var machine = Machine(configuration: Self.proxyAndHooks)
            var works: [Machine.Work] = []
            var action = machine.receive(.started(recorded: steps))
            var world = World()
            while let work = action.work {
                works.append(work)
                action = machine.receive(world.perform(work))
            }
            #expect(works == [.route(.source), .removeWriteBlock(["a", "c"])])
            #expect(world.hooksRun.isEmpty)
            #expect(
                action.record == [
                    .finished(
                        .abort, .done,
                        detail: "the proxy routes to the source, write block removed from 2 source indices, 2 rollback hooks ran"),
                    .completed(.aborted, detail: "finishing the abort of an earlier attempt"),
                ])
        }
    }

    // MARK: Rolled back before it finished

    @Test func aRollbackFinishesAPartialCutoversAbortAndThatIsSuccess() {
        var machine = Machine(configuration: Self.proxyAndHooks)
        var withFacts = Self.killed(in: .drain)
        withFacts[2] = cutover(.blockSource, .done, facts: StepFacts(blockedIndices: ["a", "c"]))
        #expect(
            machine.receive(.rollbackRequested(recorded: withFacts, cutoverID: 7))
                == Action(record: [.started(.abort)], next: .work(.route(.source))))
        #expect(machine.receive(.routed) == Action(next: .work(.removeWriteBlock(["a", "c"]))))
        let undone = "the proxy routes to the source, write block removed from 2 source indices"
        #expect(
            machine.receive(.writeBlockRemoved)
                == Action(
                    record: [.finished(.abort, .done, detail: undone), .completed(.aborted, detail: "rolled back by tern rollback")],
                    next: .finish(.outcome(.success, message: "Rolled back the unfinished cutover 7: \(undone)."))))
    }

    @Test func aRollbackOfACutoverThatChangedNothingSaysSo() {
        var machine = Machine(configuration: Machine.Configuration(proxy: false, rollbackHooks: [Self.rollback1]))
        #expect(
            machine.receive(.rollbackRequested(recorded: [cutover(.preconditions, .running)], cutoverID: 3))
                == Action(
                    record: [
                        .started(.abort), .finished(.abort, .done, detail: "nothing had changed"),
                        .completed(.aborted, detail: "rolled back by tern rollback"),
                    ],
                    next: .finish(.outcome(.success, message: "Rolled back the unfinished cutover 3: nothing had changed."))))
    }

    @Test func aRollbackDuringTheSwitchRunsTheRollbackHooks() {
        var machine = Machine(configuration: Self.hooksOnly)
        let action = machine.receive(
            .rollbackRequested(recorded: Self.killed(in: .switchClients, facts: StepFacts(hooksRun: 0)), cutoverID: 4))
        #expect(action == Action(record: [.started(.abort)], next: .work(.runHook(Self.rollback1))))
    }

    // MARK: Killed at any point

    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var configuration: Machine.Configuration
        var world: World
        /// How the operation ends.
        var status: OperationRecord.Status
        /// Where clients are at the end.
        var mode: String
        /// The write blocks at the end.
        var blocked: Set<String>
        var testDescription: String { name }
    }

    static let scenarios = [
        Scenario(
            name: "a cutover through the proxy, with hooks", configuration: proxyAndHooks, world: World(), status: .completed,
            mode: "target", blocked: ["a", "b", "c"]),
        Scenario(
            name: "a failed validation gate", configuration: proxyAndHooks, world: World(validationFails: true), status: .aborted,
            mode: "source", blocked: ["b"]),
        Scenario(
            name: "a failed switch hook, without a proxy", configuration: hooksOnly, world: World(failingHooks: ["echo switch-2"]),
            status: .aborted, mode: "source", blocked: ["b"]),
        Scenario(
            name: "a failed switch hook, with the proxy", configuration: proxyAndHooks, world: World(failingHooks: ["echo switch-1"]),
            status: .aborted, mode: "source", blocked: ["b"]),
        Scenario(
            name: "a failed monitor switch", configuration: proxyAndHooks, world: World(monitorSwitchFails: true), status: .aborted,
            mode: "source", blocked: ["b"]),
    ]

    /// Where the alerting monitors end: the running one ("disk") on the target after a cutover, back on the source
    /// after an abort; the one the operator had disabled ("quiet") never enabled anywhere.
    static func expectMonitors(_ world: World, completed: Bool, _ comment: Comment) {
        #expect(world.sourceMonitors == ["s1": !completed, "s2": false], comment)
        #expect(world.targetMonitors == ["t1": completed, "t2": false], comment)
    }

    /// Runs a cutover against `world`, killed after `kill` journal writes and pieces of work (nil: never), then started
    /// again on what the journal kept, as the next `tern cutover` would (or `tern rollback`, with `rollbackAfterKill`).
    static func run(
        _ configuration: Machine.Configuration, world: inout World, killAfter kill: Int?, rollbackAfterKill: Bool = false
    ) -> (journal: MemoryJournal<CutoverStep>, operations: Int, works: [Machine.Work]) {
        var journal = MemoryJournal<CutoverStep>()
        var budget = kill
        var operations = 0
        var works: [Machine.Work] = []
        var machine = Machine(configuration: configuration)
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
                    // Done, but the kill may come before its end is written: the worst moment.
                    let event = world.perform(work)
                    works.append(work)
                    operations += 1
                    budget = budget.map { $0 - 1 }
                    if budget != 0 {
                        action = machine.receive(event)
                        continue
                    }
                    killed = true
                }
            }
            guard killed else { return (journal, operations, works) }
            // A finished operation is not resumed: the next start would begin a new one.
            guard journal.completed == nil else { return (journal, operations, works) }
            budget = nil
            machine = Machine(configuration: configuration)
            action = machine.receive(
                rollbackAfterKill ? .rollbackRequested(recorded: journal.steps, cutoverID: 1) : .started(recorded: journal.steps))
        }
    }

    @Test(arguments: scenarios)
    func killedAtAnyPointTheNextStartEndsAsAnUninterruptedCutoverWould(scenario: Scenario) {
        var uninterrupted = scenario.world
        let (reference, total, _) = Self.run(scenario.configuration, world: &uninterrupted, killAfter: nil)
        #expect(reference.completed?.status == scenario.status)
        #expect(uninterrupted.mode == scenario.mode && uninterrupted.blocked == scenario.blocked)
        #expect(uninterrupted.hooksRun.count == Set(uninterrupted.hooksRun).count, "no hook runs twice without a kill")
        Self.expectMonitors(uninterrupted, completed: scenario.status == .completed, "uninterrupted")
        for kill in 0...total {
            var world = scenario.world
            let (journal, _, works) = Self.run(scenario.configuration, world: &world, killAfter: kill)
            #expect(journal.completed?.status == scenario.status, "killed after \(kill)")
            #expect(world.mode == scenario.mode, "killed after \(kill)")
            // Only this cutover's blocks are ever removed: the operator's block on b stays.
            #expect(world.blocked == scenario.blocked, "killed after \(kill)")
            #expect(!works.contains { if case .removeWriteBlock(let names) = $0 { names.contains("b") } else { false } })
            // Each hook that ran without a kill runs again only when it was the one running at the kill.
            #expect(Set(world.hooksRun) == Set(uninterrupted.hooksRun), "killed after \(kill)")
            #expect(world.hooksRun.count <= uninterrupted.hooksRun.count + 1, "killed after \(kill): \(world.hooksRun)")
            Self.expectMonitors(world, completed: scenario.status == .completed, "killed after \(kill)")
            if scenario.status == .completed {
                #expect(
                    journal.steps.filter { $0.status == .done || $0.status == .skipped }.map(\.name)
                        == CutoverStep.sequence.map(\.rawValue))
            } else {
                #expect(journal.step(.abort)?.status == .done, "killed after \(kill)")
            }
        }
    }

    @Test func aPartialCutoverKilledAtAnyPointIsRolledBackWithTheOperatorsBlocksKept() {
        var uninterrupted = World()
        let (_, total, _) = Self.run(Self.proxyAndHooks, world: &uninterrupted, killAfter: nil)
        for kill in 0..<total {
            var world = World()
            let (journal, _, _) = Self.run(Self.proxyAndHooks, world: &world, killAfter: kill, rollbackAfterKill: true)
            guard journal.completed?.status != .completed else { continue }
            #expect(journal.completed?.status == .aborted, "killed after \(kill)")
            #expect(world.mode == "source", "killed after \(kill)")
            #expect(world.blocked == ["b"], "killed after \(kill)")
            Self.expectMonitors(world, completed: false, "killed after \(kill)")
            // Rollback hooks undo switch hooks only when the switch had started.
            let switched = journal.step(.switchClients) != nil
            #expect(world.hooksRun.contains("echo rollback-1") == switched, "killed after \(kill): \(world.hooksRun)")
        }
    }
}

extension OperationEnding {
    var exitCode: TernExitCode? {
        switch self {
        case .outcome(let exitCode, _): exitCode
        case .error(let error): error.exitCode
        }
    }
}

extension CutoverStateMachineTests {
    @Test func monitorsAreSavedBeforeTheyAreSwitchedAndAResumedAttemptSwitchesTheSavedOnes() {
        var machine = Machine(configuration: Self.proxy)
        _ = machine.receive([
            .started(recorded: []), .gatesAnswered(passingGates), .writesHeld(waiting: 0),
            .sourceIndicesListed(open: ["a"], alreadyBlocked: []), .writeBlockSet, .drained(.done, detail: "replayed"),
            .validated(detail: Self.validated),
        ])
        #expect(machine.receive(.routed).work == .listMonitors)
        let listed = machine.receive(.monitorsListed([World.disk], detail: "new (not on the target: tern metadata migrate copies it)"))
        #expect(listed.record == [.facts(.switchMonitors, StepFacts(monitors: [World.disk]))])
        #expect(listed.work == .switchMonitors([World.disk]))
        #expect(
            machine.receive(.monitorsSwitched).record.first
                == .finished(
                    .switchMonitors, .done,
                    detail:
                        "1 monitors enabled on the target and disabled on the source; left alone: new (not on the target: tern metadata migrate copies it)"
                ))

        // Killed while switching: the source's monitor is disabled by now, so listing again would find nothing to switch.
        var resumed = Machine(configuration: Self.proxy)
        let steps =
            CutoverStep.sequence.dropLast().map { cutover($0, .done) } + [
                cutover(.switchMonitors, .running, facts: StepFacts(monitors: [World.disk]))
            ]
        let action = resumed.receive(.started(recorded: steps))
        #expect(action.work == .switchMonitors([World.disk]))
    }

    @Test func anAbortAfterTheMonitorSwitchPutsThemBackFirst() {
        var machine = Machine(configuration: Self.proxy)
        let steps =
            CutoverStep.sequence.dropLast().map { cutover($0, .done) } + [
                cutover(.switchMonitors, .failed, facts: StepFacts(monitors: [World.disk]))
            ]
        let action = machine.receive(.rollbackRequested(recorded: steps, cutoverID: 4))
        #expect(action.work == .restoreMonitors([World.disk]))
        #expect(machine.receive(.monitorsRestored).work == .route(.source))
    }
}

extension CutoverStateMachineTests {
    @Test func anAbortAfterTheDrainWithReplicationSaysAStoppedFollowerCannotResume() {
        var machine = Machine(configuration: Machine.Configuration(proxy: true, replication: true))
        let action = machine.receive([
            .started(recorded: []), .gatesAnswered(passingGates), .writesHeld(waiting: 0),
            .sourceIndicesListed(open: ["a"], alreadyBlocked: []), .writeBlockSet,
            .drained(.done, detail: "replication stopped on 1 indices"), .failed(reason: Self.differences, exitCode: .failure),
            .routed, .writeBlockRemoved,
        ])
        guard case .finish(.outcome(_, let message)) = action.next else {
            Issue.record("the abort must end: \(action)")
            return
        }
        #expect(message.contains("a stopped follower cannot resume"), "\(message)")

        // Without replication, or before the drain began, nothing is said about followers.
        var proxyOnly = Machine(configuration: Self.proxy)
        let plain = proxyOnly.receive([
            .started(recorded: []), .gatesAnswered(passingGates), .writesHeld(waiting: 0),
            .sourceIndicesListed(open: ["a"], alreadyBlocked: []), .writeBlockSet,
            .failed(reason: "the drain failed", exitCode: .failure), .routed, .writeBlockRemoved,
        ])
        guard case .finish(.outcome(_, let plainMessage)) = plain.next else { return }
        #expect(!plainMessage.contains("follower"))
    }
}
