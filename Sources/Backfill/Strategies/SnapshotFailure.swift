import SearchClient
import SnapshotReader
import TernCore

/// Turns refusals of the snapshot and restore APIs into one sentence each.
enum SnapshotFailure {
    /// - Parameters:
    ///   - action: what was asked, for the fallback sentence (`register repository tern-migration`).
    ///   - cluster: the cluster's display name.
    static func translate(
        _ response: SearchResponse, action: String, cluster: String, options: SnapshotRestoreOptions, snapshot: String
    ) -> TernError {
        let text = String(decoding: response.bytes, as: UTF8.self)
        let summary = "HTTP \(response.status)\(response.errorSummary.map { ": \($0)" } ?? "")"
        let location = options.repositoryLocation
        let repository = options.repository
        if let url = options.objectStore,
            let sentence = objectStoreSentence(text, url: url, summary: summary, cluster: cluster, options: options)
        {
            return sentence
        }
        if text.contains("doesn't match any of the locations specified by path.repo") {
            return TernError(
                .snapshotRepository,
                "The \(cluster) cannot use \(location) for snapshot repository \(repository) because its path.repo does not list it: add \(location) (or a folder above it) to path.repo in elasticsearch.yml / opensearch.yml on every node of both clusters, with the same shared filesystem mounted there, and restart the nodes (path.repo is a static setting), then run again."
            )
        }
        if text.contains("repository_verification_exception") || text.contains("is not shared") {
            return TernError(
                .snapshotRepository,
                "The \(cluster) could not verify snapshot repository \(repository) at \(location) (\(summary)): every node of both clusters must mount the same shared filesystem at \(location) and be allowed to write to it; fix the mount or permissions, then run again."
            )
        }
        if text.contains("snapshot with the same name already exists")
            || text.contains("snapshot with the same name is already in-progress")
        {
            return TernError(
                .snapshotFailed,
                "Snapshot \(snapshot) already exists in repository \(repository) on the \(cluster): choose another snapshot name, or leave it out so Tern generates one, then run again."
            )
        }
        if text.contains("concurrent_snapshot_execution_exception") {
            return TernError(
                .snapshotFailed,
                "The \(cluster) is already taking or deleting another snapshot (\(summary)); wait until it finishes (GET _snapshot/_status), then run again."
            )
        }
        if let match = text.firstMatch(of: #/cannot restore index \[([^\]]+)\] because an open index with same name already exists/#) {
            let name = String(match.output.1)
            return TernError(
                .snapshotFailed,
                "Index \(name) already exists on the \(cluster), so the snapshot cannot be restored into it: delete it (DELETE /\(name)) or restore under another name with --rename, then run again."
            )
        }
        if text.contains("snapshot_missing_exception") {
            return TernError(
                .snapshotRepository,
                "The \(cluster) does not find snapshot \(snapshot) in repository \(repository) at \(location) (\(summary)): the location must be one filesystem shared by both clusters, not a folder of the same name on each; fix the mount, then run again."
            )
        }
        if text.contains("snapshot_restore_exception")
            && (text.contains("version")
                && (text.contains("higher than") || text.contains("minimum compatible") || text.contains("created with")))
        {
            return TernError(
                .incompatibleVersions,
                "The \(cluster) cannot restore snapshot \(snapshot) because of the index or snapshot version (\(summary)); snapshots restore only into the same or the next major version, so copy the documents instead (remote reindex or Tern's document copy)."
            )
        }
        return TernError(.snapshotFailed, "The \(cluster) could not \(action) (\(summary)); fix the cause and run again.")
    }

    /// What an object-store repository needs on every node when registering or verifying it fails: the plugin that
    /// provides its type, and the client's credentials in the keystore.
    static func objectStoreSentence(_ text: String, url: RepositoryURL, summary: String, cluster: String, options: SnapshotRestoreOptions)
        -> TernError?
    {
        let type = url.kind.repositoryType
        let client = options.repositoryClient
        if text.contains("repository type [\(type)] does not exist") || text.contains("Unknown [repository] type [\(type)]") {
            return TernError(
                .snapshotRepository,
                "The \(cluster) has no \(type) repository type: install the \(url.kind.plugin) plugin on every node (bin/opensearch-plugin install \(url.kind.plugin), or elasticsearch-plugin on Elasticsearch before 8, where it is built in), restart the nodes, then run again."
            )
        }
        guard
            text.contains("repository_verification_exception") || text.contains("repository_exception") || text.contains("AccessDenied")
                || text.contains("credentials")
        else { return nil }
        let keystore: String
        switch url.kind {
        case .s3:
            keystore =
                "s3.client.\(client).access_key and s3.client.\(client).secret_key (or an instance or pod role), and s3.client.\(client).endpoint for an S3-compatible store"
        case .gcs:
            keystore = "gcs.client.\(client).credentials_file (a service-account key file)"
        case .azure:
            keystore = "azure.client.\(client).account with azure.client.\(client).key or azure.client.\(client).sas_token"
        }
        return TernError(
            .snapshotRepository,
            "The \(cluster) could not use \(url) as snapshot repository \(options.repository) (\(summary)): every node needs the bucket's credentials in its keystore — \(keystore) — then POST _nodes/reload_secure_settings (or a restart); check that the bucket exists where the client points, then run again."
        )
    }
}
