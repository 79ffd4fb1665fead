import Foundation

/// An Azure Storage connection string (`AZURE_STORAGE_CONNECTION_STRING`) reduced to what reading blobs needs: the
/// account, one credential and the Blob service endpoint.
///
/// The string is `Name=Value` parts joined by `;`. Names are matched without regard to case, as the Azure SDKs do; names
/// for other services (`QueueEndpoint`, `FileEndpoint`, ...) are ignored. Values may hold `=` (keys and SAS tokens do).
package struct AzureConnectionString: Sendable, Equatable {
    /// The storage account, used in the Shared Key signature.
    package let accountName: String
    /// The account key (base64), when the string carries one; sign requests with `AzureSharedKeySigner`.
    package let accountKey: String?
    /// The shared access signature without its leading `?`, when the string carries one: append it to each request's
    /// query, after the request's own parameters, and send no `Authorization` header.
    package let sharedAccessSignature: String?
    /// The Blob service endpoint without a trailing `/`; a container's URL is this plus `/container`.
    package let blobEndpoint: URL

    /// Azurite's and the old storage emulator's fixed account, published by Microsoft.
    package static let developmentAccountName = "devstoreaccount1"
    /// The fixed key of `devstoreaccount1`; public, so it is no secret.
    package static let developmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
    /// Azurite's Blob endpoint: path-style, so the account is the first path segment.
    package static let developmentBlobEndpoint = URL(string: "http://127.0.0.1:10000/devstoreaccount1")!

    /// The suffix of Azure's public cloud, used when the string names none.
    static let defaultEndpointSuffix = "core.windows.net"

    package init(accountName: String, accountKey: String?, sharedAccessSignature: String?, blobEndpoint: URL) {
        self.accountName = accountName
        self.accountKey = accountKey
        self.sharedAccessSignature = sharedAccessSignature
        self.blobEndpoint = blobEndpoint
    }

    /// - Throws: `ObjectStoreError.configuration` naming the part that is missing or wrong; it never quotes the key or
    ///   the signature.
    package init(parsing text: String) throws(ObjectStoreError) {
        let settings = try Self.settings(text)
        func setting(_ name: String) -> String? { settings[name.lowercased()] }

        if let development = setting("UseDevelopmentStorage") {
            switch development.lowercased() {
            case "true":
                let conflicting = ["AccountName", "AccountKey", "BlobEndpoint", "SharedAccessSignature", "EndpointSuffix"]
                    .filter { setting($0) != nil }
                if let first = conflicting.first {
                    throw .configuration(
                        "The Azure connection string sets UseDevelopmentStorage=true and \(first): use one or the other."
                    )
                }
                if setting("DevelopmentStorageProxyUri") != nil {
                    throw .configuration("The Azure connection string sets DevelopmentStorageProxyUri, which Tern does not support.")
                }
                self.init(
                    accountName: Self.developmentAccountName,
                    accountKey: Self.developmentAccountKey,
                    sharedAccessSignature: nil,
                    blobEndpoint: Self.developmentBlobEndpoint
                )
                return
            case "false":
                break
            default:
                throw .configuration("UseDevelopmentStorage in the Azure connection string must be true or false.")
            }
        }

        var key: String? = nil
        if let value = setting("AccountKey") {
            guard !value.isEmpty else { throw .configuration("AccountKey in the Azure connection string is empty.") }
            guard let bytes = Data(base64Encoded: value), !bytes.isEmpty else {
                throw .configuration("AccountKey in the Azure connection string is not valid base64.")
            }
            key = value
        }
        var signature: String? = nil
        if let value = setting("SharedAccessSignature") {
            let trimmed = value.hasPrefix("?") ? String(value.dropFirst()) : value
            guard !trimmed.isEmpty else {
                throw .configuration("SharedAccessSignature in the Azure connection string is empty.")
            }
            signature = trimmed
        }

        let endpoint: URL
        if let value = setting("BlobEndpoint") {
            endpoint = try Self.endpoint(value)
        } else {
            guard let account = setting("AccountName"), !account.isEmpty else {
                throw .configuration("The Azure connection string names neither AccountName nor BlobEndpoint.")
            }
            let scheme = (setting("DefaultEndpointsProtocol") ?? "https").lowercased()
            guard scheme == "https" || scheme == "http" else {
                throw .configuration("DefaultEndpointsProtocol in the Azure connection string must be https or http, not '\(scheme)'.")
            }
            var suffix = setting("EndpointSuffix") ?? Self.defaultEndpointSuffix
            while suffix.hasPrefix(".") { suffix.removeFirst() }
            while suffix.hasSuffix("/") { suffix.removeLast() }
            guard !suffix.isEmpty, let url = URL(string: "\(scheme)://\(account).blob.\(suffix)"), url.host != nil else {
                throw .configuration("AccountName and EndpointSuffix in the Azure connection string do not make a valid host name.")
            }
            endpoint = url
        }

        let account: String
        if let value = setting("AccountName"), !value.isEmpty {
            account = value
        } else if let derived = Self.accountName(from: endpoint) {
            account = derived
        } else {
            throw .configuration("The Azure connection string names no AccountName, and none can be read from BlobEndpoint.")
        }
        self.init(accountName: account, accountKey: key, sharedAccessSignature: signature, blobEndpoint: endpoint)
    }

    /// The parts by lowercased name, values trimmed; an empty part (a trailing `;`) is skipped.
    private static func settings(_ text: String) throws(ObjectStoreError) -> [String: String] {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        var settings: [String: String] = [:]
        for (index, part) in parts.enumerated() where !part.isEmpty {
            guard let equals = part.firstIndex(of: "=") else {
                throw .configuration("Part \(index + 1) of the Azure connection string has no '=': each part must be Name=Value.")
            }
            let name = part[..<equals].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else {
                throw .configuration("Part \(index + 1) of the Azure connection string has no name before '='.")
            }
            let lowered = name.lowercased()
            guard settings[lowered] == nil else {
                throw .configuration("The Azure connection string sets \(name) twice.")
            }
            settings[lowered] = part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard !settings.isEmpty else { throw .configuration("The Azure connection string is empty.") }
        return settings
    }

    /// An http(s) URL with a host, its trailing `/` removed. The value is not quoted: it may carry a SAS token.
    private static func endpoint(_ value: String) throws(ObjectStoreError) -> URL {
        var trimmed = value
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty
        else {
            throw .configuration("BlobEndpoint in the Azure connection string is not an http or https URL with a host name.")
        }
        guard url.query == nil, url.fragment == nil else {
            throw .configuration(
                "BlobEndpoint in the Azure connection string carries a query; give a SAS token as SharedAccessSignature instead."
            )
        }
        return url
    }

    /// `myaccount` from `https://myaccount.blob.core.windows.net`, or from the first path segment of a path-style
    /// endpoint on an IP address or localhost (`http://127.0.0.1:10000/devstoreaccount1`). A custom domain names none.
    private static func accountName(from endpoint: URL) -> String? {
        guard let host = endpoint.host?.lowercased() else { return nil }
        let labels = host.split(separator: ".")
        let isAddress = host == "localhost" || host.contains(":") || labels.allSatisfy { $0.allSatisfy(\.isNumber) }
        if isAddress {
            return endpoint.path.split(separator: "/").first.map(String.init)
        }
        if labels.count > 2, labels[1] == "blob" {
            return String(labels[0])
        }
        return nil
    }
}

// Interpolation, `String(reflecting:)` and `dump` must never reveal the key or the signature.
extension AzureConnectionString: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String {
        "AzureConnectionString(accountName: \(accountName), accountKey: \(accountKey == nil ? "nil" : "<redacted>"), "
            + "sharedAccessSignature: \(sharedAccessSignature == nil ? "nil" : "<redacted>"), blobEndpoint: \(blobEndpoint.absoluteString))"
    }

    package var debugDescription: String { description }

    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accountName": accountName, "accountKey": accountKey == nil ? "nil" : "<redacted>",
                "sharedAccessSignature": sharedAccessSignature == nil ? "nil" : "<redacted>",
                "blobEndpoint": blobEndpoint.absoluteString,
            ]
        )
    }
}
