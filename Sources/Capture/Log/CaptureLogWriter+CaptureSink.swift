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
    ) throws {
        let record = CaptureRecord.request(
            exchange: exchange, timestampMillis: timestampMillis, method: method, target: uri, headers: Self.kept(headers),
            body: Array(body.readableBytesView))
        try appendNow(record)
    }

    public func recordResponse(
        exchange: UInt64, timestampMillis: Int64, status: Int, headers: [(name: String, value: String)], body: ByteBuffer,
        whenDurable: @escaping @Sendable (Result<Void, any Error>) -> Void
    ) {
        let record = CaptureRecord.response(
            exchange: exchange, timestampMillis: timestampMillis, status: status, headers: Self.kept(headers),
            body: Array(body.readableBytesView))
        append(record, durable: true) { whenDurable($0.map { _ in }) }
    }

    public var positionDescription: String? { stats.end.description }

    public var syncStatistics: (records: Int, syncs: Int)? {
        let stats = self.stats
        return (stats.records, stats.fsyncs)
    }
}
