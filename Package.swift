// swift-tools-version:6.2
import PackageDescription

// The data path (JSON scanning, Lucene decoding, bulk bodies, digests) is tested at volume: unoptimised it is about ten
// times slower, and the test suite spends most of its time there. Debug builds optimise these modules; everything else,
// and their debug information, stays as a debug build.
let dataPath: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "tern",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tern", targets: ["tern"]),
        .library(name: "TernCore", targets: ["TernCore"]),
        .library(name: "SearchClient", targets: ["SearchClient"]),
        .library(name: "SnapshotReader", targets: ["SnapshotReader"]),
        .library(name: "ObjectStore", targets: ["ObjectStore"]),
        .library(name: "State", targets: ["State"]),
        .library(name: "Compatibility", targets: ["Compatibility"]),
        .library(name: "Metadata", targets: ["Metadata"]),
        .library(name: "Coordination", targets: ["Coordination"]),
        .library(name: "Backfill", targets: ["Backfill"]),
        .library(name: "Validation", targets: ["Validation"]),
        .library(name: "Capture", targets: ["Capture"]),
        .library(name: "Orchestration", targets: ["Orchestration"]),
        .library(name: "Upgrade", targets: ["Upgrade"]),
        .library(name: "Replication", targets: ["Replication"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // Shared vocabulary: versions, configuration, errors with a user-facing sentence and an exit code.
        .target(
            name: "TernCore",
            dependencies: [
                .target(name: "CMalloc", condition: .when(platforms: [.linux])),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: dataPath
        ),
        // One cluster over HTTP: auth, TLS, retries, version detection, cluster facts.
        .target(
            name: "SearchClient",
            dependencies: [
                "TernCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: dataPath
        ),
        // System zlib for DEFLATE (Foundation on Linux has no zlib API).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // glibc's mallopt, for AllocatorTuning (Swift's Glibc module does not export <malloc.h>).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // Snapshot repositories and Lucene files read directly: no cluster, no JVM.
        .target(
            name: "SnapshotReader",
            dependencies: ["TernCore", "CZlib"],
            swiftSettings: dataPath
        ),
        // Snapshot repositories in S3, GCS and Azure Blob, read in place: credentials the way each cloud configures
        // them, ranged GETs with retries, a spill folder for the files the Lucene reader maps.
        .target(
            name: "ObjectStore",
            dependencies: [
                "TernCore", "SnapshotReader", "SearchClient", "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The state store: SQLite (WAL) in the workspace folder and its schema; one store per process, passed in.
        // Each record type and its queries belong to the module that writes them.
        .target(
            name: "State",
            dependencies: ["TernCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Which path leads from one version to another: compatibility rules, the strategy advisor, `tern check`.
        .target(
            name: "Compatibility",
            dependencies: ["TernCore", "SearchClient", .product(name: "Logging", package: "swift-log")]
        ),
        // Templates, settings, mappings, aliases and pipelines: read, transformed per version, compared, created.
        .target(
            name: "Metadata",
            dependencies: [
                "TernCore", "SearchClient", "SnapshotReader",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Workers of a shared backfill coordinating through documents of a cluster: plan, items, leases.
        .target(
            name: "Coordination",
            dependencies: ["TernCore", "SearchClient", .product(name: "Logging", package: "swift-log")]
        ),
        // Copying every document: units, the runner, ndjson files, fast-load, server-side strategies, shared backfills.
        .target(
            name: "Backfill",
            dependencies: [
                "TernCore", "SearchClient", "SnapshotReader", "State", "Compatibility", "Metadata", "Coordination", "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: dataPath
        ),
        // Proving the target equals the source: digests, partitions, metadata and query parity, repair.
        .target(
            name: "Validation",
            dependencies: [
                "TernCore", "SearchClient", "State", "Metadata",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: dataPath
        ),
        // Keeping the target in sync: the capture proxy (SwiftNIO), the durable capture log, the replayer.
        .target(
            name: "Capture",
            dependencies: [
                "TernCore",
                "SearchClient",
                "State",
                "Metadata",
                "Validation",
                "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: dataPath
        ),
        // The blue-green run sequenced: migrate, cut over, roll back, decommission, each step persisted and resumable.
        .target(
            name: "Orchestration",
            dependencies: [
                "TernCore",
                "SearchClient",
                "State",
                "Compatibility",
                "Metadata",
                "Backfill",
                "Validation",
                "Capture",
                "Replication",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // In-place upgrades: the plan, the rolling and restart sequences, Docker Compose files.
        .target(
            name: "Upgrade",
            dependencies: [
                "TernCore",
                "SearchClient",
                "Compatibility",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Cross-cluster replication between OpenSearch clusters: the plan, the followers, their lag.
        .target(
            name: "Replication",
            dependencies: [
                "TernCore",
                "SearchClient",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The command line: parses arguments and prints, nothing more.
        .executableTarget(
            name: "tern",
            dependencies: [
                "TernCore",
                "SearchClient",
                "SnapshotReader",
                "ObjectStore",
                "State",
                "Compatibility",
                "Metadata",
                "Backfill",
                "Coordination",
                "Validation",
                "Capture",
                "Orchestration",
                "Upgrade",
                "Replication",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Real servers for tests: osmem-server instances and a misbehaving HTTP server, on free loopback ports.
        .target(
            name: "TernTestSupport",
            dependencies: [
                "TernCore", "SearchClient", .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Tests/TernTestSupport",
            exclude: [
                "faulty_server.py", "fault_proxy.py", "recorded_server.py", "object_store_server.py", "azure_blob_server.py",
                "object_store_fault_proxy.py", "aws_metadata_server.py", "google_token_server.py", "loopback_server.py",
            ],
            swiftSettings: dataPath
        ),
        .testTarget(name: "TernCoreTests", dependencies: ["TernCore", "TernTestSupport"]),
        .testTarget(name: "SearchClientTests", dependencies: ["SearchClient", "TernTestSupport"]),
        .testTarget(name: "SnapshotReaderTests", dependencies: ["SnapshotReader", "TernTestSupport"]),
        .testTarget(
            name: "ObjectStoreTests", dependencies: ["ObjectStore", "SnapshotReader", "SearchClient", "TernCore", "TernTestSupport"]),
        .testTarget(
            name: "StateTests",
            dependencies: ["State", "Backfill", "TernTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "CompatibilityTests", dependencies: ["Compatibility", "TernTestSupport"]),
        .testTarget(name: "MetadataTests", dependencies: ["Metadata", "TernTestSupport"]),
        .testTarget(name: "BackfillTests", dependencies: ["Backfill", "TernTestSupport"]),
        .testTarget(name: "CoordinationTests", dependencies: ["Coordination", "SearchClient", "TernCore", "TernTestSupport"]),
        .testTarget(
            name: "ValidationTests",
            dependencies: ["Validation", "TernTestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "State", "TernTestSupport"]),
        .testTarget(
            name: "OrchestrationTests",
            dependencies: ["Orchestration", "State", "TernTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "UpgradeTests", dependencies: ["Upgrade", "Compatibility", "TernTestSupport"]),
        .testTarget(name: "ReplicationTests", dependencies: ["Replication", "SearchClient", "TernCore", "TernTestSupport"]),
        .testTarget(
            name: "TernCommandTests",
            dependencies: ["TernCore", "Compatibility", "Backfill", "Capture", "Metadata", "Validation", "Upgrade", "TernTestSupport"]
        ),
    ]
)
