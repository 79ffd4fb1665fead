import NIOCore
import Synchronization

/// The proxy's open client connections, so that a graceful shutdown can close idle ones at once and busy ones after
/// their current answer.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        var channel: any Channel
        var busy: Bool
    }

    private struct State {
        var draining = false
        var nextID = 0
        var entries: [Int: Entry] = [:]
    }

    private let state = Mutex(State())

    var isDraining: Bool { state.withLock { $0.draining } }

    /// Adds a connection; returns `nil` (and closes it) when the proxy is already draining.
    func register(_ channel: any Channel) -> Int? {
        let id: Int? = state.withLock { state in
            guard !state.draining else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.entries[id] = Entry(channel: channel, busy: false)
            return id
        }
        if id == nil { channel.close(promise: nil) }
        return id
    }

    func remove(_ id: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// Marks a request in progress: draining leaves the connection open until its answer is written.
    func markBusy(_ id: Int) {
        state.withLock { $0.entries[id]?.busy = true }
    }

    /// Marks the connection idle; returns false when it should close because the proxy is draining.
    func markIdle(_ id: Int) -> Bool {
        state.withLock { state in
            state.entries[id]?.busy = false
            return !state.draining
        }
    }

    /// Starts draining: idle connections close now, busy ones after their answer.
    func drain() {
        let idle = state.withLock { state in
            state.draining = true
            return state.entries.values.filter { !$0.busy }.map(\.channel)
        }
        for channel in idle { channel.close(promise: nil) }
    }
}
