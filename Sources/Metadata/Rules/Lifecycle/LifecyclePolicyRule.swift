import TernCore

/// Converts an Elasticsearch ILM policy into an OpenSearch ISM policy, for an OpenSearch target: each phase becomes a
/// state in ILM's phase order, each phase's `min_age` the condition of the transition into it, each action its ISM
/// counterpart; the `ism_template` comes from the index templates that name the policy. An action ISM has no counterpart
/// for is named (`cannot-convert` when dropping it could delete data early, else `feature-lost`). The mapping and its
/// justification: `docs/ilm-to-ism.md`.
enum LifecyclePolicyRule: ItemRule {
    /// ILM's phases, in the order an index goes through them.
    static let phases = ["hot", "warm", "cold", "frozen", "delete"]

    /// The order ILM runs a phase's actions in, whatever order the policy lists them.
    static let actionOrder = [
        "set_priority", "unfollow", "rollover", "wait_for_snapshot", "readonly", "downsample", "allocate", "migrate", "shrink",
        "forcemerge", "searchable_snapshot", "freeze", "delete",
    ]

    static func apply(to item: inout MetadataItem, context: TransformContext, log: inout RuleLog) {
        guard item.kind == .ismPolicy, let ilm = item.body["policy"], ilm["phases"] != nil else { return }
        let root = JSONPointer(tokens: ["policy"])
        guard context.targetIsOpenSearch else {
            log.find(
                "lifecycle.ilm", at: root, what: "ILM policy \(item.name)", why: "Tern converts ILM policies for OpenSearch targets only",
                action: "recreate the policy on the target with PUT _ilm/policy/\(item.name)")
            return
        }
        item.body = .object([
            "policy": convert(name: item.name, ilm: ilm, uses: context.lifecycleUses[item.name] ?? [], context: context, log: &log)
        ])
    }

    /// The ISM policy for one ILM policy (the `policy` object of `GET _ilm/policy/<name>`).
    static func convert(name: String, ilm: JSONValue, uses: [LifecycleUse], context: TransformContext, log: inout RuleLog) -> JSONValue {
        let present = phases.filter { ilm["phases"]?[$0] != nil }
        let rollsOver = present.contains { ilm["phases"]?[$0]?["actions"]?["rollover"] != nil }
        var states: [JSONValue] = []
        if rollsOver && !context.targetIsOpenSearch(atLeast: minRolloverAgeVersion) {
            log.find(
                "lifecycle.ilm", at: JSONPointer(tokens: ["policy", "phases"]), what: "ILM policy \(name)",
                why:
                    "it rolls over, and ILM counts later phases from the rollover; OpenSearch before 1.3 can count only from index creation, which would delete indices earlier than the source does",
                action: "upgrade the target to OpenSearch 1.3 or later (min_rollover_age), or write an ISM policy with longer ages by hand")
        }
        // ILM waits a first phase's min_age too (a delete-only policy of 30d deletes after 30 days, not at once): ISM
        // needs a state to wait in.
        if let first = present.first, let age = ilm["phases"]?[first]?["min_age"]?.stringValue, !isZero(age) {
            let condition = rollsOver ? "min_rollover_age" : "min_index_age"
            states.append(
                .object([
                    "name": .string("pending"), "actions": .array([]),
                    "transitions": .array([.object(["state_name": .string(first), "conditions": .object([condition: .string(age)])])]),
                ]))
            log.record(
                "lifecycle.ilm", at: JSONPointer(tokens: ["policy", "phases", first, "min_age"]),
                "a first state `pending` waits `min_age` \(age) before `\(first)`, as ILM does")
        }
        for (position, phase) in present.enumerated() {
            let place = JSONPointer(tokens: ["policy", "phases", phase])
            var actions: [JSONValue] = []
            let given = ilm["phases"]?[phase]?["actions"]?.objectValue ?? [:]
            let ordered = given.keys.sorted { (actionOrder.firstIndex(of: $0) ?? 99, $0) < (actionOrder.firstIndex(of: $1) ?? 99, $1) }
            for action in ordered {
                switch convertAction(action, given[action] ?? .object([:]), at: place.appending("actions").appending(action), log: &log) {
                case .array(let several): actions += several
                case let one?: actions.append(one)
                case nil: break
                }
            }
            var state: [String: JSONValue] = ["name": .string(phase), "actions": .array(actions)]
            if position + 1 < present.count {
                let next = present[position + 1]
                let minAge = ilm["phases"]?[next]?["min_age"]?.stringValue ?? "0ms"
                var transition: [String: JSONValue] = ["state_name": .string(next)]
                if !isZero(minAge) {
                    // ILM counts a phase's age from the rollover once the index rolled over; ISM's min_rollover_age does
                    // the same, min_index_age counts from creation.
                    let condition =
                        rollsOver && context.targetIsOpenSearch(atLeast: minRolloverAgeVersion) ? "min_rollover_age" : "min_index_age"
                    transition["conditions"] = .object([condition: .string(minAge)])
                }
                state["transitions"] = .array([.object(transition)])
            }
            states.append(.object(state))
        }
        var policy: [String: JSONValue] = [
            "description": .string("Converted by Tern from the Elasticsearch ILM policy \(name)"),
            "default_state": states.first?["name"] ?? .string("hot"), "states": .array(states),
        ]
        let patterns = Array(Set(uses.flatMap(\.patterns))).sorted()
        if !patterns.isEmpty {
            let priority = uses.map(\.priority).max() ?? 0
            policy["ism_template"] = .array([
                .object(["index_patterns": .array(patterns.map { .string($0) }), "priority": .int(Int64(priority))])
            ])
            log.record(
                "lifecycle.ilm", at: JSONPointer(tokens: ["policy"]),
                "`ism_template` for \(patterns.joined(separator: ", ")) (the index templates that name the policy), so new indices get it as ILM gave it to them"
            )
        }
        log.record(
            "lifecycle.ilm", at: JSONPointer(tokens: ["policy", "phases"]),
            "phases \(present.joined(separator: ", ")) became ISM states, `min_age` the transitions")
        return .object(policy)
    }

