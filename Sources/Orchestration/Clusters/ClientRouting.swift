import Capture
import Foundation
import TernCore

/// The running capture proxy, as a cutover drives it: hold writes, wait for those in flight, route to a side.
struct ClientRouting: Sendable {
    let proxy: ProxyAdminClient

    func setMode(_ mode: ProxyMode) async throws {
        _ = try await proxy.setMode(mode)
    }

    /// Holds new writes and waits for those in flight.
    /// - Returns: the writes waiting in the proxy for the mode to change.
    func holdWrites(timeout: Duration) async throws -> Int64 {
        try await setMode(.holdWrites)
        return try await waitForInFlightWrites(timeout: timeout)
    }

    /// Waits until no write is between the proxy and a cluster, so every write the source accepted is in the log.
    /// - Returns: the writes waiting in the proxy for the mode to change.
    func waitForInFlightWrites(timeout: Duration) async throws -> Int64 {
        let deadline = ContinuousClock.now + timeout
        while true {
            let status = try await proxy.status()
            let inFlight = status["in_flight_writes"]?.intValue ?? 0
            if inFlight == 0 { return status["held_writes"]?.intValue ?? 0 }
            guard ContinuousClock.now < deadline else {
                throw TernError(
                    .failedChecks,
                    "\(inFlight) writes were still in flight through the proxy after \(Int(timeout.inSeconds)) s; a cluster may be stuck. Check the source, then run the command again."
                )
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
