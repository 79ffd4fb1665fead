import Foundation
import Metadata
import SearchClient
import TernCore

/// Makes a logged index-level call fit for the target the way `tern metadata` and backfill make the source's metadata
/// fit: index names in the path and in `_aliases` actions go through the selection's renames (a call about no selected
/// index is skipped), and the bodies of index creations and mapping updates go through the metadata rules for the
/// source and target versions (type names removed, settings the target refuses dropped). Pure: the applier sends it.
struct AdminRequestRewriter: Sendable {
    /// A call ready for the target.
    struct Request: Sendable, Equatable {
        struct Parameter: Sendable, Equatable {
            var name: String
            var value: String
        }

        var method: String
        /// Percent-encoded, with target index names.
        var path: String
        var query: [Parameter]
        var body: [UInt8]
    }

    enum Outcome: Sendable, Equatable {
        /// `index` names the selected source indices the call is about ("-" for none), for issues.
        case send(Request, index: String)
        /// The call is about no selected index.
        case skip
        /// The call cannot be made fit for the target; `reason` is one sentence.
        case unsupported(index: String, reason: String)
    }

    let selection: IndexSelection
    let targetVersion: ClusterVersion
    /// Nil for a target that still has mapping types (Elasticsearch 6 and earlier): the rules write typeless bodies,
    /// which such a target does not take on typed paths, so bodies go as sent.
    let transformer: MetadataTransformer?

    init(selection: IndexSelection, sourceVersion: ClusterVersion, targetVersion: ClusterVersion) {
        self.selection = selection
        self.targetVersion = targetVersion
        // Default options and no user rules: the same transformation backfill gives the indices it creates.
        transformer =
            BulkWriterOptions.needsType(for: targetVersion) ? nil : MetadataTransformer(source: sourceVersion, target: targetVersion)
    }

    private static let mappingEndpoints: Set<String> = ["_mapping", "_mappings"]
    /// Query parameters of typed requests that typeless targets refuse.
    private static let typedParameters: Set<String> = ["include_type_name", "update_all_types"]

    func rewrite(method: String, target: String, body: [UInt8]) -> Outcome {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var segments = parts[0].split(separator: "/").map(String.init)
        let names = segments.map { $0.removingPercentEncoding ?? $0 }
        let query: [Request.Parameter] =
            parts.count > 1
            ? parts[1].split(separator: "&").map { pair -> Request.Parameter in
                let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                return Request.Parameter(name: kv[0], value: kv.count > 1 ? kv[1] : "")
            } : []
        var index = "-"
        var sourceIndex: String?
        if let first = segments.first, !first.hasPrefix("_") {
            let renamed = Self.renameIndices(first, selection: selection)
            guard !renamed.selected.isEmpty else { return .skip }
            index = renamed.selected.joined(separator: ",")
            sourceIndex = renamed.selected.first
            segments[0] = renamed.segment
        }
        let method = method.uppercased()
        var request = Request(method: method, path: "/" + segments.joined(separator: "/"), query: query, body: body)
        let summary = "\(method) \(parts[0])"
        if method == "POST" && names == ["_aliases"] {
            return aliases(request, summary: summary)
        }
        guard let transformer, !body.allSatisfy(Self.isWhitespace), let shape = Self.shape(method: method, names: names) else {
            return .send(request, index: index)
        }
        guard let parsed = try? JSONValue.parse(body), parsed.objectValue != nil else {
            return .unsupported(
                index: index, reason: "\(summary) was not replayed: its body is not a JSON object, so the metadata rules cannot adapt it")
        }
        let itemName = sourceIndex ?? index
        let itemBody: JSONValue
        switch shape {
        case .createIndex:
            itemBody = parsed
        case .mapping(let type?) where !(parsed.objectValue?.count == 1 && parsed[type]?.objectValue != nil):
            // A typed path takes the bare mapping or the mapping wrapped in its type; the rules expect the wrapper.
            itemBody = .object(["mappings": .object([type: parsed])])
        case .mapping:
            itemBody = .object(["mappings": parsed])
        }
        let result = transformer.transform(
            MetadataItem(kind: .index, name: itemName, body: itemBody), targetName: sourceIndex.map(selection.targetName(for:)))
        guard result.items.count == 1, let transformed = result.items.first, transformed.isConvertible else {
            let why = result.allFindings.first(where: \.isBlocking).map { "\($0)" } ?? "the rules make \(result.items.count) indices of it"
            return .unsupported(
                index: index,
                reason: "\(summary) was not replayed: the metadata rules cannot adapt its body for \(targetVersion.displayName): \(why)")
        }
        request.query.removeAll { Self.typedParameters.contains($0.name) }
        let output: JSONValue
        switch shape {
        case .createIndex:
            output = transformed.item.body
        case .mapping:
            output = transformed.item.body["mappings"] ?? .object([:])
            request.path = sourceIndex == nil ? "/_mapping" : "/\(segments[0])/_mapping"
        }
        if output != parsed {
            guard let encoded = try? Self.encode(output) else {
                return .unsupported(index: index, reason: "\(summary) was not replayed: its adapted body could not be written as JSON")
            }
            request.body = encoded
        }
        return .send(request, index: index)
    }

