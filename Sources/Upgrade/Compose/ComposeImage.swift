import TernCore

/// An image reference in a Compose file (`opensearchproject/opensearch:2.11.1`, `docker.elastic.co/kibana/kibana-oss:7.10.2`,
/// `opensearchproject/opensearch:${OS_VERSION:-1.3.19}`), and which product it runs.
public struct ComposeImage: Sendable, Equatable {
    public enum Product: String, Sendable {
        case opensearch, dashboards
        case elasticsearchOSS = "elasticsearch-oss"
        case elasticsearch
        case opendistro
        case kibanaOSS = "kibana-oss"
        case kibana
        case opendistroKibana = "opendistro-kibana"

        /// Whether the image runs the search engine (as opposed to the web interface).
        public var isEngine: Bool { [.opensearch, .elasticsearchOSS, .elasticsearch, .opendistro].contains(self) }
        /// Whether it belongs to the Elasticsearch line (and becomes an OpenSearch image).
        public var isElasticsearchLine: Bool { self != .opensearch && self != .dashboards }
    }

    /// Everything before the tag (`opensearchproject/opensearch`).
    public var repository: String
    /// The tag as written (`2.11.1`, `${OS_VERSION:-1.3.19}`), nil when there is none.
    public var tag: String?
    /// `@sha256:...` when the reference pins a digest.
    public var digest: String?
    public var product: Product?

    public init(parsing reference: String) {
        var text = Substring(reference)
        if let at = text.firstIndex(of: "@") {
            digest = String(text[at...])
            text = text[..<at]
        }
        // The tag starts at the first `:` after the last `/` that is not inside `${...}`.
        var depth = 0
        var colon: String.Index?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "$", text[text.index(after: index)...].hasPrefix("{") {
                depth += 1
            } else if character == "}" && depth > 0 {
                depth -= 1
            } else if depth == 0 && character == "/" {
                colon = nil
            } else if depth == 0 && character == ":" && colon == nil {
                colon = index
            }
            index = text.index(after: index)
        }
        if let colon {
            repository = String(text[..<colon])
            tag = String(text[text.index(after: colon)...])
        } else {
            repository = String(text)
            tag = nil
        }
        product = Self.product(of: repository)
    }

    /// The reference with another repository and tag (a digest pins the old image, so it is dropped).
    public func with(repository: String? = nil, tag: String) -> String {
        "\(repository ?? self.repository):\(tag)"
    }

    /// The version the tag names: a plain version, or the default of `${VAR:-version}`.
    public var taggedVersion: SemanticVersion? {
        guard let tag else { return nil }
        if let version = SemanticVersion(tag), version.precision == 3 { return version }
        if let range = variableDefaultRange, let version = SemanticVersion(String(tag[range])), version.precision == 3 {
            return version
        }
        return nil
    }

    /// Where the version sits in `${VAR:-version}`.
    var variableDefaultRange: Range<String.Index>? {
        guard let tag, tag.hasPrefix("${"), tag.hasSuffix("}"), let marker = tag.range(of: ":-") else { return nil }
        return marker.upperBound..<tag.index(before: tag.endIndex)
    }

    /// The variable a tag comes from (`OS_VERSION`), when it does.
    var tagVariable: String? {
        guard let tag, tag.hasPrefix("${") else { return nil }
        let inner = tag.dropFirst(2).prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return inner.isEmpty ? nil : String(inner)
    }

    /// The tag with its version replaced (keeping a `${VAR:-...}` wrapper).
    func retagged(_ version: SemanticVersion) -> String {
        if let tag, let range = variableDefaultRange {
            var copy = tag
            copy.replaceSubrange(range, with: version.description)
            return copy
        }
        return version.description
    }

    /// The cluster version the image runs, when its tag names one.
    var clusterVersion: ClusterVersion? {
        guard let product, product.isEngine, let version = taggedVersion else { return nil }
        switch product {
        case .opensearch: return ClusterVersion(.opensearch, version)
        case .elasticsearchOSS: return ClusterVersion(.elasticsearchOSS, version)
        case .elasticsearch: return ClusterVersion(.elasticsearch, version)
        case .opendistro: return try? ClusterVersion(parsing: "opendistro:\(version)", flag: "image")
        default: return nil
        }
    }

    static func product(of repository: String) -> Product? {
        let parts = repository.lowercased().split(separator: "/").map(String.init)
        guard let name = parts.last else { return nil }
        let owner = parts.count >= 2 ? parts[parts.count - 2] : ""
        switch name {
        case "opensearch": return owner == "opensearchproject" ? .opensearch : nil
        case "opensearch-dashboards": return owner == "opensearchproject" ? .dashboards : nil
        case "elasticsearch-oss": return .elasticsearchOSS
        case "elasticsearch": return owner == "elasticsearch" || parts.count == 1 || owner == "library" ? .elasticsearch : nil
        case "opendistro-for-elasticsearch": return .opendistro
        case "opendistro-for-elasticsearch-kibana": return .opendistroKibana
        case "kibana-oss": return .kibanaOSS
        case "kibana": return owner == "kibana" || parts.count == 1 || owner == "library" ? .kibana : nil
        default: return nil
        }
    }
}
