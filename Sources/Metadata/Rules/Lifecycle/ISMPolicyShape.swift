import TernCore

/// What an ISM policy looks like as it is sent (`{"policy": {...}}`) against what the target returns: the fields the
/// plugin adds on its own are left out so that a read-back compares what was asked for.
enum ISMPolicyShape {
    /// Fields ISM sets itself on a stored policy.
    static let serverFields = ["policy_id", "last_updated_time", "schema_version", "error_notification"]

    static func withoutServerFields(_ policy: JSONValue) -> JSONValue {
        guard var object = policy.objectValue else { return policy }
        for field in serverFields where field != "error_notification" || object[field] == .null {
            object[field] = nil
        }
        if let states = object["states"]?.arrayValue {
            object["states"] = .array(states.map(withoutActionDefaults))
        }
        if let templates = object["ism_template"]?.arrayValue {
            object["ism_template"] = .array(
                templates.map { template in
                    guard var fields = template.objectValue else { return template }
                    fields["last_updated_time"] = nil
                    return .object(fields)
                })
        }
        return .object(object)
    }

    /// The retry every action gets when the policy names none (ISM's `ActionRetry` default).
    static let defaultRetry: JSONValue = .object(["count": .int(3), "backoff": .string("exponential"), "delay": .string("1m")])

    /// Fields ISM fills in on each action of a stored policy with their default values: dropped, so that an action sent
    /// without them compares equal.
    static func withoutActionDefaults(_ state: JSONValue) -> JSONValue {
        guard var fields = state.objectValue, let actions = fields["actions"]?.arrayValue else { return state }
        fields["actions"] = .array(
            actions.map { action in
                guard var parts = action.objectValue else { return action }
                if parts["retry"] == defaultRetry { parts["retry"] = nil }
                for (name, defaults) in [("rollover", ["copy_alias": JSONValue.bool(false)]), ("shrink", ["switch_aliases": .bool(false)])]
                {
                    guard var body = parts[name]?.objectValue else { continue }
                    for (key, value) in defaults where body[key] == value { body[key] = nil }
                    parts[name] = .object(body)
                }
                return .object(parts)
            })
        return .object(fields)
    }
}
