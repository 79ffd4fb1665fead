import Capture
import NIOCore
import Synchronization

/// A capture log in memory, with a switch that makes every write fail (a full disk).
final class InMemoryCaptureSink: CaptureSink {
    struct Exchange: Sendable {
        var id: UInt64
        var method: String
        var uri: String
        var requestHeaders: [(name: String, value: String)]
        var requestBody: String
        /// The body as sent, byte for byte (a gzip body is not text).
        var requestBytes: [UInt8] = []
        var status: Int?
        var responseBody: String?
    }

    private struct State {
        var next: UInt64 = 1
        var exchanges: [UInt64: Exchange] = [:]
        var failing = false
    }

    private let state = Mutex(State())

    struct DiskFull: Error, CustomStringConvertible {
        var description: String { "no space left on device" }
    }

    /// Makes later writes fail (or succeed again).
    func setFailing(_ failing: Bool) {
        state.withLock { $0.failing = failing }
    }

    /// Every exchange recorded, in order.
    var exchanges: [Exchange] {
        state.withLock { $0.exchanges.values.sorted { $0.id < $1.id } }
    }

    func nextExchange() -> UInt64 {
        state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
    }

    func recordRequest(
        exchange: UInt64, timestampMillis: Int64, method: String, uri: String, headers: [(name: String, value: String)], body: ByteBuffer
    ) throws {
        try state.withLock { state in
            if state.failing { throw DiskFull() }
            state.exchanges[exchange] = Exchange(
                id: exchange, method: method, uri: uri, requestHeaders: headers, requestBody: String(buffer: body),
                requestBytes: Array(body.readableBytesView))
        }
    }

    func recordResponse(
        exchange: UInt64, timestampMillis: Int64, status: Int, headers: [(name: String, value: String)], body: ByteBuffer,
        whenDurable: @escaping @Sendable (Result<Void, any Error>) -> Void
    ) {
        let outcome = Result {
            try state.withLock { state in
                if state.failing { throw DiskFull() }
                state.exchanges[exchange]?.status = status
                state.exchanges[exchange]?.responseBody = String(buffer: body)
            }
        }
        whenDurable(outcome)
    }

    var positionDescription: String? {
        state.withLock { "memory:\($0.exchanges.count)" }
    }
}