    /// The OpenSearch release whose ISM has the `min_rollover_age` transition condition (index-management 1.3).
    static let minRolloverAgeVersion = SemanticVersion(1, 3, 0)

    /// One ILM action as ISM actions, or nil (with the reason logged).
    static func convertAction(_ action: String, _ body: JSONValue, at place: JSONPointer, log: inout RuleLog) -> JSONValue? {
        func lost(_ why: String, unsafe: Bool = false) -> JSONValue? {
            log.find(
                "lifecycle.ilm", at: place, what: "ILM action `\(action)`", why: why,
                action: unsafe
                    ? "the policy is not written: add what the action guarded to an ISM policy by hand (or remove the action from the ILM policy) and run again"
                    : "the rest of the policy is converted; recreate what the action did by hand if it matters",
                impact: unsafe ? .blocking : .featureLost)
            return nil
        }
        switch action {
        case "rollover":
            var conditions: [String: JSONValue] = [:]
            let renames = [
                ("max_age", "min_index_age"), ("max_docs", "min_doc_count"), ("max_size", "min_size"),
                ("max_primary_shard_size", "min_primary_shard_size"),
            ]
            for (from, to) in renames {
                guard let value = body[from] else { continue }
                conditions[to] = value
                log.record("lifecycle.ilm", at: place.appending(from), "`\(from)` → ISM rollover `\(to)`")
            }
            for field in (body.objectValue ?? [:]).keys.sorted() where !renames.contains(where: { $0.0 == field }) {
                log.find(
                    "lifecycle.ilm", at: place.appending(field), what: "rollover condition `\(field)`",
                    why: "ISM's rollover has no such condition (its conditions are alternatives, not requirements)",
                    action: "the index rolls over on the other conditions", impact: .featureLost)
            }
            guard !conditions.isEmpty else {
                return lost("none of its conditions exists in ISM, so the index would never roll over", unsafe: true)
            }
            return .object(["rollover": .object(conditions)])
        case "forcemerge":
            if body["index_codec"] != nil {
                log.record(
                    "lifecycle.ilm", at: place.appending("index_codec"), "`index_codec` left out: ISM's force_merge has no codec change")
            }
            return .object(["force_merge": .object(["max_num_segments": body["max_num_segments"] ?? .int(1)])])
        case "shrink":
            return lost(
                "ISM's shrink keeps the policy on the source index and leaves the shrunken copy unmanaged (never deleted), where ILM replaces the index with its shrunken copy; without it the index keeps its shard count"
            )
        case "allocate":
            var out: [JSONValue] = []
            if let replicas = body["number_of_replicas"] {
                out.append(.object(["replica_count": .object(["number_of_replicas": replicas])]))
            }
            var allocation: [String: JSONValue] = [:]
            for filter in ["require", "include", "exclude"] {
                if let value = body[filter], !(value.objectValue?.isEmpty ?? true) { allocation[filter] = value }
            }
            if !allocation.isEmpty {
                allocation["wait_for"] = .bool(false)
                out.append(.object(["allocation": .object(allocation)]))
            }
            if body["total_shards_per_node"] != nil {
                log.record(
                    "lifecycle.ilm", at: place.appending("total_shards_per_node"),
                    "`total_shards_per_node` left out: ISM's allocation has no such field")
            }
            guard !out.isEmpty else { return nil }
            log.record("lifecycle.ilm", at: place, "→ ISM `replica_count`/`allocation`")
            // Several ISM actions for one ILM action: the caller takes an array as a list.
            return out.count == 1 ? out[0] : .array(out)
        case "readonly":
            return .object(["read_only": .object([:])])
        case "set_priority":
            // A null priority removes the setting in ILM; ISM has no way to say that.
            guard let priority = body["priority"], priority != .null else { return nil }
            return .object(["index_priority": .object(["priority": priority])])
        case "delete":
            return .object(["delete": .object([:])])
        case "wait_for_snapshot":
            return lost(
                "it keeps an index until a snapshot policy has backed it up; ISM has no such wait, so the index could be deleted before it is in a snapshot",
                unsafe: true)
        case "searchable_snapshot":
            return lost(
                "OpenSearch mounts searchable snapshots by restoring them with remote storage, not as a lifecycle step; the index stays on local disk"
            )
        case "migrate":
            return lost("OpenSearch has no data tiers; use an allocation action with node attributes to move indices between nodes")
        case "freeze":
            return lost("frozen indices are Elastic-only (and a no-op since Elasticsearch 8)")
        case "unfollow":
            return lost("cross-cluster replication followers are Elastic's own")
        case "downsample":
            return lost("ISM has no downsampling step (rollups are separate jobs); the index keeps its full-resolution documents")
        default:
            return lost("Tern does not know this action, so it cannot tell whether dropping it is safe", unsafe: true)
        }
    }

