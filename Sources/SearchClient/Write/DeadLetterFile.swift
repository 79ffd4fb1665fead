import Foundation
import Synchronization
import TernCore

/// Documents the target refused for good, one ndjson line each, so an operator can fix them and import them again:
/// `{"_index","_id","_routing"?,"status","error_type","reason","_source"}`.
///
/// The file is created on the first failure only (no empty files after a clean run) and appended to, never truncated;
/// ``close()`` makes it durable. Safe to share between writers: appends are serialised by a lock.
public final class DeadLetterFile: Sendable {
    public let url: URL
    private let state = Mutex(State())

    private struct State {
        var descriptor: Int32 = -1
        var count = 0
        var closed = false
    }

    public init(url: URL) {
        self.url = url
    }

    deinit {
        state.withLock { state in
            if state.descriptor >= 0 { closeDescriptor(state.descriptor) }
        }
    }

    /// Lines appended by this instance.
    public var count: Int { state.withLock { $0.count } }

    /// Appends one failed document.
    /// - Throws: `TernError` of kind `.configuration` when the file cannot be created or written.
    public func append(_ failure: FailedDocument) throws {
        let line = Self.line(for: failure)
        try state.withLock { state in
            guard !state.closed else {
                throw TernError(.configuration, "The dead-letter file \(url.path) was already closed; a failed document could not be kept.")
            }
            if state.descriptor < 0 {
                try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                let descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                guard descriptor >= 0 else { throw fileError(errno, "create") }
                state.descriptor = descriptor
            }
            try line.withUnsafeBytes { raw in
                var written = 0
                while written < raw.count {
                    let result = write(state.descriptor, raw.baseAddress! + written, raw.count - written)
                    if result < 0 {
                        if errno == EINTR { continue }
                        throw fileError(errno, "write")
                    }
                    written += result
                }
            }
            state.count += 1
        }
    }

    /// Flushes the file to disk (`fsync`, and its folder's entry when the file is new) and closes it. Idempotent.
    public func close() throws {
        try state.withLock { state in
            defer { state.closed = true }
            guard state.descriptor >= 0 else { return }
            let descriptor = state.descriptor
            state.descriptor = -1
            // Unwritten failures would be lost silently otherwise: a failed flush is an error, not a warning.
            let synced = fsync(descriptor) == 0 ? 0 : errno
            closeDescriptor(descriptor)
            guard synced == 0 else { throw fileError(synced, "flush") }
            let folder = open(url.deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
            if folder >= 0 {
                _ = fsync(folder)
                closeDescriptor(folder)
            }
        }
    }

    /// One ndjson line with its newline. The source is spliced in as it came when it is JSON, else kept as a string
    /// (with `"source_is_text": true`) so the line stays valid JSON whatever the target refused.
    static func line(for failure: FailedDocument) -> [UInt8] {
        let document = failure.document
        var line: [UInt8] = []
        line.reserveCapacity(document.source.count + 256)
        line.append(contentsOf: #"{"_index":"#.utf8)
        NDJSONLine.appendJSONString(document.index, to: &line)
        line.append(contentsOf: #","_id":"#.utf8)
        NDJSONLine.appendJSONString(document.id, to: &line)
        if let routing = document.routing {
            line.append(contentsOf: #","_routing":"#.utf8)
            NDJSONLine.appendJSONString(routing, to: &line)
        }
        line.append(contentsOf: #","status":"#.utf8)
        line.append(contentsOf: String(failure.status).utf8)
        line.append(contentsOf: #","error_type":"#.utf8)
        NDJSONLine.appendJSONString(failure.errorType, to: &line)
        line.append(contentsOf: #","reason":"#.utf8)
        NDJSONLine.appendJSONString(failure.reason, to: &line)
        line.append(contentsOf: #","_source":"#.utf8)
        if document.source.withUnsafeBytes(JSONCursor.isSingleValue) {
            NDJSONLine.appendSingleLine(document.source, to: &line)
        } else {
            NDJSONLine.appendJSONString(String(decoding: document.source, as: UTF8.self), to: &line)
            line.append(contentsOf: #","source_is_text":true"#.utf8)
        }
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    private func fileError(_ code: Int32, _ operation: String) -> TernError {
        TernError(
            .configuration,
            "Cannot \(operation) the dead-letter file \(url.path): \(String(cString: strerror(code))); check the folder's permissions and free space."
        )
    }
}

/// `close(2)`, out of reach of ``DeadLetterFile/close()``'s name.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
