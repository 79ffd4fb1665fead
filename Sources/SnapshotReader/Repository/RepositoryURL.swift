/// A repository given as a URL: `s3://BUCKET/BASE_PATH`, `gs://BUCKET/BASE_PATH` or `azure://CONTAINER/BASE_PATH`, where
/// `BASE_PATH` is the repository's `base_path` setting. Anything else is a folder.
public struct RepositoryURL: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case s3
        case gcs = "gs"
        case azure

        /// The repository type a cluster registers (`PUT _snapshot/NAME` with `"type"`), and the plugin that provides it.
        public var repositoryType: String {
            switch self {
            case .s3: "s3"
            case .gcs: "gcs"
            case .azure: "azure"
            }
        }

        public var plugin: String { "repository-\(repositoryType)" }
    }

    public var kind: Kind
    /// The bucket (S3, GCS) or container (Azure).
    public var bucket: String
    /// The repository's `base_path` inside the bucket, without leading or trailing `/` (empty at the bucket's root).
    public var basePath: String

    public init(kind: Kind, bucket: String, basePath: String) {
        self.kind = kind
        self.bucket = bucket
        self.basePath = basePath.split(separator: "/").joined(separator: "/")
    }

    public var description: String { "\(kind.rawValue)://\(bucket)" + (basePath.isEmpty ? "" : "/\(basePath)") }

    /// Whether `text` names an object store (has a `scheme://`); a plain path does not.
    public static func isURL(_ text: String) -> Bool { text.contains("://") }

    /// Parses `text`, or nil when it is a plain path.
    /// - Throws: for a URL of another scheme, or without a bucket.
    public static func parse(_ text: String) throws(SnapshotReaderError) -> RepositoryURL? {
        guard let separator = text.range(of: "://") else { return nil }
        let scheme = text[..<separator.lowerBound].lowercased()
        let rest = text[separator.upperBound...]
        let kind: Kind
        switch scheme {
        case "s3": kind = .s3
        case "gs", "gcs": kind = .gcs
        case "azure", "az": kind = .azure
        default:
            throw SnapshotReaderError.invalidInput(
                "\(text) is not a repository Tern can read: use a folder, s3://BUCKET/BASE_PATH, gs://BUCKET/BASE_PATH or azure://CONTAINER/BASE_PATH."
            )
        }
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bucket = parts.first, !bucket.isEmpty else {
            throw SnapshotReaderError.invalidInput(
                "\(text) names no \(kind == .azure ? "container" : "bucket"): write \(scheme)://\(kind == .azure ? "CONTAINER" : "BUCKET")/BASE_PATH."
            )
        }
        let basePath = parts.count > 1 ? String(parts[1]) : ""
        guard !basePath.split(separator: "/").contains("..") else {
            throw SnapshotReaderError.invalidInput("\(text): a base path cannot contain '..'.")
        }
        return RepositoryURL(kind: kind, bucket: String(bucket), basePath: basePath)
    }

    /// The key of `relative` (a repository path that may climb above the base path with `../`), inside the bucket.
    public func key(_ relative: String) -> String {
        var parts = basePath.split(separator: "/").map(String.init)
        for part in relative.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}
