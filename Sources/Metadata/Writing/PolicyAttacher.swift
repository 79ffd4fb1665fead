import Logging
import SearchClient
import TernCore

/// Attaches migrated indices to the ISM policies their source indices were managed by (`--attach-policies`): ISM's
/// `ism_template` only reaches indices created after the policy, and the migration creates the policy last on purpose
/// (so that nothing is attached behind the operator's back). Indices already managed are left alone, so a re-run
/// attaches nothing twice.
struct PolicyAttacher {
    let client: SearchClient
    let logger: Logger

    /// A migrated index and the policy it should be managed by.
    struct Attachment: Sendable, Equatable {
        var index: String
        /// The policy the source named.
        var policy: String
        /// Attach the policy's `-migrated` copy instead (the index was rolled over on the source).
        var migratedCopy = false

        /// The policy the index is attached to.
        var target: String { migratedCopy ? "\(policy)-migrated" : policy }
    }

    /// The policy a source index names: Elasticsearch's `index.lifecycle.name`, or ISM's own setting on an OpenSearch
    /// or Open Distro source.
    static func policy(of settings: JSONValue?) -> String? {
        let flat = Dictionary(SettingsNormalizer.flatten(settings ?? .object([:])).map { ($0.key, $0.value) }) { first, _ in first }
        for key in [
            "index.lifecycle.name", "index.plugins.index_state_management.policy_id", "index.opendistro.index_state_management.policy_id",
        ] {
            if let name = flat[key]?.stringValue, !name.isEmpty { return name }
        }
        return nil
    }

    /// Whether the source index was already rolled over (`index.lifecycle.indexing_complete`, ILM's mark, or ISM's
    /// `rollover_skip`): on the target it has no rollover record, so it goes to the policy's `-migrated` copy.
    static func wasRolledOver(_ settings: JSONValue?) -> Bool {
        let flat = Dictionary(SettingsNormalizer.flatten(settings ?? .object([:])).map { ($0.key, $0.value) }) { first, _ in first }
        return [
            "index.lifecycle.indexing_complete", "index.plugins.index_state_management.rollover_skip",
            "index.opendistro.index_state_management.rollover_skip",
        ].contains { flat[$0]?.stringValue == "true" || flat[$0]?.boolValue == true }
    }

    /// The copy of `policy` (an ISM policy body) for indices migrated after their rollover: no rollover action (they
    /// were rolled over), ages counted from the index's creation on the target (`min_index_age`; it has no rollover
    /// record, so `min_rollover_age` would never hold), no `ism_template` (it is attached by name only).
    static func migratedCopy(of policy: JSONValue, name: String) -> JSONValue {
        guard var object = policy.objectValue else { return policy }
        object["ism_template"] = nil
        object["description"] = .string("\(name) for indices migrated after their rollover: ages count from the migration")
        object["states"] = .array(
            (object["states"]?.arrayValue ?? []).map { state in
                guard var fields = state.objectValue else { return state }
                fields["actions"] = .array((fields["actions"]?.arrayValue ?? []).filter { $0["rollover"] == nil })
                fields["transitions"] = .array(
                    (fields["transitions"]?.arrayValue ?? []).map { transition in
                        guard var fields = transition.objectValue, var conditions = fields["conditions"]?.objectValue,
                            let age = conditions.removeValue(forKey: "min_rollover_age")
                        else { return transition }
                        conditions["min_index_age"] = age
                        fields["conditions"] = .object(conditions)
                        return .object(fields)
                    })
                return .object(fields)
            })
        return .object(object)
    }

    /// What to attach: each index the target now holds (created or already identical) whose source named a policy.
    static func wanted(results: [TransformResult], entries: [MetadataReport.Entry]) -> (attach: [Attachment], missing: [String]) {
        func onTarget(_ kind: MetadataKind, _ name: String) -> Bool {
            entries.contains {
                $0.kind == kind && $0.name == name
                    && ($0.action == .created || $0.action == .overwritten || ($0.status == .identical && $0.action != .failed))
            }
        }
        var attach: [Attachment] = []
        var missing: [String] = []
        for result in results where result.source.kind == .index {
            guard let policy = policy(of: result.source.body["settings"]) else { continue }
            let rolled = wasRolledOver(result.source.body["settings"])
            for item in result.items.map(\.item) where onTarget(.index, item.name) {
                if onTarget(.ismPolicy, policy) {
                    attach.append(Attachment(index: item.name, policy: policy, migratedCopy: rolled))
                } else {
                    missing.append(
                        "index \(item.name) was managed by policy \(policy), which the target does not have; migrate the policy (or create it), then run again with --attach-policies"
                    )
                }
            }
        }
        return (attach.sorted { $0.index < $1.index }, missing)
    }

