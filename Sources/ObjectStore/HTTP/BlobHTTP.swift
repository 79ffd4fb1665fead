import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Object-store requests made from blocking threads (the Lucene reader's and the planner's), over one HTTP client, with
/// retries. Blocking on a future is safe here: the answers complete on the client's own event loops, never on the threads
/// that wait.
package final class BlobHTTP: Sendable {
    package let client: HTTPClient
    let policy: BlobRetryPolicy
    let logger: Logger
    let requestTimeout: TimeAmount
    private let fetchedBytes = Atomic<Int>(0)
    private let retries = Atomic<Int>(0)

    /// The process's client for every object store: one connection pool, never shut down (a command reads until it exits).
    package static let shared = BlobHTTP(logger: Logger(label: "tern.object-store"))

    package init(
        policy: BlobRetryPolicy = BlobRetryPolicy(), logger: Logger, connectTimeout: TimeAmount = .seconds(10),
        readTimeout: TimeAmount = .seconds(60), requestTimeout: TimeAmount = .minutes(10)
    ) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: connectTimeout, read: readTimeout)
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.decompression = .disabled
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.policy = policy
        self.logger = logger
        self.requestTimeout = requestTimeout
    }

    /// Closes the connections. Call once, when nothing reads any more.
    package func shutdown() {
        try? client.syncShutdown()
    }

    /// Bytes of blob content received so far (retried ranges count again).
    package var bytesFetched: Int { fetchedBytes.load(ordering: .relaxed) }
    /// Attempts that failed and were tried again.
    package var retryCount: Int { retries.load(ordering: .relaxed) }

    package struct Answer: Sendable {
        package var status: HTTPResponseStatus
        package var headers: HTTPHeaders
        package var body: ByteBuffer
    }

    /// Sends the request `make` builds (afresh for each attempt: signatures carry the time) until the store answers with
    /// one of `accept`, retrying throttling and broken connections.
    /// - Parameter what: names the request in errors ("listing s3://b/repo/indices/").
    package func send(
        _ what: String, accept: Set<UInt> = [200], _ make: () throws(BlobFailure) -> HTTPClient.Request
    ) throws(BlobFailure) -> Answer {
        try withRetries(what) { () throws(BlobFailure) -> Answer in
            let request = try make()
            let answer: Answer
            do {
                let response = try client.execute(request: request, deadline: .now() + requestTimeout).wait()
                answer = Answer(status: response.status, headers: response.headers, body: response.body ?? ByteBuffer())
            } catch {
                throw Self.transportFailure(error, what: what)
            }
            guard accept.contains(answer.status.code) else { throw Self.failure(answer, what: what) }
            return answer
        }
    }

    /// Writes `length` bytes of a blob, from `offset`, into `file` at `offset`, with a ranged GET that `make` builds.
    package func download(
        _ what: String, file: Int32, offset: Int, length: Int, _ make: () throws(BlobFailure) -> HTTPClient.Request
    ) throws(BlobFailure) {
        try withRetries(what) { () throws(BlobFailure) in
            let request = try make()
            let delegate = RangeFileWriter(file: file, offset: offset, length: length)
            let outcome: RangeFileWriter.Outcome
            do {
                outcome = try client.execute(request: request, delegate: delegate, deadline: .now() + requestTimeout).futureResult.wait()
            } catch {
                fetchedBytes.add(delegate.written, ordering: .relaxed)
                throw Self.transportFailure(error, what: what)
            }
            fetchedBytes.add(outcome.written, ordering: .relaxed)
            switch outcome.status.code {
            case 200, 206:
                guard outcome.written == length else {
                    throw BlobFailure(.transport, "\(what): the answer ended after \(outcome.written) of \(length) bytes")
                }
            default:
                throw Self.failure(Answer(status: outcome.status, headers: outcome.headers, body: outcome.errorBody), what: what)
            }
        }
    }

    private func withRetries<T>(_ what: String, _ attempt: () throws(BlobFailure) -> T) throws(BlobFailure) -> T {
        var number = 1
        while true {
            do {
                return try attempt()
            } catch {
                guard let delay = policy.delay(after: error, attempt: number, random: Double.random(in: 0..<1)) else {
                    if number > 1 && error.isRetryable {
                        throw BlobFailure(error.kind, "\(error.description) (gave up after \(number) attempts)")
                    }
                    throw error
                }
                retries.add(1, ordering: .relaxed)
                logger.debug("object store: \(error.description); trying again in \(String(format: "%.2f", delay)) s")
                Thread.sleep(forTimeInterval: delay)
                number += 1
            }
        }
    }

    /// The failure an error answer means, with the store's own code and message (S3 and Azure answer XML, GCS JSON).
    static func failure(_ answer: Answer, what: String) -> BlobFailure {
        let text = String(buffer: answer.body)
        let code = Self.element("Code", in: text) ?? Self.jsonMessage(text).code
        let message = Self.element("Message", in: text) ?? Self.jsonMessage(text).message
        var detail = "\(what): HTTP \(answer.status.code)"
        if let code { detail += " \(code)" }
        if let message { detail += ": \(message.prefix(300))" }
        let retryAfter = answer.headers.first(name: "retry-after").flatMap(Double.init)
        switch answer.status.code {
        case 429, 500, 502, 503, 504: return BlobFailure(.throttled, detail, retryAfter: retryAfter)
        case 401, 403: return BlobFailure(.denied, detail)
        case 404: return BlobFailure(.notFound, detail)
        default: return BlobFailure(.other, detail)
        }
    }

    static func transportFailure(_ error: any Error, what: String) -> BlobFailure {
        if let failure = error as? BlobFailure { return failure }
        return BlobFailure(.transport, "\(what): \(String(describing: error))")
    }

    private static func element(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }

    private static func jsonMessage(_ text: String) -> (code: String?, message: String?) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return (nil, nil) }
        return ((error["code"]).map { "\($0)" }, error["message"] as? String)
    }
}
