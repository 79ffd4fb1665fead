import Foundation
import TernCore

/// One representative request of a query-parity file: an index (its source name) and a `_search` body.
public struct QueryCase: Sendable, Hashable {
    public var index: String
    public var body: JSONValue
    /// Where it came from, for messages (`queries.ndjson line 3`).
    public var origin: String
    /// An optional label (`"name"` in the file).
    public var name: String?

    public init(index: String, body: JSONValue, origin: String, name: String? = nil) {
        self.index = index
        self.body = body
        self.origin = origin
        self.name = name
    }

    /// Reads a file of one JSON object per line: `{"index": "logs", "body": {...}, "name": "errors per day"}`; blank
    /// lines and lines starting with `#` are skipped.
    /// - Throws: `TernError` (invalid argument) naming the file and line of the first bad line.
    public static func load(path: String) throws -> [QueryCase] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TernError(.invalidArgument, "Cannot read the query file \(path): it does not exist or is not readable.")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    static func parse(_ text: String, file: String) throws -> [QueryCase] {
        var cases: [QueryCase] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let origin = "\(file) line \(number + 1)"
            guard let json = try? JSONValue.parse(Array(trimmed.utf8)), json.objectValue != nil else {
                throw TernError(
                    .invalidArgument,
                    "\(origin) is not a JSON object; write each request on one line like {\"index\": \"logs\", \"body\": {\"query\": {\"match_all\": {}}}}."
                )
            }
            guard let index = json["index"]?.stringValue, !index.isEmpty else {
                throw TernError(.invalidArgument, "\(origin) has no \"index\"; name the source index the request runs against.")
            }
            let body = json["body"] ?? .object([:])
            guard body.objectValue != nil else {
                throw TernError(.invalidArgument, "\(origin): \"body\" must be a JSON object (a _search request body).")
            }
            cases.append(QueryCase(index: index, body: body, origin: origin, name: json["name"]?.stringValue))
        }
        return cases
    }
}
