import NIOCore

/// The capture log as the proxy's sink: request records are written without waiting for the disk, response records
/// durably, so the proxy answers a client only once the exchange is safe.
extension CaptureLogWriter: CaptureSink {
    /// The headers worth keeping: what the replayer needs to read the bodies.
    private static let keptHeaders: Set<String> = ["content-type", "content-encoding"]

    private static func kept(_ headers: [(name: String, value: String)]) -> [CaptureHeader] {
        headers.filter { keptHeaders.contains($0.name.lowercased()) }.map { CaptureHeader(name: $0.name, value: $0.value) }
    }

    public func recordRequest(
        exchange: UInt64, timestampMillis: Int64, method: String, uri: String, headers: [(name: String, value: String)],
        body: ByteBuffer
    ) async throws {
        let record = CaptureRecord.request(
            exchange: exchange, timestampMillis: timestampMillis, method: method, target: uri, headers: Self.kept(headers),
            body: Array(body.readableBytesView))
        try await append(record, durable: false)
    }

    public func recordResponse(
        exchange: UInt64, timestampMillis: Int64, status: Int, headers: [(name: String, value: String)], body: ByteBuffer
    ) async throws {
        let record = CaptureRecord.response(
            exchange: exchange, timestampMillis: timestampMillis, status: status, headers: Self.kept(headers),
            body: Array(body.readableBytesView))
        try await append(record, durable: true)
    }

    public var positionDescription: String? { stats.end.description }
}
