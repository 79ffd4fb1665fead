import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Writes a ranged GET's body straight into a file at its offset, so a large blob never sits in memory; an error answer's
/// body is kept (it is small) for the error message.
final class RangeFileWriter: HTTPClientResponseDelegate, Sendable {
    struct Outcome: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var written: Int
        var errorBody: ByteBuffer
    }

    typealias Response = Outcome

    private let file: Int32
    private let offset: Int
    private let length: Int
    private let state = Mutex(Outcome(status: .ok, headers: [:], written: 0, errorBody: ByteBuffer()))

    init(file: Int32, offset: Int, length: Int) {
        self.file = file
        self.offset = offset
        self.length = length
    }

    /// Bytes written so far (also after a failure).
    var written: Int { state.withLock { $0.written } }

    func didReceiveHead(task: HTTPClient.Task<Outcome>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock {
            $0.status = head.status
            $0.headers = head.headers
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Outcome>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let (status, position) = state.withLock { ($0.status.code, $0.written) }
        guard status == 200 || status == 206 else {
            state.withLock { outcome in
                var copy = buffer
                if outcome.errorBody.readableBytes < 64 * 1024 { outcome.errorBody.writeBuffer(&copy) }
            }
            return task.eventLoop.makeSucceededVoidFuture()
        }
        guard position + buffer.readableBytes <= length else {
            return task.eventLoop.makeFailedFuture(
                BlobFailure(.transport, "the answer holds more than the \(length) bytes asked for (the store ignored the range)"))
        }
        let result = buffer.withUnsafeReadableBytes { bytes -> Int in
            var done = 0
            while done < bytes.count {
                let wrote = pwrite(file, bytes.baseAddress! + done, bytes.count - done, off_t(offset + position + done))
                if wrote <= 0 { return -1 }
                done += wrote
            }
            return done
        }
        guard result >= 0 else {
            let reason = String(cString: strerror(errno))
            return task.eventLoop.makeFailedFuture(
                BlobFailure(.other, "cannot write the spill file: \(reason); give a --spill-dir with free space"))
        }
        state.withLock { $0.written += result }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Outcome>) throws -> Outcome {
        state.withLock { $0 }
    }
}
