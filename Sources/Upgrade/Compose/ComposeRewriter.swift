import Compatibility
import Foundation
import TernCore

/// Rewrites a Docker Compose file for a new OpenSearch version, line by line: image tags (Elasticsearch OSS and Kibana OSS
/// images become their OpenSearch equivalents), the environment variables and paths the new images need, and nothing else —
/// comments, anchors, quoting and layout stay byte-identical. Refuses downgrades and skipped majors with the rule's sentence.
public struct ComposeRewriter: Sendable {
    public init() {}

    /// Environment variables Kibana read that OpenSearch Dashboards reads under another name.
    static let dashboardsRenames: [String: String] = [
        "ELASTICSEARCH_HOSTS": "OPENSEARCH_HOSTS", "ELASTICSEARCH_URL": "OPENSEARCH_HOSTS", "ELASTICSEARCH_USERNAME": "OPENSEARCH_USERNAME",
        "ELASTICSEARCH_PASSWORD": "OPENSEARCH_PASSWORD", "ELASTICSEARCH_SSL_VERIFICATIONMODE": "OPENSEARCH_SSL_VERIFICATIONMODE",
        "ELASTICSEARCH_REQUESTTIMEOUT": "OPENSEARCH_REQUESTTIMEOUT",
    ]
    /// Environment variables the Elasticsearch image read that the OpenSearch image reads under another name.
    static let engineRenames: [String: String] = ["ES_JAVA_OPTS": "OPENSEARCH_JAVA_OPTS", "ES_PATH_CONF": "OPENSEARCH_PATH_CONF"]
    /// Paths inside the containers, most specific first.
    static let enginePaths: [(String, String)] = [
        ("/usr/share/elasticsearch/config/elasticsearch.yml", "/usr/share/opensearch/config/opensearch.yml"),
        ("/usr/share/elasticsearch", "/usr/share/opensearch"),
    ]
    static let dashboardsPaths: [(String, String)] = [
        ("/usr/share/kibana/config/kibana.yml", "/usr/share/opensearch-dashboards/config/opensearch_dashboards.yml"),
        ("/usr/share/kibana", "/usr/share/opensearch-dashboards"),
    ]

    /// - Parameters:
    ///   - text: the Compose file.
    ///   - version: the OpenSearch version to run.
    ///   - file: its name, for messages.
    /// - Throws: `TernError` of kind `.upgradeRefused` for a downgrade, a skipped major, or images whose version cannot be read.
    public func rewrite(_ text: String, to version: SemanticVersion, file: String) throws -> ComposeRewrite {
        let crlf = text.contains("\r\n")
        // Split bytes, not characters: "\r\n" is one Character in Swift.
        var rawLines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        let endsWithNewline = rawLines.last == ""
        if endsWithNewline { rawLines.removeLast() }
        let carriageReturns = rawLines.map { $0.hasSuffix("\r") }
        let structure = ComposeFileLines(lines: rawLines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 })
        let target = ClusterVersion(.opensearch, version)

        let images = Self.images(in: structure)
        let from = try Self.engineVersion(in: structure, images: images, file: file)
        let engineChanges = !(from.distribution == .opensearch && from.version == version)
        if engineChanges {
            let step = CompatibilityRules.inPlaceStep(from: from, to: target, rolling: false)
            guard step.allowed else {
                throw TernError(.upgradeRefused, "\(step.reason) \(file) is unchanged.")
            }
        }
        var plan = Plan(from: from, to: version, engineChanges: engineChanges, edits: Edits(lines: structure.lines))
        for block in structure.blocks {
            guard let kind = Self.product(of: block, in: structure, images: images) else { continue }
            if let line = block.imageLine, let image = images[line] {
                try plan.retag(image, kind: kind, line: line, block: block, file: file)
            }
            plan.rewriteEnvironment(of: block, kind: kind)
        }
        plan.closingNotes()

