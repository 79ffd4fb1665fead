import ArgumentParser

/// `tern snapshot`: read a snapshot repository directly, without a cluster.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Read a snapshot repository directly, in a folder or an object store: no cluster, no JVM.",
        discussion: """
            REPO is the repository's root folder (an fs repository's location, or a copy of a bucket), or the bucket \
            itself: s3://BUCKET/BASE_PATH, gs://BUCKET/BASE_PATH or azure://CONTAINER/BASE_PATH, where BASE_PATH is the \
            repository's base_path setting. Only the blobs needed are fetched, in ranges, over --connections requests \
            at once; Lucene files wait in --spill-dir while they are read.

            Credentials as each cloud's tools find them. S3: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, \
            AWS_PROFILE with ~/.aws/credentials and ~/.aws/config (role_arn with source_profile), AWS_ROLE_ARN with \
            AWS_WEB_IDENTITY_TOKEN_FILE, the container and instance metadata endpoints; AWS_REGION; AWS_ENDPOINT_URL_S3 or \
            AWS_ENDPOINT_URL for S3-compatible stores (path-style addressing for IP addresses and localhost). GCS: \
            GOOGLE_APPLICATION_CREDENTIALS (a service-account key), the metadata server, STORAGE_EMULATOR_HOST. Azure: \
            AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN. \
            A repositories: entry of tern.yml may set url, endpoint, region, path_style, profile, keys (${ENV} or \
            *_file) per repository; give its name as REPO.

            Repositories written by Elasticsearch 5.x-9.x and OpenSearch 1.x-3.x are read (OpenSearch shallow copies hold no segments and are refused); \
            documents come from the Lucene files of each shard, live documents only.
            """,
        subcommands: [SnapshotListCommand.self, SnapshotShowCommand.self, SnapshotDocsCommand.self]
    )
}