    /// What a call's body is, for the metadata rules.
    private enum Shape {
        case createIndex
        /// A mapping update; `type` is the mapping type of a 6.x typed path.
        case mapping(type: String?)
    }

    /// `PUT /{index}`; `PUT|POST /{index}/_mapping`, `/{index}/_mapping/{type}`, `/{index}/{type}/_mapping` and the
    /// index-less `/_mapping[/{type}]`.
    private static func shape(method: String, names: [String]) -> Shape? {
        func isName(_ name: String) -> Bool { !name.hasPrefix("_") }
        if method == "PUT" && names.count == 1 && isName(names[0]) { return .createIndex }
        guard method == "PUT" || method == "POST" else { return nil }
        switch names.count {
        case 1 where mappingEndpoints.contains(names[0]): return .mapping(type: nil)
        case 2 where mappingEndpoints.contains(names[0]): return .mapping(type: names[1])
        case 2 where isName(names[0]) && mappingEndpoints.contains(names[1]): return .mapping(type: nil)
        case 3 where isName(names[0]) && mappingEndpoints.contains(names[1]): return .mapping(type: names[2])
        case 3 where isName(names[0]) && mappingEndpoints.contains(names[2]): return .mapping(type: names[1])
        default: return nil
        }
    }

    /// `POST /_aliases` with the index names of each action (`index`, `indices`) renamed; an action about no selected
    /// index is left out, and a call left with no action is skipped. Alias names stay as they are.
    private func aliases(_ request: Request, summary: String) -> Outcome {
        guard let parsed = try? JSONValue.parse(request.body), case .object(var top) = parsed, case .array(let actions)? = top["actions"]
        else {
            return .unsupported(
                index: "-",
                reason: "\(summary) was not replayed: its body is not the JSON `actions` list, so its index names cannot be renamed")
        }
        var kept: [JSONValue] = []
        var named: [String] = []
        var changed = false
        for action in actions {
            guard case .object(let wrapper) = action, wrapper.count == 1, let (verb, arguments) = wrapper.first,
                case .object(var fields) = arguments
            else {
                kept.append(action)
                continue
            }
            var namesIndices = false
            var selectedAny = false
            for key in ["index", "indices"] {
                let listed: [String]
                switch fields[key] {
                case .string(let text)?: listed = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                case .array(let items)?: listed = items.compactMap(\.stringValue)
                default: continue
                }
                namesIndices = true
                let selected = listed.filter(selection.selects)
                let renamed = selected.map(selection.targetName(for:))
                named += selected.filter { !named.contains($0) }
                selectedAny = selectedAny || !selected.isEmpty
                if renamed == listed { continue }
                changed = true
                if renamed.isEmpty {
                    fields[key] = nil
                } else if case .array? = fields[key] {
                    fields[key] = .array(renamed.map(JSONValue.string))
                } else {
                    fields[key] = .string(renamed.joined(separator: ","))
                }
            }
            if namesIndices && !selectedAny {
                changed = true
                continue
            }
            kept.append(.object([verb: .object(fields)]))
        }
        guard !kept.isEmpty else { return .skip }
        let index = named.isEmpty ? "-" : named.joined(separator: ",")
        guard changed else { return .send(request, index: index) }
        top["actions"] = .array(kept)
        guard let encoded = try? Self.encode(.object(top)) else {
            return .unsupported(index: index, reason: "\(summary) was not replayed: its renamed body could not be written as JSON")
        }
        var renamed = request
        renamed.body = encoded
        return .send(renamed, index: index)
    }

    /// A path's first segment (a comma list of percent-encoded index names) for the target: the selected names, renamed.
    /// Shared with `tern compare-reads`, which sends logged reads where replay sends logged writes.
    /// - Returns: the renamed segment, the selected source names, and how many names the segment held.
    static func renameIndices(_ segment: String, selection: IndexSelection) -> (segment: String, selected: [String], named: Int) {
        let names = segment.split(separator: ",").map { $0.removingPercentEncoding ?? String($0) }
        let selected = names.filter(selection.selects)
        return (selected.map { SearchClient.pathSegment(selection.targetName(for: $0)) }.joined(separator: ","), selected, names.count)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    static func encode(_ value: JSONValue) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}
