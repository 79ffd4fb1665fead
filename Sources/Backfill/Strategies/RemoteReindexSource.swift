import Foundation
import TernCore

/// The `source.remote` object of a remote reindex: where the target's nodes reach the source and how they authenticate.
///
/// The target's nodes open the connections, so only credentials that can travel in the request body work: basic auth as
/// `username`/`password`, API keys and bearer tokens as an `Authorization` header in `headers`. AWS SigV4 signs each request
/// with a key the target does not have, so it cannot be passed on.
struct RemoteReindexSource: Sendable {
    /// `scheme://host:port[/prefix]`, the form `_reindex` requires.
    let host: String
    /// `host:port`, as the target's `reindex.remote.allowlist` must name it.
    let hostAndPort: String
    let username: String?
    let password: Secret?
    let headers: [String: Secret]
    /// Every credential in clear, to scrub from the target's answers.
    private let secretValues: [String]

    /// - Parameters:
    ///   - source: the source cluster; its first endpoint is used unless `remoteHost` is given.
    ///   - remoteHost: the source as the target's nodes reach it, when that differs from how Tern reaches it.
    /// - Throws: `TernError` (configuration) for SigV4 auth and for an address without a host.
    init(source: ClusterConfiguration, remoteHost: URL?) throws {
        guard let url = remoteHost ?? source.endpoints.first, let hostName = url.host, !hostName.isEmpty else {
            throw TernError.configuration(
                "The source has no endpoint to give the target's remote reindex; set source.endpoints in tern.yml.")
        }
        let scheme = url.scheme?.lowercased() ?? "http"
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        // IPv6 literals need their brackets back in a URL.
        let bracketed = hostName.contains(":") && !hostName.hasPrefix("[") ? "[\(hostName)]" : hostName
        let prefix = url.path == "/" ? "" : (url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path)
        host = "\(scheme)://\(bracketed):\(port)\(prefix)"
        hostAndPort = "\(bracketed):\(port)"
        switch source.auth {
        case .none:
            (username, password, headers, secretValues) = (nil, nil, [:], [])
        case .basic(let user, let secret):
            let token = Data("\(user):\(secret.value)".utf8).base64EncodedString()
            (username, password, headers, secretValues) = (user, secret, [:], [secret.value, token])
        case .apiKey(let key):
            (username, password, headers, secretValues) = (nil, nil, ["Authorization": Secret("ApiKey \(key.value)")], [key.value])
        case .bearer(let token):
            (username, password, headers, secretValues) = (nil, nil, ["Authorization": Secret("Bearer \(token.value)")], [token.value])
        case .awsSigV4:
            throw TernError.configuration(
                "Remote reindex cannot authenticate to the source with AWS SigV4, because the target's nodes send the requests and cannot sign them with Tern's keys; give the source basic, API-key or bearer credentials for this strategy, or use Tern's own document copy instead."
            )
        }
    }

    /// The `source.remote` object, credentials included: it goes to the target only, never to a log.
    var json: JSONValue {
        var object: [String: JSONValue] = ["host": .string(host)]
        if let username { object["username"] = .string(username) }
        if let password { object["password"] = .string(password.value) }
        if !headers.isEmpty { object["headers"] = .object(headers.mapValues { .string($0.value) }) }
        return .object(object)
    }

    /// How the target authenticates to the source, for messages (`basic (user migrator)`, `an Authorization header`).
    var authDescription: String {
        if let username { return "basic auth as \(username)" }
        return headers.isEmpty ? "no credentials" : "an Authorization header"
    }

    /// `text` with every secret replaced by `<redacted>`: error answers may quote what they were sent.
    func scrub(_ text: String) -> String {
        var result = text
        for secret in secretValues.sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return result
    }
}
