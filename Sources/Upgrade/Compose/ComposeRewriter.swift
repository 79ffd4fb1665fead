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
        var lines = structure.lines
        let target = ClusterVersion(.opensearch, version)
        var notes: [String] = []

        // The images, and the product each block runs (its own image, or the image of a block it merges).
        var images: [Int: ComposeImage] = [:]
        for block in structure.blocks {
            if let line = block.imageLine, let value = Self.imageValue(lines[line]) {
                images[line] = ComposeImage(parsing: value.text)
            }
        }
        func product(of block: ComposeFileLines.Block, depth: Int = 0) -> ComposeImage.Product? {
            if let line = block.imageLine { return images[line]?.product }
            guard depth < 4 else { return nil }
            for anchor in block.merges {
                if let source = structure.blocks.first(where: { $0.anchor == anchor }), let found = product(of: source, depth: depth + 1) {
                    return found
                }
            }
            return nil
        }

        // The version the engine runs: one, readable.
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
        let engineChanges = !(from.distribution == .opensearch && from.version == version)
        if engineChanges {
            let step = CompatibilityRules.inPlaceStep(from: from, to: target, rolling: false)
            guard step.allowed else {
                throw TernError(.upgradeRefused, "\(step.reason) \(file) is unchanged.")
            }
        }
        let fromElasticsearch = from.distribution != .opensearch
        // Elasticsearch had no security plugin (OSS) or its own (X-Pack); OpenSearch enables its own with demo certificates.
        let disableSecurity = fromElasticsearch && from.distribution != .opendistro

        var replacements: [Int: String] = [:]
        var insertions: [Int: [String]] = [:]
        for block in structure.blocks {
            guard let kind = product(of: block) else { continue }
            // The image line.
            if let line = block.imageLine, let image = images[line], let value = Self.imageValue(lines[line]) {
                var reference: String?
                if kind == .opensearch || kind == .dashboards {
                    if let current = image.taggedVersion {
                        if current > version {
                            throw TernError(
                                .upgradeRefused,
                                "\(file) line \(line + 1) (\(block.label)) already runs \(image.repository):\(current), newer than \(version): Tern never downgrades in place; \(file) is unchanged."
                            )
                        }
                        if current != version { reference = image.with(tag: image.retagged(version)) }
                    } else {
                        notes.append(
                            "\(block.label): the tag of \(image.repository) is not a version (\(image.tag ?? "none")); Tern left it alone.")
                    }
                } else if kind.isEngine {
                    reference = "opensearchproject/opensearch:\(version)"
                } else {
                    reference = "opensearchproject/opensearch-dashboards:\(version)"
                }
                if let reference {
                    lines[line] = value.replacing(with: reference, in: lines[line])
                    replacements[line] = lines[line]
                    if let variable = image.tagVariable, image.variableDefaultRange != nil, kind == .opensearch || kind == .dashboards {
                        notes.append(
                            "\(block.label): the tag comes from ${\(variable)}; Tern changed its default to \(version): if .env sets \(variable), set it to \(version) there too."
                        )
                    }
                    if image.digest != nil {
                        notes.append("\(block.label): the image was pinned by digest; the digest was dropped (it names the old image).")
                    }
                }
            }
            let environment = block.environment
            if environment?.inline == true {
                notes.append("\(block.label): its environment is written inline or through an alias; Tern left it alone, check it by hand.")
            }
            let entries = environment?.entries ?? []
            let keys = Set(entries.map(\.key))
            func rename(_ entry: ComposeFileLines.EnvironmentEntry, to newKey: String) {
                var line = lines[entry.line]
                let start = line.index(line.startIndex, offsetBy: entry.keyOffset)
                let end = line.index(start, offsetBy: entry.key.count)
                line.replaceSubrange(start..<end, with: newKey)
                lines[entry.line] = line
                replacements[entry.line] = line
            }
            func commentOut(_ entry: ComposeFileLines.EnvironmentEntry, because reason: String) {
                let line = lines[entry.line]
                let body = line.dropFirst(entry.indent.count)
                lines[entry.line] = "\(entry.indent)# \(body)  # removed by tern upgrade: \(reason)"
                replacements[entry.line] = lines[entry.line]
            }
            func add(_ additions: [(String, String)]) {
                let missing = additions.filter { !keys.contains($0.0) }
                guard !missing.isEmpty else { return }
                guard let environment, !environment.inline, let last = environment.entries.last else {
                    notes.append(
                        "\(block.label): add \(missing.map { "\($0.0)=\($0.1)" }.joined(separator: " and ")) to its environment (Tern found no environment list to extend)."
                    )
                    return
                }
                insertions[last.line, default: []] += missing.map { key, value in
                    last.style == .list ? "\(last.indent)- \(key)=\(value)" : "\(last.indent)\(key): \"\(value)\""
                }
            }

            if kind.isEngine && engineChanges {
                if kind.isElasticsearchLine {
                    for entry in entries {
                        if let newKey = Self.engineRenames[entry.key] {
                            rename(entry, to: newKey)
                        } else if entry.key.hasPrefix("xpack.") {
                            commentOut(entry, because: "OpenSearch has no X-Pack")
                        } else if entry.key.hasPrefix("opendistro_security.") {
                            rename(entry, to: "plugins.security." + entry.key.dropFirst("opendistro_security.".count))
                        }
                    }
                    if disableSecurity {
                        add([("plugins.security.disabled", "true"), ("DISABLE_INSTALL_DEMO_CONFIG", "true")])
                    }
                    rewritePaths(Self.enginePaths, in: block, lines: &lines, replacements: &replacements)
                    if block.body.contains(where: { lines[$0].contains("/usr/share/opensearch/config/opensearch.yml") }) {
                        notes.append(
                            "\(block.label): the mounted elasticsearch.yml now becomes opensearch.yml; remove xpack.* and other Elasticsearch-only settings from it."
                        )
                    }
                }
                if from.version.major < 2 || fromElasticsearch, version.major >= 2 {
                    for entry in entries where entry.key == "compatibility.override_main_response_version" {
                        commentOut(entry, because: "OpenSearch 2.0 removed this setting")
                    }
                }
                if version.major >= 2 {
                    if keys.contains("cluster.initial_master_nodes") {
                        notes.append(
                            "\(block.label): cluster.initial_master_nodes still works on OpenSearch \(version.major).x but is deprecated; rename it cluster.initial_cluster_manager_nodes when convenient."
                        )
                    }
                    if keys.contains("node.master") {
                        notes.append("\(block.label): node.master is deprecated on OpenSearch \(version.major).x; use node.roles.")
                    }
                }
                let securityOff =
                    entries.contains {
                        ($0.key == "DISABLE_SECURITY_PLUGIN" || $0.key == "plugins.security.disabled") && $0.value == "true"
                    }
                    || entries.contains { $0.key == "DISABLE_INSTALL_DEMO_CONFIG" && $0.value == "true" }
                    || keys.contains("OPENSEARCH_INITIAL_ADMIN_PASSWORD")
                if !securityOff && !disableSecurity && from.version < SemanticVersion(2, 12, 0) && version >= SemanticVersion(2, 12, 0) {
                    notes.append(
                        "\(block.label): OpenSearch 2.12 and later install the demo security configuration only with OPENSEARCH_INITIAL_ADMIN_PASSWORD set; set it (from a secret, not in this file) or DISABLE_INSTALL_DEMO_CONFIG=true with your own certificates."
                    )
                }
            }
            if !kind.isEngine && kind.isElasticsearchLine {
                for entry in entries {
                    if let newKey = Self.dashboardsRenames[entry.key] {
                        if entry.key == "ELASTICSEARCH_URL" && keys.contains("ELASTICSEARCH_HOSTS") || keys.contains(newKey) {
                            commentOut(entry, because: "\(newKey) carries the hosts")
                        } else {
                            rename(entry, to: newKey)
                        }
                    } else if entry.key.hasPrefix("XPACK_") {
                        commentOut(entry, because: "OpenSearch Dashboards has no X-Pack")
                    }
                }
                if disableSecurity { add([("DISABLE_SECURITY_DASHBOARDS_PLUGIN", "true")]) }
                rewritePaths(Self.dashboardsPaths, in: block, lines: &lines, replacements: &replacements)
                if block.body.contains(where: { lines[$0].contains("/config/opensearch_dashboards.yml") }) {
                    notes.append(
                        "\(block.label): the mounted kibana.yml now becomes opensearch_dashboards.yml; rename its elasticsearch.* settings to opensearch.*."
                    )
                }
            }
        }
        if disableSecurity && engineChanges {
            notes.insert(
                "\(from.displayName) had no OpenSearch security plugin: Tern set plugins.security.disabled=true and DISABLE_INSTALL_DEMO_CONFIG=true so clients keep plain HTTP without credentials; set up the security plugin, then remove them.",
                at: 0)
        }
        if fromElasticsearch && engineChanges {
            notes.append(
                "Data volumes stay as they are: OpenSearch \(version) opens the data directory of \(from.displayName) in place; never run docker compose down -v."
            )
        }

        // Reassemble: changed lines, inserted lines, the original line endings.
        var output: [String] = []
        for (index, line) in lines.enumerated() {
            output.append(line + (carriageReturns[index] ? "\r" : ""))
            for inserted in insertions[index] ?? [] { output.append(inserted + (crlf ? "\r" : "")) }
        }
        let rewritten = output.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
        return ComposeRewrite(from: from, to: target, original: text, text: rewritten, notes: notes)
    }

    private func rewritePaths(
        _ paths: [(String, String)], in block: ComposeFileLines.Block, lines: inout [String], replacements: inout [Int: String]
    ) {
        for index in block.body where ComposeFileLines.isContent(lines[index]) {
            var line = lines[index]
            for (old, new) in paths where line.contains(old) {
                line = line.replacingOccurrences(of: old, with: new)
            }
            if line != lines[index] {
                lines[index] = line
                replacements[index] = line
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
