import Testing

@testable import Capture

@Suite struct ProxyModeStateMachineTests {
    @Test func writesProceedUnlessHeld() {
        var machine = ProxyModeStateMachine<String>(mode: .source)
        #expect(machine.admitWrite() == .proceed(.source))
        _ = machine.setMode(.target)
        #expect(machine.admitWrite() == .proceed(.target))
    }

    @Test func heldWritesAreReleasedInOrderIntoTheNewMode() {
        var machine = ProxyModeStateMachine<String>(mode: .holdWrites)
        guard case .hold(let first) = machine.admitWrite(), case .hold(let second) = machine.admitWrite() else {
            Issue.record("writes were not held")
            return
        }
        #expect(machine.park(first, waiter: "a") == nil)
        #expect(machine.park(second, waiter: "b") == nil)
        #expect(machine.heldCount == 2)
        let (release, waiters) = machine.setMode(.target)
        #expect(release == .proceed(.target))
        #expect(waiters == ["a", "b"])
        #expect(machine.heldCount == 0)
    }

    @Test func aModeChangeBetweenAdmissionAndParkingIsNotLost() {
        var machine = ProxyModeStateMachine<String>(mode: .holdWrites)
        guard case .hold(let ticket) = machine.admitWrite() else {
            Issue.record("write was not held")
            return
        }
        _ = machine.setMode(.source)
        #expect(machine.park(ticket, waiter: "a") == .proceed(.source))
    }

    @Test func cancelledWritesLeaveTheQueue() {
        var machine = ProxyModeStateMachine<String>(mode: .holdWrites)
        guard case .hold(let parked) = machine.admitWrite(), case .hold(let early) = machine.admitWrite() else {
            Issue.record("writes were not held")
            return
        }
        #expect(machine.park(parked, waiter: "a") == nil)
        #expect(machine.cancel(parked) == "a")
        #expect(machine.cancel(early) == nil)
        #expect(machine.park(early, waiter: "b") == .cancelled)
        #expect(machine.setMode(.source).waiters.isEmpty)
    }

    @Test func shutdownReleasesAndRefuses() {
        var machine = ProxyModeStateMachine<String>(mode: .holdWrites)
        guard case .hold(let ticket) = machine.admitWrite() else {
            Issue.record("write was not held")
            return
        }
        #expect(machine.park(ticket, waiter: "a") == nil)
        #expect(machine.shutDown() == ["a"])
        #expect(machine.admitWrite() == .shuttingDown)
    }

    @Test func tokenComparison() {
        #expect(AdminEndpoints.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!AdminEndpoints.constantTimeEquals(Array("abd".utf8), Array("abc".utf8)))
        #expect(!AdminEndpoints.constantTimeEquals(Array("ab".utf8), Array("abc".utf8)))
        #expect(!AdminEndpoints.constantTimeEquals(Array("abcd".utf8), Array("abc".utf8)))
        #expect(!AdminEndpoints.constantTimeEquals([], []))
    }
}
