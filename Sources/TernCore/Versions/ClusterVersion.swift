import Foundation

/// What a cluster runs: its distribution and the version of its engine.
///
/// For Open Distro the version is the Elasticsearch engine version it ships (Open Distro 1.13.2 runs Elasticsearch 7.10.2);
/// `productVersion` keeps the Open Distro number when it is known.
public struct ClusterVersion: Sendable, Hashable, Codable, CustomStringConvertible {
    public var distribution: Distribution
    public var version: SemanticVersion
    public var productVersion: SemanticVersion?

    public init(_ distribution: Distribution, _ version: SemanticVersion, productVersion: SemanticVersion? = nil) {
        self.distribution = distribution
        self.version = version
        self.productVersion = productVersion
    }

    /// Parses `DISTRIBUTION:VERSION` as given to `--source-version` (`elasticsearch:7.10.2`, `opensearch:2.19.1`, `odfe:1.13.2`).
    /// - Throws: a `TernError` of kind `.invalidArgument` that names the value and the accepted forms.
    public init(parsing text: String, flag: String) throws {
        let pieces = text.split(separator: ":", maxSplits: 1).map(String.init)
        let accepted =
            "write DISTRIBUTION:VERSION, for example elasticsearch-oss:7.10.2, elasticsearch:8.15.0 or opensearch:2.19.1 (distributions: \(Distribution.allCases.map(\.rawValue).joined(separator: ", ")))"
        guard pieces.count == 2 else {
            throw TernError(.invalidArgument, "\(flag) '\(text)' has no distribution; \(accepted).")
        }
        guard let distribution = Distribution(name: pieces[0]) else {
            throw TernError(.invalidArgument, "\(flag) '\(text)' names an unknown distribution '\(pieces[0])'; \(accepted).")
        }
        guard let version = SemanticVersion(pieces[1]) else {
            throw TernError(.invalidArgument, "\(flag) '\(text)' has no readable version '\(pieces[1])'; \(accepted).")
        }
        if distribution == .opendistro && version.major < 5 {
            guard let engine = ClusterVersion.elasticsearchVersion(ofOpenDistro: version) else {
                throw TernError(
                    .invalidArgument,
                    "\(flag) '\(text)' is not an Open Distro release Tern knows (0.7 to 1.13); give the Elasticsearch version it runs instead, for example opendistro:7.10.2."
                )
            }
            self.init(.opendistro, engine, productVersion: version)
        } else {
            self.init(distribution, version)
        }
    }

    public var description: String { "\(distribution.rawValue):\(version)" }

    /// "OpenSearch 2.19.1", "Elasticsearch OSS 7.10.2", "Open Distro for Elasticsearch 1.13.2 (Elasticsearch 7.10.2)".
    public var displayName: String {
        if let productVersion {
            return "\(distribution.displayName) \(productVersion) (Elasticsearch \(version))"
        }
        return "\(distribution.displayName) \(version)"
    }

    /// The index-format generation, on one scale for both product lines, so that "the target reads indices of the previous
    /// generation only" is one comparison. OpenSearch 1.x forked Elasticsearch 7.10.2, so it shares generation 7 with it
    /// and reads 6.x indices; OpenSearch 2.x is 8 and reads 7.x / OpenSearch 1.x indices; OpenSearch 3.x is 9 and reads 2.x.
    public var indexGeneration: Int {
        distribution == .opensearch ? version.major + 6 : version.major
    }

    /// Whether the cluster is on the open-source line that OpenSearch continues: OpenSearch itself, Open Distro,
    /// and Elasticsearch up to 7.10.2 (7.11 and later are not open source and diverged).
    public var isOnOpenSearchLine: Bool {
        distribution == .opensearch || version <= SemanticVersion(7, 10, 2)
    }

    /// The oldest index generation this version can open: the previous generation.
    public var oldestReadableIndexGeneration: Int { indexGeneration - 1 }

    /// Open Distro releases and the Elasticsearch versions they ship.
    static let openDistroEngines: [(odfe: SemanticVersion, es: SemanticVersion)] = [
        (SemanticVersion(0, 7), SemanticVersion(6, 5, 4)), (SemanticVersion(0, 8), SemanticVersion(6, 6, 2)),
        (SemanticVersion(0, 9), SemanticVersion(6, 7, 1)), (SemanticVersion(0, 10), SemanticVersion(6, 8, 1)),
        (SemanticVersion(1, 0), SemanticVersion(7, 0, 1)), (SemanticVersion(1, 1), SemanticVersion(7, 1, 1)),
        (SemanticVersion(1, 2), SemanticVersion(7, 2, 0)), (SemanticVersion(1, 3), SemanticVersion(7, 3, 2)),
        (SemanticVersion(1, 4), SemanticVersion(7, 4, 2)), (SemanticVersion(1, 6), SemanticVersion(7, 6, 1)),
        (SemanticVersion(1, 7), SemanticVersion(7, 6, 1)), (SemanticVersion(1, 8), SemanticVersion(7, 7, 0)),
        (SemanticVersion(1, 9), SemanticVersion(7, 8, 0)), (SemanticVersion(1, 10), SemanticVersion(7, 9, 1)),
        (SemanticVersion(1, 11), SemanticVersion(7, 9, 1)), (SemanticVersion(1, 12), SemanticVersion(7, 10, 0)),
        (SemanticVersion(1, 13), SemanticVersion(7, 10, 2)),
    ]

    static func elasticsearchVersion(ofOpenDistro version: SemanticVersion) -> SemanticVersion? {
        openDistroEngines.first { $0.odfe.major == version.major && $0.odfe.minor == version.minor }?.es
    }
}

extension ClusterVersion {
    /// Decodes `index.version.created`: Elasticsearch writes `major*1000000 + minor*10000 + revision*100 + build`;
    /// OpenSearch sets bit 27 on the same encoding to tell its versions apart.
    public init?(indexVersionID id: Int) {
        guard id > 0 else { return nil }
        let openSearchMask = 0x0800_0000
        let isOpenSearch = id & openSearchMask != 0
        let raw = isOpenSearch ? id ^ openSearchMask : id
        let major = raw / 1_000_000
        var minor = (raw / 10_000) % 100
        var revision = (raw / 100) % 100
        // Elasticsearch 8.11+ numbers index versions on their own scale (8_500_000 and up, 9_000_000 and up for 9.x):
        // only the major is meaningful.
        if !isOpenSearch && ((major == 8 && minor >= 50) || major >= 9) {
            minor = 0
            revision = 0
        }
        self.init(isOpenSearch ? .opensearch : .elasticsearch, SemanticVersion(major, minor, revision))
    }
}
