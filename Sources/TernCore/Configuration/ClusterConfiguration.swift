import Foundation

/// Everything needed to talk to one cluster.
public struct ClusterConfiguration: Sendable, Hashable {
    /// `source` or `target`: used in messages so the operator knows which side failed.
    public var role: String
    /// Base URLs of the cluster's HTTP endpoints (`https://node1:9200`). Requests go to the first; the others take over when it fails.
    public var endpoints: [URL]
    public var auth: AuthConfiguration
    public var tls: TLSSettings
    public var timeouts: Timeouts
    public var retries: RetrySettings

    public init(
        role: String, endpoints: [URL], auth: AuthConfiguration = .none, tls: TLSSettings = TLSSettings(),
        timeouts: Timeouts = Timeouts(), retries: RetrySettings = RetrySettings()
    ) {
        self.role = role
        self.endpoints = endpoints
        self.auth = auth
        self.tls = tls
        self.timeouts = timeouts
        self.retries = retries
    }

    /// The first endpoint as text, for messages.
    public var displayEndpoint: String {
        endpoints.first.map(Self.display) ?? "(no endpoint)"
    }

    /// A URL for messages: scheme, host and port only (never user info, path or query).
    public static func display(_ url: URL) -> String {
        var text = "\(url.scheme ?? "http")://\(url.host ?? "?")"
        if let port = url.port { text += ":\(port)" }
        return text
    }

    /// Validates an endpoint URL given in the file or on the command line.
    /// - Parameter origin: where it came from (`--source`, `tern.yml source.endpoints[0] (line 3)`), for the message.
    public static func endpoint(_ text: String, origin: String) throws -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), url.host?.isEmpty == false else {
            throw TernError.configuration(
                "\(origin) '\(text)' is not a URL; write it like http://localhost:9200 or https://search.example.com:9200.")
        }
        guard scheme == "http" || scheme == "https" else {
            throw TernError.configuration("\(origin) '\(text)' uses the scheme '\(scheme)'; Tern speaks http:// and https:// only.")
        }
        guard url.user == nil && url.password == nil else {
            throw TernError.configuration(
                "\(origin) carries credentials in the URL, where they would show in process listings and logs; put them under auth: in tern.yml (with ${ENV_VAR} or password_file)."
            )
        }
        if let query = url.query, !query.isEmpty {
            throw TernError.configuration("\(origin) '\(display(url))?\(query)' has a query string; give the cluster's base URL only.")
        }
        return url
    }
}
