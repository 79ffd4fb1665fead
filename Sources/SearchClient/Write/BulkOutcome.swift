import TernCore

/// What ``BulkWriter/write(_:)`` did with each document: every document is counted exactly once.
public struct BulkOutcome: Sendable, Equatable {
    /// Accepted by the target (created or overwritten).
    public var written: Int
    /// Refused with a version conflict under external versioning: the target holds this version or a newer one.
    /// Not a failure. A write re-sent after a dropped connection whose first copy was applied lands here too.
    public var alreadyNewer: Int
    /// Refused for good (mapping errors, exhausted retries), in the order they were decided.
    public var failed: [FailedDocument]
    /// `_bulk` requests sent (informational).
    public var requests: Int
    /// Documents sent again after a rejection or a server error (informational).
    public var retriedItems: Int

    public init(written: Int = 0, alreadyNewer: Int = 0, failed: [FailedDocument] = [], requests: Int = 0, retriedItems: Int = 0) {
        self.written = written
        self.alreadyNewer = alreadyNewer
        self.failed = failed
        self.requests = requests
        self.retriedItems = retriedItems
    }

    /// Documents accounted for: written, already newer, or failed.
    public var total: Int { written + alreadyNewer + failed.count }
}

/// A document the target refused for good, with its reason.
public struct FailedDocument: Sendable, Equatable {
    public var document: Document
    /// The item's HTTP status (400 for mapping errors; 429 when rejections outlasted the retries).
    public var status: Int
    /// `mapper_parsing_exception`, `strict_dynamic_mapping_exception`...
    public var errorType: String
    public var reason: String

    public init(document: Document, status: Int, errorType: String, reason: String) {
        self.document = document
        self.status = status
        self.errorType = errorType
        self.reason = reason
    }
}