    /// `0`, `0ms`, `0s`, `0d`…: no wait.
    static func isZero(_ duration: String) -> Bool {
        let digits = duration.prefix { $0.isNumber || $0 == "." }
        return (Double(digits) ?? 0) == 0
    }

    /// The ISM template uses of each ILM policy: the index patterns and priority of every template whose settings name it
    /// in `index.lifecycle.name`.
    static func uses(in items: [MetadataItem]) -> [String: [LifecycleUse]] {
        func policy(of item: MetadataItem) -> String? {
            guard let pointer = item.settingsPointer, let settings = item.body.value(atPointer: pointer) else { return nil }
            return SettingsNormalizer.flatten(settings).first { $0.key == "index.lifecycle.name" }?.value.stringValue
        }
        // A component template names the policy for the composable templates made of it (their own setting wins).
        var byComponent: [String: String] = [:]
        for item in items where item.kind == .componentTemplate {
            if let name = policy(of: item) { byComponent[item.name] = name }
        }
        var result: [String: [LifecycleUse]] = [:]
        for item in items where item.kind == .legacyTemplate || item.kind == .indexTemplate {
            let components = (item.body["composed_of"]?.arrayValue ?? []).compactMap(\.stringValue)
            guard let policy = policy(of: item) ?? components.reversed().lazy.compactMap({ byComponent[$0] }).first else { continue }
            let patterns =
                (item.body["index_patterns"]?.arrayValue ?? []).compactMap(\.stringValue)
                + (item.body["template"]?.stringValue.map { [$0] } ?? [])
            let priority = Int(item.body["priority"]?.intValue ?? item.body["order"]?.intValue ?? 0)
            result[policy, default: []].append(LifecycleUse(patterns: patterns, priority: priority))
        }
        return result
    }
}

/// Where an ILM policy is used: the index patterns of a template that names it, and that template's priority.
public struct LifecycleUse: Sendable, Hashable {
    public var patterns: [String]
    public var priority: Int

    public init(patterns: [String], priority: Int) {
        self.patterns = patterns
        self.priority = priority
    }
}
