import TernCore

/// Who a cluster is: name, distribution and version, how it was recognised.
public struct ClusterInfo: Sendable, Codable, Equatable {
    public var clusterName: String
    public var clusterUUID: String?
    public var version: ClusterVersion
    /// The version `GET /` reported, when it differs from the real one (OpenSearch answering as 7.10.2).
    public var reportedVersion: String?
    /// OpenSearch with `compatibility.override_main_response_version` on: it answers `GET /` as Elasticsearch 7.10.2.
    public var compatibilityModeEnabled: Bool
    public var hosting: Hosting
    /// The build flavour Elasticsearch reported (`oss`, `default`), when it did.
    public var buildFlavor: String?
    public var tagline: String?

    public init(
        clusterName: String, clusterUUID: String?, version: ClusterVersion, reportedVersion: String? = nil,
        compatibilityModeEnabled: Bool = false, hosting: Hosting = .selfManaged, buildFlavor: String? = nil,
        tagline: String? = nil
    ) {
        self.clusterName = clusterName
        self.clusterUUID = clusterUUID
        self.version = version
        self.reportedVersion = reportedVersion
        self.compatibilityModeEnabled = compatibilityModeEnabled
        self.hosting = hosting
        self.buildFlavor = buildFlavor
        self.tagline = tagline
    }
}
