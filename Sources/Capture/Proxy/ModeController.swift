import Synchronization
import TernCore

/// The proxy's current mode, shared by all connections, and the place where writes wait while it is `holdWrites`.
final class ModeController: Sendable {
    typealias Release = HeldWriteRelease
    /// The outcome of asking to forward a write.
    enum WriteAdmission: Equatable {
        case proceed(ProxyMode)
        case timedOut
        case shuttingDown
    }

    private let state: Mutex<ProxyModeStateMachine<CheckedContinuation<Release, Never>>>
    private let targetAvailable: Bool

    init(mode: ProxyMode, targetAvailable: Bool) {
        state = Mutex(ProxyModeStateMachine(mode: mode))
        self.targetAvailable = targetAvailable
    }

    var mode: ProxyMode { state.withLock { $0.mode } }
    var heldWrites: Int { state.withLock { $0.heldCount } }

    /// Changes the mode and releases held writes when it leaves `holdWrites`; returns the mode before.
    /// - Throws: `TernError` when `target` is asked for but no target cluster (or target capture log) is configured.
    @discardableResult
    func setMode(_ mode: ProxyMode) throws -> ProxyMode {
        if mode == .target && !targetAvailable {
            throw TernError(
                .invalidArgument, "The proxy cannot switch to target mode: no target cluster and target capture log are configured.")
        }
        let (previous, release, waiters) = state.withLock { machine in
            let previous = machine.mode
            let (release, waiters) = machine.setMode(mode)
            return (previous, release, waiters)
        }
        for waiter in waiters { waiter.resume(returning: release) }
        return previous
    }

    /// Releases held writes with `.shuttingDown` and refuses new ones.
    func shutDown() {
        let waiters = state.withLock { $0.shutDown() }
        for waiter in waiters { waiter.resume(returning: .shuttingDown) }
    }

    /// The admission of a write when it need not wait; nil while writes are held (``admitWrite(timeout:onHold:)`` waits).
    func admitWriteNow() -> WriteAdmission? {
        state.withLock { machine in
            if machine.isShuttingDown { return .shuttingDown }
            return machine.mode == .holdWrites ? nil : .proceed(machine.mode)
        }
    }

    /// Returns the mode to forward a write in, waiting up to `timeout` while writes are held.
    /// - Parameter onHold: called once when the write starts to wait (for counters).
    func admitWrite(timeout: Duration, onHold: () -> Void) async -> WriteAdmission {
        let ticket: UInt64
        switch state.withLock({ $0.admitWrite() }) {
        case .proceed(let mode): return .proceed(mode)
        case .shuttingDown: return .shuttingDown
        case .hold(let held): ticket = held
        }
        onHold()
        let release = await withTaskGroup(of: Release?.self) { group in
            group.addTask { await self.wait(ticket) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch release {
        case .proceed(let mode): return .proceed(mode)
        case .shuttingDown: return .shuttingDown
        case .cancelled, nil: return .timedOut
        }
    }

    private func wait(_ ticket: UInt64) async -> Release {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if let immediate = state.withLock({ $0.park(ticket, waiter: continuation) }) {
                    continuation.resume(returning: immediate)
                }
            }
        } onCancel: {
            state.withLock { $0.cancel(ticket) }?.resume(returning: .cancelled)
        }
    }
}
