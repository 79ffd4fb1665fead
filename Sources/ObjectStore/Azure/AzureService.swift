import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SnapshotReader

/// Azure Blob Storage: List Blobs, ranged Get Blob, Get Blob Properties; authorized with Shared Key or a SAS token.
package struct AzureService: BlobService {
    package enum Authorization: Sendable {
        case sharedKey(AzureSharedKeySigner)
        /// A SAS token's query (without `?`), appended to every request.
        case sas(String)
    }

    /// The REST version sent; Shared Key signs it.
    static let version = "2021-08-06"

    package let url: RepositoryURL
    /// `https://ACCOUNT.blob.core.windows.net`, or an override (Azurite: `http://127.0.0.1:10000/devstoreaccount1`).
    package let endpoint: URL
    let authorization: Authorization
    let now: @Sendable () -> Date

    package init(url: RepositoryURL, endpoint: URL, authorization: Authorization, now: @escaping @Sendable () -> Date = { Date() }) {
        self.url = url
        self.endpoint = endpoint
        self.authorization = authorization
        self.now = now
    }

    package func listRequest(prefix: String, maxKeys: Int?, pageToken: String?) throws(BlobFailure) -> HTTPClient.Request {
        var query: [(String, String)] = [("restype", "container"), ("comp", "list"), ("prefix", prefix), ("delimiter", "/")]
        if let maxKeys { query.append(("maxresults", String(maxKeys))) }
        if let pageToken { query.append(("marker", pageToken)) }
        return try request(.GET, key: nil, query: query, headers: [])
    }

    package func parseListing(_ body: ByteBuffer) throws(BlobFailure) -> BlobPage {
        do {
            let list = try AzureBlobList(parsing: Data(buffer: body))
            return BlobPage(
                blobs: list.blobs.map { BlobPage.Blob(key: $0.name, size: $0.contentLength) }, prefixes: list.prefixes,
                nextToken: list.nextMarker)
        } catch {
            throw BlobFailure(.other, "the List Blobs answer does not parse: \(error)")
        }
    }

    package func getRequest(key: String, range: Range<Int>?) throws(BlobFailure) -> HTTPClient.Request {
        var headers: [(String, String)] = []
        if let range { headers.append(("x-ms-range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")) }
        return try request(.GET, key: key, query: [], headers: headers)
    }

    package func sizeRequest(key: String) throws(BlobFailure) -> HTTPClient.Request {
        try request(.HEAD, key: key, query: [], headers: [])
    }

    package func size(from answer: BlobHTTP.Answer) -> Int? {
        answer.headers.first(name: "content-length").flatMap(Int.init)
    }

    private func request(_ method: HTTPMethod, key: String?, query: [(String, String)], headers extra: [(String, String)])
        throws(BlobFailure)
        -> HTTPClient.Request
    {
        let base = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
        var path = base + "/" + PercentEncoding.encode(url.bucket)
        if let key { path += "/" + PercentEncoding.encode(key, keepSlash: true) }
        var queryText = PercentEncoding.query(query)
        var headers: [(name: String, value: String)] = [
            ("x-ms-date", AzureSharedKeySigner.httpDate(now())), ("x-ms-version", Self.version),
        ]
        headers += extra.map { (name: $0.0, value: $0.1) }
        switch authorization {
        case .sharedKey(let signer):
            let signed = signer.authorization(
                method: method.rawValue, path: path, query: query.map { (name: $0.0, value: PercentEncoding.encode($0.1)) },
                headers: headers)
            headers.append(("Authorization", signed))
        case .sas(let token):
            queryText = queryText.isEmpty ? token : queryText + "&" + token
        }
        let port = endpoint.port.map { ":\($0)" } ?? ""
        let text = "\(endpoint.scheme ?? "https")://\(endpoint.host ?? "")\(port)\(path)" + (queryText.isEmpty ? "" : "?\(queryText)")
        do {
            return try HTTPClient.Request(url: text, method: method, headers: HTTPHeaders(headers.map { ($0.name, $0.value) }))
        } catch {
            throw BlobFailure(.other, "cannot address \(text): \(error)")
        }
    }
}
