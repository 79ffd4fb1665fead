import SnapshotReader
import TernCore

/// Reads the metadata a snapshot holds: templates and pipelines from its global metadata (present when the snapshot
/// included the global state), and the settings, mappings and aliases of each index.
public struct SnapshotMetadataReader: Sendable {
    public let repository: any RepositoryStorage
    public let snapshotName: String

    public init(repository: any RepositoryStorage, snapshotName: String) {
        self.repository = repository
        self.snapshotName = snapshotName
    }

    /// Reads a repository folder.
    public init(repositoryPath: String, snapshotName: String) throws {
        do {
            self.init(repository: try FolderStorage(path: repositoryPath), snapshotName: snapshotName)
        } catch {
            throw error.ternError
        }
    }

    /// - Parameter selection: which indices to read (templates are all read; the caller filters them).
    /// - Throws: `TernError` when the repository or a metadata file cannot be read.
    public func read(selection: IndexSelection) throws -> SourceMetadata {
        do {
            return try readMetadata(selection: selection)
        } catch {
            throw error.ternError
        }
    }

    private func readMetadata(selection: IndexSelection) throws(SnapshotReaderError) -> SourceMetadata {
        let repository = try SnapshotRepository(storage: self.repository)
        let snapshot = try repository.snapshot(named: snapshotName)
        var items: [MetadataItem] = []
        let notes: [String] = []
        var createdVersions: [ClusterVersion] = []
        let global = try repository.globalMetadata(snapshot)
        let meta = global["meta-data"] ?? global
        let streams = DataStream.all(fromSnapshotMetadata: meta)
        let backing = Set(streams.flatMap(\.backingIndices))
        for index in repository.data.indices(of: snapshot) where selection.selects(index.name) && !backing.contains(index.name) {
            let metadata = try repository.indexMetadata(index, in: snapshot)
            let settings = metadata.json["settings"] ?? .object([:])
            if let created = Self.createdVersion(settings) { createdVersions.append(created) }
            items.append(
                MetadataItem(
                    kind: .index, name: index.name,
                    body: .object([
                        "settings": settings, "mappings": MappingShape.restShape(metadata.json["mappings"]),
                        "aliases": metadata.json["aliases"] ?? .object([:]),
                    ])))
        }
        for (name, body) in meta["templates"]?.objectValue ?? [:] {
            var template = body.objectValue ?? [:]
            template["mappings"] = MappingShape.restShape(template["mappings"])
            items.append(MetadataItem(kind: .legacyTemplate, name: name, body: .object(template)))
        }
        for (name, body) in meta["index_template"]?["index_template"]?.objectValue ?? [:] {
            items.append(MetadataItem(kind: .indexTemplate, name: name, body: body))
        }
        for (name, body) in meta["component_template"]?["component_template"]?.objectValue ?? [:] {
            items.append(MetadataItem(kind: .componentTemplate, name: name, body: body))
        }
        for pipeline in meta["ingest"]?["pipeline"]?.arrayValue ?? [] {
            guard let id = pipeline["id"]?.stringValue, let config = pipeline["config"] else { continue }
            items.append(MetadataItem(kind: .pipeline, name: id, body: config))
        }
        // ILM policies in the cluster state's `index_lifecycle` custom: name -> {"policy": {...}, "headers", "version", ...}.
        for (name, entry) in meta["index_lifecycle"]?["policies"]?.objectValue ?? [:] {
            guard let policy = entry["policy"] else { continue }
            items.append(MetadataItem(kind: .ismPolicy, name: name, body: .object(["policy": policy])))
        }
        items += streams.filter { selection.selects($0.name) }.map(ClusterMetadataReader.item)
        // Persistent cluster settings, as the snapshot's global state keeps them (the runner carries them only when asked).
        for (key, value) in ClusterSettingsPolicy.flatten(meta["settings"]) { items.append(ClusterMetadataReader.settingItem(key, value)) }
        // 7.x+ repositories name the writing version in the catalogue (Elasticsearch 8.9+ as an index-version number);
        // older ones in the snapshot's own description.
        var writer = snapshot.indexVersionID.flatMap { ClusterVersion(indexVersionID: $0) }
        if writer == nil {
            var written = snapshot.version
            if written == nil { written = try repository.snapshotInfo(snapshot)["snapshot"]?["version"]?.stringValue }
            writer = written.flatMap { SemanticVersion($0) }.map { ClusterVersion(.elasticsearch, $0) }
        }
        let version = writer ?? createdVersions.max { $0.version < $1.version } ?? ClusterVersion(.elasticsearch, SemanticVersion(7, 10, 2))
        return SourceMetadata(version: Self.distinguishOpenSearch(version, created: createdVersions), items: items, notConvertible: notes)
    }

    /// The version that created an index, from `index.version.created` (flat or nested).
    package static func createdVersion(_ settings: JSONValue) -> ClusterVersion? {
        let text = settings["index.version.created"]?.stringValue ?? settings.value(at: "index.version.created")?.stringValue
        return text.flatMap(Int.init).flatMap { ClusterVersion(indexVersionID: $0) }
    }

    /// Snapshot infos carry a bare version number; OpenSearch's own index version ids tell its snapshots apart.
    static func distinguishOpenSearch(_ version: ClusterVersion, created: [ClusterVersion]) -> ClusterVersion {
        guard let newest = created.max(by: { $0.version < $1.version }), newest.distribution == .opensearch,
            version.distribution != .opensearch
        else { return version }
        return newest
    }
}
