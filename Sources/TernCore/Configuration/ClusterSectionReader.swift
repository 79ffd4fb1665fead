import Foundation

/// Turns one `source:` or `target:` section of `tern.yml` into a `ClusterConfiguration`.
struct ClusterSectionReader {
    let baseDirectory: String

    func cluster(_ section: ConfigNode, role: String) throws -> ClusterConfiguration {
        let keys = try section.mapping(allowedKeys: ["endpoint", "endpoints", "auth", "tls", "timeouts", "retries"])
        var endpointNodes: [ConfigNode] = []
        if let single = keys["endpoint"] { endpointNodes += try single.strings() }
        if let list = keys["endpoints"] { endpointNodes += try list.strings() }
        guard !endpointNodes.isEmpty else {
            throw section.fail("no endpoint; add endpoint: http://host:9200 (or a list under endpoints:).")
        }
        let endpoints = try endpointNodes.map { try ClusterConfiguration.endpoint($0.string(), origin: $0.location) }
        return ClusterConfiguration(
            role: role,
            endpoints: endpoints,
            auth: try keys["auth"].map(auth) ?? .none,
            tls: try keys["tls"].map(tls) ?? TLSSettings(),
            timeouts: try keys["timeouts"].map(timeouts) ?? Timeouts(),
            retries: try keys["retries"].map(retries) ?? RetrySettings())
    }

    private func auth(_ section: ConfigNode) throws -> AuthConfiguration {
        let keys = try section.mapping(allowedKeys: [
            "type", "username", "password", "password_file", "api_key", "api_key_file", "token", "token_file",
            "region", "service", "access_key_id", "secret_access_key", "session_token",
        ])
        let type: String
        if let given = keys["type"] {
            type = try given.string()
            guard AuthConfiguration.typeNames.contains(type) else {
                throw given.fail("'\(type)' is not an auth type; use one of \(AuthConfiguration.typeNames.joined(separator: ", ")).")
            }
        } else if keys["username"] != nil {
            type = "basic"
        } else if keys["api_key"] != nil || keys["api_key_file"] != nil {
            type = "api_key"
        } else if keys["token"] != nil || keys["token_file"] != nil {
            type = "bearer"
        } else if keys["region"] != nil {
            type = "aws_sigv4"
        } else {
            type = "none"
        }
        switch type {
        case "basic":
            guard let username = keys["username"] else { throw section.fail("basic auth needs a username.") }
            let password = try secret(keys, value: "password", file: "password_file", in: section)
            return .basic(username: try username.string(), password: password)
        case "api_key":
            return .apiKey(try secret(keys, value: "api_key", file: "api_key_file", in: section))
        case "bearer":
            return .bearer(try secret(keys, value: "token", file: "token_file", in: section))
        case "aws_sigv4":
            return try awsSigV4(keys, in: section)
        default:
            return .none
        }
    }

    private func awsSigV4(_ keys: [String: ConfigNode], in section: ConfigNode) throws -> AuthConfiguration {
        let environment = section.environment
        let region = try keys["region"]?.string() ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"]
        guard let region, !region.isEmpty else {
            throw section.fail("aws_sigv4 needs a region; add region: us-east-1 (or set AWS_REGION).")
        }
        let service = try keys["service"]?.string() ?? "es"
        guard service == "es" || service == "aoss" else {
            throw (keys["service"] ?? section).fail(
                "'\(service)' is not a SigV4 service for search; use es (Amazon OpenSearch Service) or aoss (OpenSearch Serverless).")
        }
        let accessKey = try keys["access_key_id"]?.string() ?? environment["AWS_ACCESS_KEY_ID"]
        let secretKey = try keys["secret_access_key"]?.string() ?? environment["AWS_SECRET_ACCESS_KEY"]
        guard let accessKey, !accessKey.isEmpty, let secretKey, !secretKey.isEmpty else {
            throw section.fail(
                "aws_sigv4 needs credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (or access_key_id / secret_access_key with ${ENV_VAR})."
            )
        }
        let token = try keys["session_token"]?.string() ?? environment["AWS_SESSION_TOKEN"]
        return .awsSigV4(
            region: region, service: service, accessKeyID: Secret(accessKey), secretAccessKey: Secret(secretKey),
            sessionToken: token.flatMap { $0.isEmpty ? nil : Secret($0) })
    }

    /// A secret given inline (usually as `${ENV_VAR}`) or read from a file (trailing newline removed).
    private func secret(_ keys: [String: ConfigNode], value: String, file: String, in section: ConfigNode) throws -> Secret {
        switch (keys[value], keys[file]) {
        case (let inline?, nil):
            return try inline.secret()
        case (nil, let fileNode?):
            return try fileNode.secretFromFile(baseDirectory: baseDirectory)
        case (_?, _?):
            throw section.fail("give either \(value) or \(file), not both.")
        case (nil, nil):
            throw section.fail(
                "needs \(value) (for example \(value): ${\(section.path.uppercased().replacingOccurrences(of: ".", with: "_"))_\(value.uppercased())}) or \(file)."
            )
        }
    }

    private func tls(_ section: ConfigNode) throws -> TLSSettings {
        let keys = try section.mapping(allowedKeys: ["ca_file", "client_cert", "client_key", "insecure"])
        let settings = TLSSettings(
            caFile: try keys["ca_file"].map { try existingFile($0) },
            clientCertificateFile: try keys["client_cert"].map { try existingFile($0) },
            clientKeyFile: try keys["client_key"].map { try existingFile($0) },
            insecure: try keys["insecure"]?.bool() ?? false)
        if (settings.clientCertificateFile == nil) != (settings.clientKeyFile == nil) {
            throw section.fail("client_cert and client_key go together; give both or neither.")
        }
        return settings
    }

    private func existingFile(_ node: ConfigNode) throws -> String {
        let path = try node.string()
        let resolved = path.hasPrefix("/") ? path : "\(baseDirectory)/\(path)"
        guard FileManager.default.isReadableFile(atPath: resolved) else {
            throw node.fail("the file \(path) does not exist or is not readable.")
        }
        return resolved
    }

    private func timeouts(_ section: ConfigNode) throws -> Timeouts {
        let keys = try section.mapping(allowedKeys: ["connect", "request"])
        let defaults = Timeouts()
        return Timeouts(
            connect: try keys["connect"]?.duration() ?? defaults.connect,
            request: try keys["request"]?.duration() ?? defaults.request)
    }

    private func retries(_ section: ConfigNode) throws -> RetrySettings {
        let keys = try section.mapping(allowedKeys: ["max_attempts", "initial_backoff", "max_backoff"])
        let defaults = RetrySettings()
        return RetrySettings(
            maxAttempts: try keys["max_attempts"]?.int(in: 1...100) ?? defaults.maxAttempts,
            initialBackoff: try keys["initial_backoff"]?.duration() ?? defaults.initialBackoff,
            maxBackoff: try keys["max_backoff"]?.duration() ?? defaults.maxBackoff)
    }
}
