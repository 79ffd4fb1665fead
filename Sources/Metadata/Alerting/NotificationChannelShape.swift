import Foundation
import TernCore

/// A notification channel's body as Tern writes it (`{"config_id": ..., "config": {...}}`, the request of
/// `POST _plugins/_notifications/configs`), the conversion of an older source's alerting destination into one, and the
/// body with its secrets hidden for reports.
public enum NotificationChannelShape {
    /// An item read from a source before OpenSearch 2.0 holds its destination under this key until the rule converts it.
    static let legacyKey = "destination"

    /// The channel from one entry of `GET _plugins/_notifications/configs` (`config_list`), without the server's times.
    public static func item(fromConfig entry: JSONValue) -> MetadataItem? {
        guard let id = entry["config_id"]?.stringValue, let config = entry["config"] else { return nil }
        return MetadataItem(kind: .notificationChannel, name: id, body: .object(["config_id": .string(id), "config": config]))
    }

    /// An alerting destination (`GET _opendistro/_alerting/destinations`), kept for ``convert(destination:)``.
    public static func item(fromDestination destination: JSONValue) -> MetadataItem? {
        guard let id = destination["id"]?.stringValue else { return nil }
        return MetadataItem(kind: .notificationChannel, name: id, body: .object([legacyKey: destination]))
    }

    /// The channel an alerting destination became in OpenSearch 2.0 (same id, so monitors' `destination_id` still
    /// names it), or why it cannot be converted.
    static func convert(destination: JSONValue) -> Conversion {
        let id = destination["id"]?.stringValue ?? ""
        let name = destination["name"]?.stringValue ?? id
        let type = destination["type"]?.stringValue ?? ""
        func config(_ kind: String, _ settings: [String: JSONValue]) -> JSONValue {
            .object([
                "name": .string(name), "description": .string("migrated from alerting destination \(id)"),
                "config_type": .string(kind), "is_enabled": .bool(true), kind: .object(settings),
            ])
        }
        func refuse(_ why: String, _ action: String) -> Conversion {
            .refused(
                Unconvertible(
                    rule: "alerting.destination", place: "/\(legacyKey)", what: "alerting destination \(name) (\(type))", why: why,
                    action: action, impact: .blocking))
        }
        switch type {
        case "slack", "chime":
            guard let url = destination[type]?["url"]?.stringValue else { return refuse("it has no URL", "recreate it on the target") }
            return .channel(config(type, ["url": .string(url)]), summary: "\(type) destination made a \(type) channel with the same id")
        case "custom_webhook":
            let webhook = destination["custom_webhook"] ?? .object([:])
            guard let url = webhookURL(webhook) else {
                return refuse("neither its url nor its host is set", "recreate it as a webhook channel on the target")
            }
            var settings: [String: JSONValue] = ["url": .string(url)]
            if let method = webhook["method"]?.stringValue, ["POST", "PUT", "PATCH"].contains(method.uppercased()) {
                settings["method"] = .string(method.uppercased())
            }
            var headers = webhook["header_params"]?.objectValue ?? [:]
            var summary = "custom_webhook destination made a webhook channel with the same id"
            if let user = webhook["username"]?.stringValue, !user.isEmpty {
                // Channels have no user and password of their own: the same credentials go in a Basic header.
                let password = webhook["password"]?.stringValue ?? ""
                headers["Authorization"] = .string("Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
                summary += "; its user name and password sent as an Authorization header"
            }
            if !headers.isEmpty { settings["header_params"] = .object(headers) }
            return .channel(config("webhook", settings), summary: summary)
        case "sns":
            guard let topic = destination["sns"]?["topic_arn"]?.stringValue else {
                return refuse("it has no topic", "recreate it on the target")
            }
            var settings: [String: JSONValue] = ["topic_arn": .string(topic)]
            if let role = destination["sns"]?["role_arn"]?.stringValue { settings["role_arn"] = .string(role) }
            return .channel(config("sns", settings), summary: "sns destination made an sns channel with the same id")
        case "email":
            return refuse(
                "an email destination names an email account and groups that OpenSearch 2.0 keeps as channels of their own, with the SMTP credentials in each node's keystore",
                "create an SMTP sender and an email channel with id \(id) on the target (Notifications > Channels), then run again")
        default:
            return refuse("its type '\(type)' has no notification channel counterpart", "recreate it on the target")
        }
    }

    /// What became of a destination: a channel's `config` and what was done, or why it cannot be converted.
    enum Conversion {
        case channel(JSONValue, summary: String)
        case refused(Unconvertible)
    }

    /// A custom webhook's URL: its `url`, else one made of scheme, host, port, path and query parameters.
    static func webhookURL(_ webhook: JSONValue) -> String? {
        if let url = webhook["url"]?.stringValue, !url.isEmpty { return url }
        guard let host = webhook["host"]?.stringValue, !host.isEmpty else { return nil }
        var components = URLComponents()
        components.scheme = (webhook["scheme"]?.stringValue).flatMap { $0.isEmpty ? nil : $0.lowercased() } ?? "https"
        components.host = host
        if let port = webhook["port"]?.intValue, port > 0 { components.port = Int(port) }
        let path = webhook["path"]?.stringValue ?? ""
        components.path = path.isEmpty || path.hasPrefix("/") ? path : "/" + path
        let query = (webhook["query_params"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.key, value: $0.value.stringValue) } }
        return components.string
    }

    /// Members of a channel's settings that may carry a secret (webhook URLs hold tokens; headers hold credentials).
    static let secretMembers: Set<String> = ["url", "header_params"]

    /// The body with every secret replaced by `<redacted>`, for reports and logs.
    public static func redacted(_ body: JSONValue) -> JSONValue {
        guard var object = body.objectValue else { return body }
        if var config = object["config"]?.objectValue {
            for (key, value) in config {
                guard var settings = value.objectValue else { continue }
                for member in secretMembers where settings[member] != nil { settings[member] = .string("<redacted>") }
                config[key] = .object(settings)
            }
            object["config"] = .object(config)
        }
        if object[legacyKey] != nil { object[legacyKey] = .string("<redacted>") }
        return .object(object)
    }
}
