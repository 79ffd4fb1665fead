import Foundation
import TernCore

/// Makes a logged read fit for the target the way replay makes a logged write fit: index names in the path (and in the
/// header lines of `_msearch`) go through the selection's renames. Pure: ``ReadComparison`` sends it.
struct ReadRequestRewriter: Sendable {
    /// A read ready for the target.
    struct Request: Sendable {
        var method: String
        /// Percent-encoded, with target index names.
        var path: String
        /// Decoded names and values, in order.
        var query: [(String, String)]
        var body: [UInt8]
        var contentType: String
        /// The target indices of the path (percent-encoded, comma-separated), to refresh before reading; nil when the
        /// path names none.
        var indices: String?
    }

    enum Outcome: Sendable {
        case send(Request)
        /// The read is about indices outside the selection (or partly outside: the target would answer differently by
        /// construction).
        case outsideSelection
        /// The read cannot be repeated on the target; `reason` is a clause.
        case unsupported(reason: String)
    }

    let selection: IndexSelection

    /// Dropped: a scroll would leave a context open on the target without changing the first page.
    private static let droppedParameters: Set<String> = ["scroll"]

    func rewrite(kind: ReadKind, method: String, target: String, body: [UInt8], contentType: String?) -> Outcome {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var segments = parts[0].split(separator: "/").map(String.init)
        let query: [(String, String)] =
            parts.count > 1
            ? parts[1].split(separator: "&").compactMap { pair in
                let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                guard let name = kv.first, !Self.droppedParameters.contains(name) else { return nil }
                return (name, kv.count > 1 ? kv[1] : "")
            } : []
        var indices: String?
        if let first = segments.first, !first.hasPrefix("_") {
            let renamed = AdminRequestRewriter.renameIndices(first, selection: selection)
            guard !renamed.selected.isEmpty, renamed.selected.count == renamed.named else { return .outsideSelection }
            segments[0] = renamed.segment
            indices = renamed.segment
        }
        var body = body
        switch kind {
        case .search:
            if let json = try? JSONValue.parse(body), json["pit"] != nil {
                return .unsupported(reason: "a point-in-time search names a context only the source has")
            }
        case .multiSearch:
            switch renameHeaders(body) {
            case .success(let renamed): body = renamed
            case .failure(let outcome): return outcome.outcome
            }
        case .count, .document:
            break
        }
        let type = contentType ?? (kind == .multiSearch ? "application/x-ndjson" : "application/json")
        return .send(
            Request(
                method: method.uppercased(), path: "/" + segments.joined(separator: "/"), query: query, body: body, contentType: type,
                indices: indices))
    }

    private struct Refusal: Error {
        var outcome: Outcome
    }

    /// The `_msearch` body with the `index` of each header line renamed; the search bodies stay as sent.
    private func renameHeaders(_ body: [UInt8]) -> Result<[UInt8], Refusal> {
        let lines = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var output: [UInt8] = []
        var isHeader = true
        for (number, line) in lines.enumerated() {
            let blank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if blank {
                if number < lines.count - 1 { output.append(UInt8(ascii: "\n")) }
                continue
            }
            defer { isHeader.toggle() }
            guard isHeader else {
                output += line
                output.append(UInt8(ascii: "\n"))
                continue
            }
            guard let header = try? JSONValue.parse(line), var fields = header.objectValue else {
                return .failure(Refusal(outcome: .unsupported(reason: "an _msearch header line is not a JSON object")))
            }
            if let index = fields["index"] {
                let names = index.arrayValue?.compactMap(\.stringValue) ?? index.stringValue?.split(separator: ",").map(String.init) ?? []
                let selected = names.filter(selection.selects)
                guard !selected.isEmpty, selected.count == names.count else { return .failure(Refusal(outcome: .outsideSelection)) }
                fields["index"] = .string(selected.map(selection.targetName(for:)).joined(separator: ","))
            }
            guard let encoded = try? AdminRequestRewriter.encode(.object(fields)) else {
                return .failure(Refusal(outcome: .unsupported(reason: "an _msearch header line could not be written as JSON")))
            }
            output += encoded
            output.append(UInt8(ascii: "\n"))
        }
        return .success(output)
    }
}
