import Foundation
import TernCore
import Testing

@testable import Orchestration

/// The decisions of `tern migrate` and `tern decommission`: steps one after another, resumed where they stopped.
@Suite struct StepSequenceStateMachineTests {
    typealias Migrate = StepSequenceStateMachine<MigrateStep>
    static let withoutCutover = MigrateStep.allCases.filter { $0 != .cutover }

    @Test func aNewOperationRunsItsFirstStep() {
        var machine = Migrate(steps: Self.withoutCutover, completedDetail: "in sync")
        #expect(machine.receive(.started(recorded: [])) == .init(record: [.started(.check)], next: .run(.check)))
    }

    @Test func eachStepEndIsRecordedBeforeTheNextStarts() {
        var machine = Migrate(steps: Self.withoutCutover, completedDetail: "in sync")
        _ = machine.receive(.started(recorded: []))
        #expect(
            machine.receive(.stepFinished(.done, detail: "7.10.2 to 2.19.1"))
                == .init(record: [.finished(.check, .done, detail: "7.10.2 to 2.19.1"), .started(.metadata)], next: .run(.metadata)))
    }

    @Test func afterTheLastStepTheOperationCompletes() {
        var machine = Migrate(steps: Self.withoutCutover, completedDetail: "in sync")
        var action = machine.receive(.started(recorded: []))
        var ran: [MigrateStep] = []
        while case .run(let step) = action.next {
            ran.append(step)
            action = machine.receive(.stepFinished(step == .replay ? .skipped : .done, detail: "\(step)"))
        }
        #expect(ran == Self.withoutCutover)
        #expect(
            action
                == .init(
                    record: [.finished(.validate, .done, detail: "validate"), .completed(.completed, detail: "in sync")], next: .completed))
    }

    @Test func withTheCutoverItIsTheLastStep() {
        var machine = Migrate(completedDetail: "clients are on the target")
        let steps = [MigrateStep.check, .metadata, .backfill, .replay, .validate].map { recorded($0, .done) }
        #expect(machine.receive(.started(recorded: steps)) == .init(record: [.started(.cutover)], next: .run(.cutover)))
    }

    @Test func aFailedStepStopsTheOperationUnfinished() {
        var machine = Migrate(steps: Self.withoutCutover, completedDetail: "in sync")
        _ = machine.receive(.started(recorded: []))
        _ = machine.receive(.stepFinished(.done, detail: "ok"))
        #expect(
            machine.receive(.stepFailed(reason: "2 of 9 metadata items could not be created", exitCode: .failure))
                == .init(
                    record: [.finished(.metadata, .failed, detail: "2 of 9 metadata items could not be created")],
                    next: .stopped(at: .metadata, reason: "2 of 9 metadata items could not be created", exitCode: .failure)))
    }

    @Test func aStepThatCannotReachAClusterStopsWithExitCode3() {
        var machine = Migrate(steps: Self.withoutCutover, completedDetail: "in sync")
        _ = machine.receive(.started(recorded: []))
        #expect(
            machine.receive(.stepFailed(reason: "connection refused", exitCode: .unreachable)).next
                == .stopped(at: .check, reason: "connection refused", exitCode: .unreachable))
    }

    @Test(arguments: MigrateStep.allCases.filter { $0 != .cutover })
    func aResumedOperationStartsAgainAtTheStepThatWasRunningOrFailed(step: MigrateStep) {
        for status in [OperationStep.Status.running, .failed] {
            var machine = Migrate(steps: Self.withoutCutover, completedDetail: "in sync")
            let steps = Self.withoutCutover.prefix { $0 != step }.map { recorded($0, .done) } + [recorded(step, status)]
            #expect(machine.receive(.started(recorded: steps)) == .init(record: [.started(step)], next: .run(step)))
        }
    }

    @Test func doneAndSkippedStepsAreNotRunAgain() {
        var machine = Migrate(steps: Self.withoutCutover, completedDetail: "in sync")
        let steps = [migrate(.check, .done), migrate(.metadata, .done), migrate(.backfill, .done), migrate(.replay, .skipped)]
        #expect(machine.receive(.started(recorded: steps)) == .init(record: [.started(.validate)], next: .run(.validate)))
    }

    @Test func aResumedOperationWithEveryStepDoneCompletes() {
        var machine = StepSequenceStateMachine<DecommissionStep>(completedDetail: "Tern's changes removed")
        #expect(
            machine.receive(.started(recorded: DecommissionStep.allCases.map { recorded($0, .done) }))
                == .init(record: [.completed(.completed, detail: "Tern's changes removed")], next: .completed))
    }

    @Test func aDecommissionRunsItsStepsInOrder() {
        var machine = StepSequenceStateMachine<DecommissionStep>(completedDetail: "Tern's changes removed")
        var action = machine.receive(.started(recorded: []))
        var ran: [DecommissionStep] = []
        while case .run(let step) = action.next {
            ran.append(step)
            action = machine.receive(.stepFinished(.skipped, detail: "nothing to do"))
        }
        #expect(ran == [.removeBlocks, .restoreSettings, .captureLogs, .removeRemoteCluster])
    }
}
