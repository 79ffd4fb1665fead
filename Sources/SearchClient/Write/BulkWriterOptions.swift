import TernCore

/// How a ``BulkWriter`` writes: versioning, the target's dialect, retry budgets and the controller's ranges.
public struct BulkWriterOptions: Sendable, Hashable {
    public typealias Versioning = BulkBody.Versioning

    public var versioning: Versioning
    /// Elasticsearch 5.x/6.x targets need `_type` in each action; see ``needsType(for:)``.
    public var needsType: Bool
    /// Refreshes the target after each request (tests; slows real runs down).
    public var refresh: Bool
    /// How often one document is sent again after a rejection (429, rejected execution, circuit breaker, 503)
    /// before it may be reported as failed; see ``rejectionPatience``.
    public var maxItemRetries: Int
    /// How long a document keeps being sent again after its first rejection, however many attempts that takes. A
    /// rejection says the target is busy, not that the document is wrong: a document is given up only when it has
    /// used `maxItemRetries` re-sends and been rejected for this long.
    public var rejectionPatience: Duration
    /// How often one document is sent again after an unexplained server error (500, 502, 504...).
    public var maxServerErrorRetries: Int
    /// The backoff before the first re-send; it doubles with each attempt of the same documents, with full jitter.
    public var initialRetryDelay: Duration
    public var maxRetryDelay: Duration
    /// Ranges and starting points of concurrency and batch size.
    public var limits: AIMDController.Settings

    public init(
        versioning: Versioning = .none, needsType: Bool = false, refresh: Bool = false, maxItemRetries: Int = 10,
        rejectionPatience: Duration = .seconds(120), maxServerErrorRetries: Int = 3, initialRetryDelay: Duration = .milliseconds(100),
        maxRetryDelay: Duration = .seconds(10),
        limits: AIMDController.Settings = AIMDController.Settings()
    ) {
        self.versioning = versioning
        self.needsType = needsType
        self.refresh = refresh
        self.maxItemRetries = maxItemRetries
        self.rejectionPatience = rejectionPatience
        self.maxServerErrorRetries = maxServerErrorRetries
        self.initialRetryDelay = initialRetryDelay
        self.maxRetryDelay = maxRetryDelay
        self.limits = limits
    }

    /// Whether a target of this version wants `_type` in action lines: Elasticsearch before 7.0.
    public static func needsType(for target: ClusterVersion) -> Bool {
        target.distribution.isElasticsearchFamily && target.version.major < 7
    }

    var bodyOptions: BulkBody.Options {
        BulkBody.Options(versioning: versioning, includeType: needsType)
    }
}
