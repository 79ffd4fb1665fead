import Foundation
import Synchronization
import Yams

/// The YAML files of the OpenSearch API specification, each read once, and the `$ref`s between them.
final class SpecificationDocuments: Sendable {
    /// One loaded file.
    struct Document: @unchecked Sendable {
        var root: Any

        /// The node at a JSON pointer's keys.
        func value(at keys: [String]) -> Any? {
            var node: Any? = root
            for key in keys {
                guard let object = node as? [String: Any] else { return nil }
                node = object[key]
            }
            return node
        }
    }

    let folder: URL
    private let loaded = Mutex<[String: Document]>([:])

    init(folder: URL) {
        self.folder = folder
    }

    func document(_ file: URL) throws -> Document {
        let key = file.standardizedFileURL.path
        if let document = loaded.withLock({ $0[key] }) { return document }
        let text = try String(contentsOf: file, encoding: .utf8)
        let document = Document(root: try Yams.load(yaml: text) ?? [String: Any]())
        loaded.withLock { $0[key] = document }
        return document
    }

    /// Follows `$ref`s from `node` (written in `file`) until a node without one; returns it and the file it is in.
    func resolve(file: URL, node: Any) throws -> (URL, Any) {
        var file = file
        var node = node
        var hops = 0
        while let object = node as? [String: Any], let reference = object["$ref"] as? String {
            hops += 1
            guard hops < 64 else { throw SpecificationError("a $ref cycle at \(reference) in \(file.lastPathComponent)") }
            let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            if !parts[0].isEmpty {
                file = file.deletingLastPathComponent().appendingPathComponent(String(parts[0])).standardizedFileURL
            }
            let pointer =
                parts.count > 1
                ? parts[1].split(separator: "/").map {
                    $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                } : []
            guard let target = try document(file).value(at: pointer) else {
                throw SpecificationError("\(reference) in \(file.lastPathComponent) points at nothing")
            }
            node = target
        }
        return (file, node)
    }
}

/// The specification itself is damaged or points at something missing.
struct SpecificationError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
