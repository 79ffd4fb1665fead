import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Records the reads the source answers in the read log (`tern proxy --read-log`), for `tern compare-reads`.
///
/// Best effort by design: a read never waits for the disk (records are appended without a sync) and a failure to record
/// is counted and logged now and then, never passed on to the client. The read log is a folder of its own, never the
/// write log the replayer applies.
final class ReadRecorder: Sendable {
    /// Marks a response recorded without its body because the body was larger than the limit.
    static let omittedBodyHeader = "X-Tern-Body-Omitted"
    /// The headers worth keeping: what `tern compare-reads` needs to read the bodies.
    private static let keptHeaders: Set<String> = ["content-type", "content-encoding"]

    private let log: CaptureLogWriter
    private let sampleRate: Double
    private let maxBodyBytes: Int
    private let metrics: ProxyMetrics
    private let logger: Logger
    private let lastWarning = Mutex<ContinuousClock.Instant?>(nil)

    init(log: CaptureLogWriter, sampleRate: Double, maxBodyBytes: Int, metrics: ProxyMetrics, logger: Logger) {
        self.log = log
        self.sampleRate = sampleRate
        self.maxBodyBytes = maxBodyBytes
        self.metrics = metrics
        self.logger = logger
    }

    /// Records the request of a read worth comparing that falls in the sample; nil for any other read (or when the
    /// record could not be written).
    func begin(_ request: ProxyRequest) -> Recording? {
        guard ReadKind.classify(method: request.head.method.rawValue, uri: request.head.uri) != nil else { return nil }
        guard sampleRate >= 1 || Double.random(in: 0..<1) < sampleRate else { return nil }
        let exchange = log.nextExchange()
        let record = CaptureRecord.request(
            exchange: exchange, timestampMillis: request.receivedAtMillis, method: request.head.method.rawValue,
            target: request.head.uri, headers: Self.kept(request.head.headers), body: Array(request.body.readableBytesView))
        do {
            try log.appendNow(record)
        } catch {
            failed(error)
            return nil
        }
        return Recording(recorder: self, exchange: exchange)
    }

    private static func kept(_ headers: HTTPHeaders) -> [CaptureHeader] {
        headers.filter { keptHeaders.contains($0.name.lowercased()) }.map { CaptureHeader(name: $0.name, value: $0.value) }
    }

    fileprivate func finish(exchange: UInt64, status: Int, headers: [CaptureHeader], body: [UInt8]) {
        let record = CaptureRecord.response(
            exchange: exchange, timestampMillis: RequestRouter.nowMillis(), status: status, headers: headers, body: body)
        do {
            try log.appendNow(record)
            metrics.readsLogged.add(1, ordering: .relaxed)
        } catch {
            failed(error)
        }
    }

    /// Counts the failure; warns at most once a minute, so a full disk does not flood the log at the read rate.
    private func failed(_ error: any Error) {
        let failures = metrics.readLogFailures.add(1, ordering: .relaxed).newValue
        let now = ContinuousClock.now
        let due = lastWarning.withLock { last -> Bool in
            guard last.map({ now - $0 >= .seconds(60) }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return }
        logger.warning(
            "read log write failed; reads are still served, unrecorded",
            metadata: ["read_log": "\(log.directory)", "failures": "\(failures)", "error": "\(RequestRouter.describe(error))"])
    }

    /// One read's answer, gathered while it streams to the client. Confined to the client connection's event loop.
    final class Recording {
        private let recorder: ReadRecorder
        private let exchange: UInt64
        private var status = 0
        private var headers: [CaptureHeader] = []
        private var body = ByteBuffer()
        private var omitted = false

        fileprivate init(recorder: ReadRecorder, exchange: UInt64) {
            self.recorder = recorder
            self.exchange = exchange
        }

        func head(_ head: HTTPResponseHead) {
            status = Int(head.status.code)
            headers = ReadRecorder.kept(head.headers)
        }

        func append(_ chunk: ByteBuffer) {
            guard !omitted else { return }
            guard body.readableBytes + chunk.readableBytes <= recorder.maxBodyBytes else {
                // Too large to keep: recorded without its body, so the comparison knows to skip it.
                omitted = true
                body = ByteBuffer()
                headers.append(CaptureHeader(name: ReadRecorder.omittedBodyHeader, value: "true"))
                return
            }
            var chunk = chunk
            body.writeBuffer(&chunk)
        }

        /// Records the answer once it ended; an answer that broke off is not recorded (its request stays unanswered).
        func end() {
            recorder.finish(exchange: exchange, status: status, headers: headers, body: Array(body.readableBytesView))
        }
    }
}
