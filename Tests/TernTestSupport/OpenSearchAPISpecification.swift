import Foundation
import TernCore
import Yams

/// The OpenSearch API specification (`../shared/fixtures/opensearch-api-spec`), used to check that a request Tern sends
/// is one real OpenSearch accepts: a known path and method, only parameters that operation (or every operation) takes,
/// with values of the right type, and a body that matches the operation's schema.
///
/// Real OpenSearch answers 400 "contains unrecognized parameter" to an unknown query parameter, and servers here that
/// answer from recordings would not notice; every recorded and in-memory exchange is checked against this.
public final class OpenSearchAPISpecification: Sendable {
    /// One operation: a method on a path template.
    struct Operation: Sendable {
        var id: String
        /// Segments of the path template; `nil` for a `{parameter}` segment.
        var segments: [String?]
        var queryParameters: [String: SchemaReference]
        /// Whether the operation takes a body at all (JSON or, for `_bulk` and `_msearch`, ndjson).
        var takesBody: Bool
        /// The schema of a JSON body.
        var body: SchemaReference?
        var bodyRequired: Bool
    }

    /// The specification of this checkout (loaded once per test process).
    public static let shared: OpenSearchAPISpecification = {
        do {
            return try OpenSearchAPISpecification(folder: folder, supplements: [supplement])
        } catch {
            fatalError("The OpenSearch API specification in \(folder.path) could not be read: \(error)")
        }
    }()

    /// `../shared/fixtures/opensearch-api-spec/spec`, beside the repository.
    public static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures/opensearch-api-spec/spec")

    /// Plugin APIs the specification leaves out (Alerting), written from the plugins' REST handlers in the same form:
    /// `Tests/Fixtures/api-spec-supplement`.
    public static let supplement = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/api-spec-supplement")

    private let operations: [String: [Operation]]
    /// Open Distro paths the specification lists as superseded (`_superseded_operations.yaml`): the template, its
    /// methods, and the `_plugins` template that replaced it, whose operation the request is checked against.
    private let superseded: [(segments: [String?], methods: Set<String>, replacement: [String?])]
    private let globalParameters: [String: SchemaReference]
    let documents: SpecificationDocuments

