import Foundation
import SearchClient
import TernCore

/// `index.blocks.write` on the source's indices: the write block of a cutover, placed and removed in batches.
struct WriteBlock: Sendable {
    let client: SearchClient

    /// The indices among `indices` that already have a write block, so that removing ours never removes the operator's.
    func blocked(among indices: [String]) async throws -> Set<String> {
        let json = try await client.getJSON("/_settings/index.blocks.write", query: [("flat_settings", "true")])
        var blocked = Set<String>()
        for index in indices {
            let value = json[index]?["settings"]?["index.blocks.write"]
            if value?.stringValue == "true" || value?.boolValue == true { blocked.insert(index) }
        }
        return blocked
    }

    /// Sets (or removes, with nil) the write block on `indices`; missing indices are ignored.
    func set(_ value: Bool?, on indices: [String]) async throws {
        let body = Array(#"{"index.blocks.write":\#(value.map { $0 ? "true" : "false" } ?? "null")}"#.utf8)
        var start = 0
        // Index names in the path: keep each request line far below the usual 4 KiB limit of an HTTP request line.
        while start < indices.count {
            var end = start
            var length = 0
            while end < indices.count && (end == start || length + indices[end].utf8.count < 2000) {
                length += indices[end].utf8.count + 1
                end += 1
            }
            let names = indices[start..<end].map(SearchClient.pathSegment).joined(separator: ",")
            let path = "/\(names)/_settings"
            let response = try await client.send(.PUT, path, query: [("ignore_unavailable", "true")], body: body)
            try client.checkAccess(response, method: "PUT", path: path)
            guard response.isSuccess || response.status == 404 else {
                throw TernError(
                    .httpStatus,
                    "The \(client.displayName) refused to \(value == true ? "set" : "remove") the write block (HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")); check the user's index settings privileges."
                )
            }
            start = end
        }
    }
}
