import TernCore

/// Removes index settings that are never copied: identity and history the target makes itself, resize and block
/// state, node-bound allocation filters, settings later versions removed, and Elastic-only settings an OpenSearch
/// target rejects. ILM's rollover alias becomes ISM's; an ILM policy reference is reported, because ISM attaches its
/// converted policy to new indices through the policy's `ism_template`, not through an index setting.
enum SettingsStripRule: SettingsRule {
    /// Flat keys (exact, or a prefix when ending with `.`) and why they are not copied.
    static let neverCopied: [(key: String, why: String)] = [
        ("index.uuid", "the target makes its own"),
        ("index.creation_date", "the target makes its own"),
        ("index.provided_name", "the target makes its own"),
        ("index.version.", "the target records its own version"),
        ("index.history.uuid", "the target makes its own"),
        ("index.verified_before_close", "internal state"),
        ("index.resize.", "state of a past shrink or split"),
        ("index.shrink.source.", "state of a past shrink"),
        ("index.routing.allocation.initial_recovery.", "state of a past shrink or split"),
        ("index.blocks.", "blocks are re-applied deliberately, not copied"),
        ("index.routing.allocation.include.", "it names the source's nodes or tiers"),
        ("index.routing.allocation.require.", "it names the source's nodes or tiers"),
        ("index.routing.allocation.exclude.", "it names the source's nodes or tiers"),
        ("index.mapping.single_type", "removed in Elasticsearch 7"),
        ("index.mapper.dynamic", "removed in Elasticsearch 7"),
    ]

    /// Settings only Elasticsearch (X-Pack) knows, removed for an OpenSearch target.
    static let elasticOnly: [(key: String, why: String)] = [
        ("index.lifecycle.", "ILM settings; OpenSearch uses ISM"),
        ("index.xpack.", "X-Pack internal"),
        ("index.frozen", "frozen indices are Elastic-only"),
        ("index.search.throttled", "frozen indices are Elastic-only"),
        ("index.mode", "index modes (time series, logsdb) are Elastic-only"),
        ("index.time_series.", "time series indices are Elastic-only"),
        ("index.routing_path", "time series indices are Elastic-only"),
        ("index.look_ahead_time", "time series indices are Elastic-only"),
        ("index.ccr.", "cross-cluster replication is Elastic's own"),
    ]

    static func apply(to settings: inout JSONValue, at base: JSONPointer, context: TransformContext, log: inout RuleLog) {
        var kept: [(key: String, value: JSONValue)] = []
        var changed = false
        for (key, value) in SettingsNormalizer.flatten(settings) {
            let place = base.appending(JSONPointer(tokens: key.split(separator: ".").map(String.init)))
            if let reason = reason(for: key, in: neverCopied) {
                log.record("settings.strip", at: place, "removed `\(key)` (\(reason))")
                changed = true
            } else if context.isElasticToOpenSearch, let reason = reason(for: key, in: elasticOnly) {
                if let ism = Self.ismCounterparts[key] {
                    kept.append((ism, value))
                    log.record("settings.elastic-only", at: place, "`\(key)` → `\(ism)` (ISM's rollover reads it)")
                    changed = true
                    continue
                }
                log.record("settings.elastic-only", at: place, "removed `\(key)` (\(reason))")
                if key == "index.lifecycle.name", let policy = value.stringValue {
                    log.find(
                        "settings.elastic-only", at: place, what: "ILM policy `\(policy)`",
                        why:
                            "OpenSearch attaches lifecycle policies through the ISM policy's `ism_template` when an index is created, not through an index setting",
                        action:
                            "new indices from the templates that name it get the converted ISM policy \(policy); attach it to an index that exists already with POST _plugins/_ism/add/<index> {\"policy_id\": \"\(policy)\"}",
                        impact: .featureLost)
                }
                changed = true
            } else {
                kept.append((key, value))
            }
        }
        if changed { settings = SettingsNormalizer.nest(kept) }
    }

    /// ILM's rollover settings and ISM's: the alias a rollover moves, and the mark of an index already rolled over (ISM
    /// fails the rollover of an alias member that is not the write index unless told to skip it).
    static let ismCounterparts = [
        "index.lifecycle.rollover_alias": "index.plugins.index_state_management.rollover_alias",
        "index.lifecycle.indexing_complete": "index.plugins.index_state_management.rollover_skip",
    ]

    /// Why a flat key is stripped by a list, or nil.
    static func reason(for key: String, in list: [(key: String, why: String)]) -> String? {
        list.first { $0.key.hasSuffix(".") ? key.hasPrefix($0.key) : key == $0.key || key.hasPrefix($0.key + ".") }?.why
    }
}