    init(folder: URL, supplements: [URL] = []) throws {
        let documents = SpecificationDocuments(folder: folder)
        self.documents = documents
        let globalFile = folder.appendingPathComponent("_global_parameters.yaml")
        var globals: [String: SchemaReference] = [:]
        if let parameters = try documents.document(globalFile).value(at: ["components", "parameters"]) as? [String: Any] {
            for case let parameter as [String: Any] in parameters.values {
                guard let name = parameter["name"] as? String, let schema = parameter["schema"] else { continue }
                globals[name] = SchemaReference(file: globalFile, node: schema)
            }
        }
        globalParameters = globals

        var operations: [String: [Operation]] = [:]
        let files = try ([folder] + supplements).flatMap { root in
            try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent("namespaces"), includingPropertiesForKeys: nil)
        }
        for file in files where file.pathExtension == "yaml" {
            let document = try documents.document(file)
            guard let paths = document.value(at: ["paths"]) as? [String: Any] else { continue }
            for (template, methods) in paths {
                guard let methods = methods as? [String: Any] else { continue }
                let segments = Self.segments(template).map { $0.hasPrefix("{") ? nil : $0 }
                for (method, operation) in methods {
                    guard let operation = operation as? [String: Any] else { continue }
                    var query: [String: SchemaReference] = [:]
                    for case let entry as [String: Any] in operation["parameters"] as? [Any] ?? [] {
                        let (parameterFile, parameter) = try documents.resolve(file: file, node: entry)
                        guard let parameter = parameter as? [String: Any], parameter["in"] as? String == "query",
                            let name = parameter["name"] as? String
                        else { continue }
                        query[name] = SchemaReference(file: parameterFile, node: parameter["schema"] ?? [String: Any]())
                    }
                    var body: SchemaReference?
                    var bodyRequired = false
                    let takesBody = operation["requestBody"] != nil
                    if let requestBody = operation["requestBody"] {
                        let (bodyFile, resolved) = try documents.resolve(file: file, node: requestBody)
                        let content = (resolved as? [String: Any])?["content"] as? [String: Any]
                        if let json = content?["application/json"] as? [String: Any], let schema = json["schema"] {
                            body = SchemaReference(file: bodyFile, node: schema)
                        }
                        bodyRequired = (resolved as? [String: Any])?["required"] as? Bool ?? false
                    }
                    operations[method.uppercased(), default: []].append(
                        Operation(
                            id: operation["operationId"] as? String ?? "\(method) \(template)", segments: segments,
                            queryParameters: query, takesBody: takesBody, body: body, bodyRequired: bodyRequired))
                }
            }
        }
        self.operations = operations
        var superseded: [(segments: [String?], methods: Set<String>, replacement: [String?])] = []
        let supersededFile = folder.appendingPathComponent("_superseded_operations.yaml")
        if let entries = try documents.document(supersededFile).value(at: []) as? [String: Any] {
            for (template, entry) in entries {
                guard template.hasPrefix("/"), let entry = entry as? [String: Any], let replacement = entry["superseded_by"] as? String,
                    let methods = entry["operations"] as? [String]
                else { continue }
                superseded.append(
                    (
                        Self.segments(template).map { $0.hasPrefix("{") ? nil : $0 }, Set(methods.map { $0.uppercased() }),
                        Self.segments(replacement).map { $0.hasPrefix("{") ? nil : $0 }
                    ))
            }
        }
        self.superseded = superseded
    }

    /// Why real OpenSearch would refuse this request, or nothing when the specification accepts it.
    /// - Parameters:
    ///   - target: the path with its query string, as sent (percent-encoded).
    ///   - body: the request body, when there is one; JSON bodies are checked against the operation's schema.
    public func violations(method: String, target: String, body: [UInt8]? = nil) -> [String] {
        let (path, query) = Self.split(target)
        let segments = Self.segments(path)
        let candidates = (operations[method.uppercased()] ?? []).filter { operation in
            operation.segments.count == segments.count
                && zip(operation.segments, segments).allSatisfy { template, segment in template == nil || template == segment }
        }
        guard !candidates.isEmpty else {
            // An Open Distro path OpenSearch still answers: checked as the operation that superseded it, its parameters
            // in the same places.
            for entry in superseded
            where entry.methods.contains(method.uppercased()) && entry.segments.count == segments.count
                && zip(entry.segments, segments).allSatisfy({ $0 == nil || $0 == $1 })
            {
                var values = zip(entry.segments, segments).filter { $0.0 == nil }.map(\.1).makeIterator()
                let replaced = "/" + entry.replacement.map { $0 ?? values.next() ?? "" }.joined(separator: "/")
                let query = target.firstIndex(of: "?").map { String(target[$0...]) } ?? ""
                return violations(method: method, target: replaced + query, body: body)
            }
            return ["\(method) \(path): no operation in the OpenSearch API specification has this method and path"]
        }
        // The most literal template wins (`/_snapshot/_status` over `/_snapshot/{repository}`), as in the server's router.
        let literal = candidates.map { $0.segments.compactMap { $0 }.count }.max() ?? 0
        var best: [String]?
        for operation in candidates where operation.segments.compactMap({ $0 }).count == literal {
            let found = violations(of: operation, method: method, path: path, query: query, body: body)
            if found.isEmpty { return [] }
            if best == nil || found.count < best!.count { best = found }
        }
        return best ?? []
    }

    /// Why real OpenSearch would refuse requests a test stand-in logged (`fault_proxy.py --monitors/--replication`:
    /// one JSON object per line with `method`, `target` and `body`); nothing when the file does not exist.
    public func violations(inRequestLog log: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: log.path) else { return [] }
        return try String(contentsOf: log, encoding: .utf8).split(separator: "\n").flatMap { line in
            let request = try JSONValue.parse(Array(line.utf8))
            return violations(
                method: request["method"]?.stringValue ?? "", target: request["target"]?.stringValue ?? "",
                body: request["body"]?.stringValue.map { Array($0.utf8) })
        }
    }

    private func violations(
        of operation: Operation, method: String, path: String, query: [(String, String)], body: [UInt8]?
    ) -> [String] {
        var found: [String] = []
        let checker = JSONSchemaCheck(documents: documents)
        for (name, value) in query {
            guard let schema = operation.queryParameters[name] ?? globalParameters[name] else {
                found.append("\(method) \(path) (\(operation.id)): unrecognized parameter [\(name)]")
                continue
            }
            if !checker.accepts(parameter: value, schema: schema) {
                found.append("\(method) \(path) (\(operation.id)): parameter \(name)=\(value) is not what the specification allows")
            }
        }
        let hasBody = body.map { !$0.isEmpty } ?? false
        if hasBody, !operation.takesBody {
            found.append("\(method) \(path) (\(operation.id)): the specification gives this operation no request body")
        } else if !hasBody, operation.bodyRequired {
            found.append("\(method) \(path) (\(operation.id)): the specification requires a request body")
        } else if hasBody, let schema = operation.body, let body {
            guard let json = try? JSONValue.parse(body) else {
                return found + ["\(method) \(path) (\(operation.id)): the body is not JSON"]
            }
            found += checker.problems(json, schema: schema, at: "body").map { "\(method) \(path) (\(operation.id)): \($0)" }
        }
        return found
    }

    static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map { String($0).removingPercentEncoding ?? String($0) }
    }

    static func split(_ target: String) -> (path: String, query: [(String, String)]) {
        guard let mark = target.firstIndex(of: "?") else { return (target, []) }
        let query = target[target.index(after: mark)...].split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
        return (String(target[..<mark]), query)
    }
}

/// A schema node and the file it was written in (its `$ref`s are relative to that file).
struct SchemaReference: @unchecked Sendable {
    var file: URL
    /// A YAML node as Yams loads it: dictionaries, arrays, strings, numbers, booleans.
    var node: Any
}
