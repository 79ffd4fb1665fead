import Foundation

/// One entry of `tern.yml`'s `repositories:` section: how to reach a snapshot repository in an object store when the
/// environment's own configuration (AWS_*, GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_*) is not what is wanted.
/// A command given the entry's name, or its `url`, uses it. Secrets print as `<redacted>`.
public struct RepositorySettings: Sendable, Hashable {
    /// `s3://BUCKET/BASE_PATH`, `gs://BUCKET/BASE_PATH` or `azure://CONTAINER/BASE_PATH`.
    public var url: String
    /// The store's endpoint (an S3-compatible store, an emulator, an Azure endpoint).
    public var endpoint: URL?
    /// S3: the region (else AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1).
    public var region: String?
    /// S3: put the bucket in the path instead of the host name (automatic for IP addresses and localhost).
    public var pathStyle: Bool?
    /// S3: the profile of ~/.aws/config to use instead of AWS_PROFILE.
    public var profile: String?
    /// S3: static keys instead of the credential chain.
    public var accessKeyID: Secret?
    public var secretAccessKey: Secret?
    public var sessionToken: Secret?
    /// GCS: a service-account key file instead of GOOGLE_APPLICATION_CREDENTIALS.
    public var credentialsFile: String?
    /// Azure: the storage account, its key or a SAS token, or a whole connection string.
    public var account: String?
    public var key: Secret?
    public var sasToken: Secret?
    public var connectionString: Secret?
    /// Requests in flight at once.
    public var connections: Int?

    public init(url: String) {
        self.url = url
    }
}

/// Reads the `repositories:` section.
struct RepositorySectionReader {
    let baseDirectory: String

    func repositories(_ section: ConfigNode) throws -> [String: RepositorySettings] {
        guard let mapping = section.node.mapping else {
            throw section.fail("expected one entry per repository name, each with a url: (s3://, gs:// or azure://).")
        }
        var result: [String: RepositorySettings] = [:]
        for (keyNode, valueNode) in mapping {
            let name = keyNode.string ?? ""
            let entry = ConfigNode(node: valueNode, path: "\(section.path).\(name)", file: section.file, environment: section.environment)
            result[name] = try repository(entry)
        }
        return result
    }

    private func repository(_ section: ConfigNode) throws -> RepositorySettings {
        let keys = try section.mapping(allowedKeys: [
            "url", "endpoint", "region", "path_style", "profile", "access_key_id", "secret_access_key", "session_token",
            "credentials_file", "account", "key", "key_file", "sas_token", "sas_token_file", "connection_string",
            "connection_string_file", "connections",
        ])
        guard let urlNode = keys["url"] else { throw section.fail("needs url: (s3://BUCKET/BASE_PATH, gs://… or azure://…).") }
        let url = try urlNode.string()
        guard ["s3://", "gs://", "gcs://", "azure://"].contains(where: { url.lowercased().hasPrefix($0) }) else {
            throw urlNode.fail("'\(url)' is not an s3://, gs:// or azure:// URL.")
        }
        var settings = RepositorySettings(url: url)
        if let node = keys["endpoint"] {
            let text = try node.string()
            guard let endpoint = URL(string: text), endpoint.scheme == "http" || endpoint.scheme == "https", endpoint.host != nil else {
                throw node.fail("'\(text)' is not an http:// or https:// URL.")
            }
            settings.endpoint = endpoint
        }
        settings.region = try keys["region"]?.string()
        settings.pathStyle = try keys["path_style"]?.bool()
        settings.profile = try keys["profile"]?.string()
        settings.accessKeyID = try keys["access_key_id"]?.secret()
        settings.secretAccessKey = try keys["secret_access_key"]?.secret()
        settings.sessionToken = try keys["session_token"]?.secret()
        guard (settings.accessKeyID == nil) == (settings.secretAccessKey == nil) else {
            throw section.fail("access_key_id and secret_access_key go together.")
        }
        if let node = keys["credentials_file"] {
            let path = try node.string()
            settings.credentialsFile = path.hasPrefix("/") ? path : "\(baseDirectory)/\(path)"
        }
        settings.account = try keys["account"]?.string()
        settings.key = try optionalSecret(keys, value: "key", file: "key_file", in: section)
        settings.sasToken = try optionalSecret(keys, value: "sas_token", file: "sas_token_file", in: section)
        settings.connectionString = try optionalSecret(keys, value: "connection_string", file: "connection_string_file", in: section)
        settings.connections = try keys["connections"]?.int(in: 1...256)
        return settings
    }

    private func optionalSecret(_ keys: [String: ConfigNode], value: String, file: String, in section: ConfigNode) throws -> Secret? {
        switch (keys[value], keys[file]) {
        case (nil, nil):
            return nil
        case (let inline?, nil):
            return try inline.secret()
        case (nil, let fileNode?):
            return try fileNode.secretFromFile(baseDirectory: baseDirectory)
        case (_?, _?):
            throw section.fail("give either \(value) or \(file), not both.")
        }
    }
}