    /// Attaches each index not managed yet; returns `index: policy` for each attached and a sentence per problem.
    func attach(_ wanted: (attach: [Attachment], missing: [String])) async throws -> (attached: [String], problems: [String]) {
        var attached: [String] = []
        var problems = wanted.missing
        var copied: Set<String> = []
        for attachment in wanted.attach {
            if attachment.migratedCopy, !copied.contains(attachment.target) {
                if let problem = try await ensureMigratedCopy(of: attachment.policy) {
                    problems.append(problem)
                    continue
                }
                copied.insert(attachment.target)
            }
            let index = SearchClient.pathSegment(attachment.index)
            let explain = try await client.send(.GET, "/_plugins/_ism/explain/\(index)")
            try client.checkAccess(explain, method: "GET", path: "/_plugins/_ism/explain/\(attachment.index)")
            let state = explain.json()?[attachment.index]
            if let current = state?["index.plugins.index_state_management.policy_id"]?.stringValue ?? state?["policy_id"]?.stringValue {
                if current != attachment.target {
                    problems.append(
                        "index \(attachment.index) is already managed by policy \(current) on the target, not by \(attachment.target); change it with _plugins/_ism/change_policy if it should be"
                    )
                }
                continue
            }
            let body = Array(try RequestBody.encode(.object(["policy_id": .string(attachment.target)])))
            let response = try await client.send(.POST, "/_plugins/_ism/add/\(index)", body: body)
            try client.checkAccess(response, method: "POST", path: "/_plugins/_ism/add/\(attachment.index)")
            let answer = response.json()
            if response.isSuccess, answer?["failures"]?.boolValue != true {
                attached.append("\(attachment.index): \(attachment.target)")
                logger.info("ISM policy attached", metadata: ["index": "\(attachment.index)", "policy": "\(attachment.target)"])
            } else {
                let reason =
                    answer?["failed_indices"]?.arrayValue?.first?["reason"]?.stringValue ?? response.errorSummary
                    ?? "HTTP \(response.status)"
                problems.append("index \(attachment.index) could not be attached to policy \(attachment.target): \(reason)")
            }
        }
        return (attached, problems)
    }

    /// Creates `<policy>-migrated` from the target's `policy` unless it exists; a sentence when it cannot.
    private func ensureMigratedCopy(of policy: String) async throws -> String? {
        let copy = "\(policy)-migrated"
        let existing = try await client.send(.GET, "/_plugins/_ism/policies/\(SearchClient.pathSegment(copy))")
        try client.checkAccess(existing, method: "GET", path: "/_plugins/_ism/policies/\(copy)")
        if existing.isSuccess { return nil }
        let original = try await client.send(.GET, "/_plugins/_ism/policies/\(SearchClient.pathSegment(policy))")
        try client.checkAccess(original, method: "GET", path: "/_plugins/_ism/policies/\(policy)")
        guard original.isSuccess, let body = original.json()?["policy"] else {
            return "policy \(policy) could not be read back from the target to make \(copy) (HTTP \(original.status))"
        }
        let derived = Self.migratedCopy(of: ISMPolicyShape.withoutServerFields(body), name: policy)
        let response = try await client.send(
            .PUT, "/_plugins/_ism/policies/\(SearchClient.pathSegment(copy))",
            body: Array(try RequestBody.encode(.object(["policy": derived]))))
        try client.checkAccess(response, method: "PUT", path: "/_plugins/_ism/policies/\(copy)")
        guard response.isSuccess else {
            return
                "the target refused policy \(copy) for the indices migrated after their rollover: \(response.errorSummary ?? "HTTP \(response.status)")"
        }
        logger.info("ISM policy created for rolled-over indices", metadata: ["policy": "\(copy)"])
        return nil
    }
}