        // Reassemble: changed lines, inserted lines, the original line endings.
        var output: [String] = []
        for (index, line) in plan.edits.lines.enumerated() {
            output.append(line + (carriageReturns[index] ? "\r" : ""))
            for inserted in plan.edits.insertions[index] ?? [] { output.append(inserted + (crlf ? "\r" : "")) }
        }
        let rewritten = output.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
        return ComposeRewrite(from: from, to: target, original: text, text: rewritten, notes: plan.edits.notes)
    }

    /// The images of the blocks that name one, by line.
    private static func images(in structure: ComposeFileLines) -> [Int: ComposeImage] {
        var images: [Int: ComposeImage] = [:]
        for block in structure.blocks {
            if let line = block.imageLine, let value = imageValue(structure.lines[line]) {
                images[line] = ComposeImage(parsing: value.text)
            }
        }
        return images
    }

    /// The product a block runs: its own image, or the image of a block it merges (`<<: *anchor`).
    private static func product(
        of block: ComposeFileLines.Block, in structure: ComposeFileLines, images: [Int: ComposeImage], depth: Int = 0
    ) -> ComposeImage.Product? {
        if let line = block.imageLine { return images[line]?.product }
        guard depth < 4 else { return nil }
        for anchor in block.merges {
            if let source = structure.blocks.first(where: { $0.anchor == anchor }),
                let found = product(of: source, in: structure, images: images, depth: depth + 1)
            {
                return found
            }
        }
        return nil
    }

    /// The version the engine runs: exactly one, and readable.
    private static func engineVersion(in structure: ComposeFileLines, images: [Int: ComposeImage], file: String) throws -> ClusterVersion {
        var engineVersions: [ClusterVersion] = []
        for block in structure.blocks {
            guard let line = block.imageLine, let image = images[line], let kind = image.product, kind.isEngine else { continue }
            guard let running = image.clusterVersion else {
                let fix =
                    image.tagVariable.map {
                        "the tag comes from ${\($0)} without a default; write it as ${\($0):-VERSION} or pin the version"
                    }
                    ?? "pin the version the cluster runs"
                throw TernError(
                    .upgradeRefused,
                    "\(file) line \(line + 1) (\(block.label)) runs \(image.repository):\(image.tag ?? "latest"), whose version Tern cannot tell; \(fix), then run the command again."
                )
            }
            engineVersions.append(running)
        }
        let distinct = Array(Set(engineVersions.map(\.description))).sorted()
        guard let from = engineVersions.first else {
            throw TernError(
                .upgradeRefused,
                "\(file) has no OpenSearch, Elasticsearch OSS or Open Distro image; point --compose at the file that runs the cluster.")
        }
        guard distinct.count == 1 else {
            throw TernError(
                .upgradeRefused,
                "\(file) runs several engine versions (\(distinct.joined(separator: ", "))); bring every node to one version before upgrading."
            )
        }
        return from
    }

    /// The lines as they are being changed, the lines to insert after a line, and the notes for the operator.
    struct Edits {
        var lines: [String]
        var insertions: [Int: [String]] = [:]
        var notes: [String] = []

        mutating func rename(_ entry: ComposeFileLines.EnvironmentEntry, to newKey: String) {
            var line = lines[entry.line]
            let start = line.index(line.startIndex, offsetBy: entry.keyOffset)
            let end = line.index(start, offsetBy: entry.key.count)
            line.replaceSubrange(start..<end, with: newKey)
            lines[entry.line] = line
        }

        mutating func commentOut(_ entry: ComposeFileLines.EnvironmentEntry, because reason: String) {
            let body = lines[entry.line].dropFirst(entry.indent.count)
            lines[entry.line] = "\(entry.indent)# \(body)  # removed by tern upgrade: \(reason)"
        }

        /// Appends the variables the block does not set yet after its last environment entry.
        mutating func add(_ additions: [(String, String)], to block: ComposeFileLines.Block) {
            let keys = Set(block.environment?.entries.map(\.key) ?? [])
            let missing = additions.filter { !keys.contains($0.0) }
            guard !missing.isEmpty else { return }
            guard let environment = block.environment, !environment.inline, let last = environment.entries.last else {
                notes.append(
                    "\(block.label): add \(missing.map { "\($0.0)=\($0.1)" }.joined(separator: " and ")) to its environment (Tern found no environment list to extend)."
                )
                return
            }
            insertions[last.line, default: []] += missing.map { key, value in
                last.style == .list ? "\(last.indent)- \(key)=\(value)" : "\(last.indent)\(key): \"\(value)\""
            }
        }

        mutating func rewritePaths(_ paths: [(String, String)], in block: ComposeFileLines.Block) {
            for index in block.body where ComposeFileLines.isContent(lines[index]) {
                for (old, new) in paths where lines[index].contains(old) {
                    lines[index] = lines[index].replacingOccurrences(of: old, with: new)
                }
            }
        }
    }

    /// What one upgrade does to each block, from the version the file runs to the one it is rewritten for.
    struct Plan {
        let from: ClusterVersion
        let to: SemanticVersion
        let engineChanges: Bool
        var edits: Edits

        var fromElasticsearch: Bool { from.distribution != .opensearch }
        /// Elasticsearch had no security plugin (OSS) or its own (X-Pack); OpenSearch enables its own with demo certificates.
        var disableSecurity: Bool { fromElasticsearch && from.distribution != .opendistro }

        /// The image line: a new tag for OpenSearch images, the OpenSearch image for Elasticsearch and Kibana ones.
        mutating func retag(_ image: ComposeImage, kind: ComposeImage.Product, line: Int, block: ComposeFileLines.Block, file: String)
            throws
        {
            guard let value = ComposeRewriter.imageValue(edits.lines[line]) else { return }
            var reference: String?
            if kind == .opensearch || kind == .dashboards {
                if let current = image.taggedVersion {
                    if current > to {
                        throw TernError(
                            .upgradeRefused,
                            "\(file) line \(line + 1) (\(block.label)) already runs \(image.repository):\(current), newer than \(to): Tern never downgrades in place; \(file) is unchanged."
                        )
                    }
                    if current != to { reference = image.with(tag: image.retagged(to)) }
                } else {
                    edits.notes.append(
                        "\(block.label): the tag of \(image.repository) is not a version (\(image.tag ?? "none")); Tern left it alone.")
                }
            } else if kind.isEngine {
                reference = "opensearchproject/opensearch:\(to)"
            } else {
                reference = "opensearchproject/opensearch-dashboards:\(to)"
            }
            guard let reference else { return }
            edits.lines[line] = value.replacing(with: reference, in: edits.lines[line])
            if let variable = image.tagVariable, image.variableDefaultRange != nil, kind == .opensearch || kind == .dashboards {
                edits.notes.append(
                    "\(block.label): the tag comes from ${\(variable)}; Tern changed its default to \(to): if .env sets \(variable), set it to \(to) there too."
                )
            }
            if image.digest != nil {
                edits.notes.append("\(block.label): the image was pinned by digest; the digest was dropped (it names the old image).")
            }
        }

        mutating func rewriteEnvironment(of block: ComposeFileLines.Block, kind: ComposeImage.Product) {
            if block.environment?.inline == true {
                edits.notes.append(
                    "\(block.label): its environment is written inline or through an alias; Tern left it alone, check it by hand.")
            }
            if kind.isEngine && engineChanges { rewriteEngine(block, kind: kind) }
            if !kind.isEngine && kind.isElasticsearchLine { rewriteDashboards(block) }
        }

        private mutating func rewriteEngine(_ block: ComposeFileLines.Block, kind: ComposeImage.Product) {
            let entries = block.environment?.entries ?? []
            let keys = Set(entries.map(\.key))
            if kind.isElasticsearchLine {
                for entry in entries {
                    if let newKey = ComposeRewriter.engineRenames[entry.key] {
                        edits.rename(entry, to: newKey)
                    } else if entry.key.hasPrefix("xpack.") {
                        edits.commentOut(entry, because: "OpenSearch has no X-Pack")
                    } else if entry.key.hasPrefix("opendistro_security.") {
                        edits.rename(entry, to: "plugins.security." + entry.key.dropFirst("opendistro_security.".count))
                    }
                }
                if disableSecurity {
                    edits.add([("plugins.security.disabled", "true"), ("DISABLE_INSTALL_DEMO_CONFIG", "true")], to: block)
                }
                edits.rewritePaths(ComposeRewriter.enginePaths, in: block)
                if block.body.contains(where: { edits.lines[$0].contains("/usr/share/opensearch/config/opensearch.yml") }) {
                    edits.notes.append(
                        "\(block.label): the mounted elasticsearch.yml now becomes opensearch.yml; remove xpack.* and other Elasticsearch-only settings from it."
                    )
                }
            }
            if from.version.major < 2 || fromElasticsearch, to.major >= 2 {
                for entry in entries where entry.key == "compatibility.override_main_response_version" {
                    edits.commentOut(entry, because: "OpenSearch 2.0 removed this setting")
                }
            }
            if to.major >= 2 {
                if keys.contains("cluster.initial_master_nodes") {
                    edits.notes.append(
                        "\(block.label): cluster.initial_master_nodes still works on OpenSearch \(to.major).x but is deprecated; rename it cluster.initial_cluster_manager_nodes when convenient."
                    )
                }
                if keys.contains("node.master") {
                    edits.notes.append("\(block.label): node.master is deprecated on OpenSearch \(to.major).x; use node.roles.")
                }
            }
            let securityOff =
                entries.contains {
                    ($0.key == "DISABLE_SECURITY_PLUGIN" || $0.key == "plugins.security.disabled") && $0.value == "true"
                }
                || entries.contains { $0.key == "DISABLE_INSTALL_DEMO_CONFIG" && $0.value == "true" }
                || keys.contains("OPENSEARCH_INITIAL_ADMIN_PASSWORD")
            if !securityOff && !disableSecurity && from.version < SemanticVersion(2, 12, 0) && to >= SemanticVersion(2, 12, 0) {
                edits.notes.append(
                    "\(block.label): OpenSearch 2.12 and later install the demo security configuration only with OPENSEARCH_INITIAL_ADMIN_PASSWORD set; set it (from a secret, not in this file) or DISABLE_INSTALL_DEMO_CONFIG=true with your own certificates."
                )
            }
        }

        private mutating func rewriteDashboards(_ block: ComposeFileLines.Block) {
            let entries = block.environment?.entries ?? []
            let keys = Set(entries.map(\.key))
            for entry in entries {
                if let newKey = ComposeRewriter.dashboardsRenames[entry.key] {
                    if entry.key == "ELASTICSEARCH_URL" && keys.contains("ELASTICSEARCH_HOSTS") || keys.contains(newKey) {
                        edits.commentOut(entry, because: "\(newKey) carries the hosts")
                    } else {
                        edits.rename(entry, to: newKey)
                    }
                } else if entry.key.hasPrefix("XPACK_") {
                    edits.commentOut(entry, because: "OpenSearch Dashboards has no X-Pack")
                }
            }
            if disableSecurity { edits.add([("DISABLE_SECURITY_DASHBOARDS_PLUGIN", "true")], to: block) }
            edits.rewritePaths(ComposeRewriter.dashboardsPaths, in: block)
            if block.body.contains(where: { edits.lines[$0].contains("/config/opensearch_dashboards.yml") }) {
                edits.notes.append(
                    "\(block.label): the mounted kibana.yml now becomes opensearch_dashboards.yml; rename its elasticsearch.* settings to opensearch.*."
                )
            }
        }

        /// Notes that concern the whole file.
        mutating func closingNotes() {
            if disableSecurity && engineChanges {
                edits.notes.insert(
                    "\(from.displayName) had no OpenSearch security plugin: Tern set plugins.security.disabled=true and DISABLE_INSTALL_DEMO_CONFIG=true so clients keep plain HTTP without credentials; set up the security plugin, then remove them.",
                    at: 0)
            }
            if fromElasticsearch && engineChanges {
                edits.notes.append(
                    "Data volumes stay as they are: OpenSearch \(to) opens the data directory of \(from.displayName) in place; never run docker compose down -v."
                )
            }
        }
    }

    /// The value of an `image:` line: where it is, its text, its quotes.
    struct ImageValue {
        var range: Range<String.Index>
        var text: String

        func replacing(with reference: String, in line: String) -> String {
            var copy = line
            copy.replaceSubrange(range, with: reference)
            return copy
        }
    }

    static func imageValue(_ line: String) -> ImageValue? {
        guard let colon = line.range(of: "image:") else { return nil }
        var start = colon.upperBound
        while start < line.endIndex && line[start] == " " { start = line.index(after: start) }
        guard start < line.endIndex else { return nil }
        if line[start] == "\"" || line[start] == "'" {
            let quote = line[start]
            let valueStart = line.index(after: start)
            guard let close = line[valueStart...].firstIndex(of: quote) else { return nil }
            return ImageValue(range: valueStart..<close, text: String(line[valueStart..<close]))
        }
        var end = start
        while end < line.endIndex && !line[end].isWhitespace && line[end] != "#" { end = line.index(after: end) }
        guard end > start else { return nil }
        return ImageValue(range: start..<end, text: String(line[start..<end]))
    }
}
