import TernCore

/// Everything the capture proxy needs: where to listen, where to forward, limits and the admin token.
public struct CaptureProxyConfiguration: Sendable {
    /// Certificate and key files for TLS on the proxy's own listener.
    public struct ListenerTLS: Sendable, Hashable {
        /// PEM certificate chain, leaf first.
        public var certificateFile: String
        /// PEM private key (unencrypted).
        public var keyFile: String

        public init(certificateFile: String, keyFile: String) {
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    /// Address to listen on (`127.0.0.1`, `0.0.0.0`).
    public var host: String
    /// Port to listen on; 0 picks a free one (``CaptureProxy/start()`` returns it).
    public var port: Int
    /// The cluster clients used to talk to.
    public var source: ClusterConfiguration
    /// The cluster clients move to; required for ``ProxyMode/target``.
    public var target: ClusterConfiguration?
    /// Required as `X-Tern-Token` on `/_tern/proxy/status` and `/_tern/proxy/mode`.
    public var adminToken: Secret
    /// Whether `/_tern/proxy/metrics` requires the token too (scrapers often cannot send one).
    public var metricsRequireToken: Bool
    /// Largest request body accepted; larger ones get 413. Matches the clusters' `http.max_content_length` default.
    public var maxRequestBodyBytes: Int
    /// Largest upstream answer buffered for a captured write.
    public var maxResponseBodyBytes: Int
    /// How long a write waits in `hold-writes` before it gets 503.
    public var holdTimeout: Duration
    /// What happens to a write when the capture log fails.
    public var onCaptureFailure: CaptureFailurePolicy
    /// The mode right after start.
    public var initialMode: ProxyMode
    /// TLS on the listener; `nil` serves plain HTTP.
    public var listenerTLS: ListenerTLS?
    /// Pooled connections per upstream host.
    public var upstreamConnectionsPerHost: Int
    /// The share of comparable reads recorded in the read log, when the proxy has one (0 < rate <= 1).
    public var readSampleRate: Double
    /// Largest answer body kept in the read log; a larger answer is recorded without it (and not compared).
    public var readLogMaxBodyBytes: Int
    /// Event loop threads serving clients (each with its own upstream connections); nil: one per core.
    public var threads: Int?

    public init(
        host: String = "127.0.0.1", port: Int = 0, source: ClusterConfiguration, target: ClusterConfiguration? = nil,
        adminToken: Secret, metricsRequireToken: Bool = false, maxRequestBodyBytes: Int = 100 << 20,
        maxResponseBodyBytes: Int = 512 << 20, holdTimeout: Duration = .seconds(30), onCaptureFailure: CaptureFailurePolicy = .reject,
        initialMode: ProxyMode = .source, listenerTLS: ListenerTLS? = nil, upstreamConnectionsPerHost: Int = 32,
        readSampleRate: Double = 1, readLogMaxBodyBytes: Int = 1 << 20, threads: Int? = nil
    ) {
        self.host = host
        self.port = port
        self.source = source
        self.target = target
        self.adminToken = adminToken
        self.metricsRequireToken = metricsRequireToken
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.maxResponseBodyBytes = maxResponseBodyBytes
        self.holdTimeout = holdTimeout
        self.onCaptureFailure = onCaptureFailure
        self.initialMode = initialMode
        self.listenerTLS = listenerTLS
        self.upstreamConnectionsPerHost = upstreamConnectionsPerHost
        self.readSampleRate = readSampleRate
        self.readLogMaxBodyBytes = readLogMaxBodyBytes
        self.threads = threads
    }
}
