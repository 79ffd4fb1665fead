import TernCore

/// Alerting monitors and their notification channels, for an OpenSearch target: a monitor is created with its schedule
/// disabled (the source keeps alerting until `tern cutover` switches them), a channel keeps its config id (monitors'
/// actions name it), and an alerting destination of a source before OpenSearch 2.0 becomes the channel OpenSearch 2.0
/// made of it.
enum AlertingRule: ItemRule {
    /// Notification channels came with OpenSearch 2.0, replacing alerting destinations.
    static let channelsVersion = SemanticVersion(2, 0, 0)

    static func apply(to item: inout MetadataItem, context: TransformContext, log: inout RuleLog) {
        switch item.kind {
        case .alertingMonitor:
            guard context.targetIsOpenSearch else {
                log.find(
                    "alerting.target", at: JSONPointer(), what: "alerting monitor \(item.name)",
                    why: "\(context.target.displayName) has no Alerting plugin (Elasticsearch has Watcher instead)",
                    action: "recreate the monitor as a watch on the target")
                return
            }
            log.record(
                "alerting.disabled", at: JSONPointer(tokens: ["enabled"]),
                "created with its schedule disabled: tern cutover enables it on the target and disables it on the source")
        case .notificationChannel:
            channel(&item, context: context, log: &log)
        default:
            return
        }
    }

    private static func channel(_ item: inout MetadataItem, context: TransformContext, log: inout RuleLog) {
        guard context.targetIsOpenSearch(atLeast: channelsVersion) else {
            log.find(
                "alerting.channels", at: JSONPointer(), what: "notification channel \(item.name)",
                why: "\(context.target.displayName) has no notification channels (OpenSearch 2.0 brought them)",
                action: "create the destination on the target by hand, or upgrade the target first")
            return
        }
        if let destination = item.body[NotificationChannelShape.legacyKey] {
            switch NotificationChannelShape.convert(destination: destination) {
            case .channel(let config, let summary):
                item.body = .object(["config_id": .string(item.name), "config": config])
                log.record("alerting.destination", at: JSONPointer(tokens: ["config"]), summary)
            case .refused(let finding):
                log.findings.append(finding)
                return
            }
        }
        if let type = item.body["config"]?["config_type"]?.stringValue, type == "smtp_account" || type == "ses_account" {
            log.find(
                "alerting.credentials", at: JSONPointer(tokens: ["config", type]), what: "\(type) channel \(item.name)",
                why: "its credentials live in each source node's keystore, not in the channel",
                action:
                    "add opensearch.notifications.core.email.<name>.username and .password to every target node's keystore (or the SES role) before the cutover",
                impact: .featureLost)
        }
    }
}
