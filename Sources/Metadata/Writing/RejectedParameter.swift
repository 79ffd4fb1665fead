import TernCore

/// What a target's refusal names as the offending setting or mapping parameter, so `--drop-unsupported` can remove
/// exactly that and try again.
struct RejectedParameter: Sendable, Equatable {
    /// Where the offending value sits in the item's body.
    var pointer: JSONPointer
    /// What the target said, for the report.
    var reason: String

    /// Reads the target's error reason. Forms known from Elasticsearch and OpenSearch:
    /// `unknown setting [index.foo] please check ...`, `private index setting [index.foo] can not be set explicitly`,
    /// `unknown parameter [p] on mapper [a.b] of type [t]`,
    /// `Root mapping definition has unsupported parameters:  [_all : {enabled=false}]`.
    static func parse(reason: String, item: MetadataItem) -> [RejectedParameter] {
        guard let settingsAt = item.settingsPointer, let mappingsAt = item.mappingsPointer else { return [] }
        for prefix in ["unknown setting [", "private index setting ["] {
            if let name = bracketed(after: prefix, in: reason) {
                return settingPointers(name, settingsAt: settingsAt, in: item.body).map { RejectedParameter(pointer: $0, reason: reason) }
            }
        }
        if let parameter = bracketed(after: "unknown parameter [", in: reason),
            let field = bracketed(after: "on mapper [", in: reason)
        {
            var pointer = mappingsAt
            for part in field.split(separator: ".") { pointer = pointer.appending("properties", String(part)) }
            pointer = pointer.appending(parameter)
            guard item.body.value(atPointer: pointer) != nil else { return [] }
            return [RejectedParameter(pointer: pointer, reason: reason)]
        }
        if let range = reason.range(of: "Root mapping definition has unsupported parameters:") {
            var found: [RejectedParameter] = []
            var rest = reason[range.upperBound...]
            while let open = rest.firstIndex(of: "["), let colon = rest[open...].firstIndex(of: ":") {
                let key = rest[rest.index(after: open)..<colon].trimmingCharacters(in: .whitespaces)
                let pointer = mappingsAt.appending(key)
                if item.body.value(atPointer: pointer) != nil { found.append(RejectedParameter(pointer: pointer, reason: reason)) }
                rest = rest[colon...]
            }
            return found
        }
        return []
    }

    /// `index.foo.bar` may be written flat or nested, with or without the `index.` prefix.
    private static func settingPointers(_ name: String, settingsAt: JSONPointer, in body: JSONValue) -> [JSONPointer] {
        let short = name.hasPrefix("index.") ? String(name.dropFirst("index.".count)) : name
        var candidates = [
            settingsAt.appending(name), settingsAt.appending(short), settingsAt.appending("index", short),
        ]
        var nested = settingsAt
        for part in name.split(separator: ".") { nested = nested.appending(String(part)) }
        candidates.append(nested)
        var shortNested = settingsAt
        for part in short.split(separator: ".") { shortNested = shortNested.appending(String(part)) }
        candidates.append(shortNested)
        var seen = Set<JSONPointer>()
        return candidates.filter { body.value(atPointer: $0) != nil && seen.insert($0).inserted }
    }

    private static func bracketed(after prefix: String, in text: String) -> String? {
        guard let start = text.range(of: prefix) else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "]") else { return nil }
        return String(rest[..<end])
    }
}
