import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SnapshotReader

/// Google Cloud Storage through its JSON API: objects.list, media downloads with ranges, object metadata for sizes.
/// Requests carry an OAuth bearer token, or none for an emulator.
package struct GCSService: BlobService {
    package let url: RepositoryURL
    /// `https://storage.googleapis.com`, or an emulator's address.
    package let endpoint: URL
    /// The bearer token for each request, or nil (emulators, public buckets).
    let token: @Sendable () throws(BlobFailure) -> String?

    package init(url: RepositoryURL, endpoint: URL, token: @escaping @Sendable () throws(BlobFailure) -> String?) {
        self.url = url
        self.endpoint = endpoint
        self.token = token
    }

    package func listRequest(prefix: String, maxKeys: Int?, pageToken: String?) throws(BlobFailure) -> HTTPClient.Request {
        var query: [(String, String)] = [("prefix", prefix), ("delimiter", "/")]
        if let maxKeys { query.append(("maxResults", String(maxKeys))) }
        if let pageToken { query.append(("pageToken", pageToken)) }
        return try request(.GET, path: "/storage/v1/b/\(PercentEncoding.encode(url.bucket))/o", query: query, headers: [])
    }

    package func parseListing(_ body: ByteBuffer) throws(BlobFailure) -> BlobPage {
        do {
            let list = try GoogleStorageList(json: Data(buffer: body))
            return BlobPage(
                blobs: list.objects.map { BlobPage.Blob(key: $0.name, size: $0.size) }, prefixes: list.prefixes,
                nextToken: list.nextPageToken)
        } catch {
            throw BlobFailure(.other, "the objects.list answer does not parse: \(error)")
        }
    }

    package func getRequest(key: String, range: Range<Int>?) throws(BlobFailure) -> HTTPClient.Request {
        var headers: [(String, String)] = []
        if let range { headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")) }
        return try request(.GET, path: objectPath(key), query: [("alt", "media")], headers: headers)
    }

    package func sizeRequest(key: String) throws(BlobFailure) -> HTTPClient.Request {
        try request(.GET, path: objectPath(key), query: [("fields", "size")], headers: [])
    }

    package func size(from answer: BlobHTTP.Answer) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: answer.body)) as? [String: Any] else { return nil }
        if let text = object["size"] as? String { return Int(text) }
        return object["size"] as? Int
    }

    /// The object's name is one path segment: its slashes are encoded too.
    private func objectPath(_ key: String) -> String {
        "/storage/v1/b/\(PercentEncoding.encode(url.bucket))/o/\(PercentEncoding.encode(key))"
    }

    private func request(_ method: HTTPMethod, path: String, query: [(String, String)], headers extra: [(String, String)])
        throws(BlobFailure)
        -> HTTPClient.Request
    {
        let base = endpoint.absoluteString.hasSuffix("/") ? String(endpoint.absoluteString.dropLast()) : endpoint.absoluteString
        let text = base + path + (query.isEmpty ? "" : "?" + PercentEncoding.query(query))
        var headers = HTTPHeaders()
        for (name, value) in extra { headers.add(name: name, value: value) }
        if let token = try token() { headers.add(name: "Authorization", value: "Bearer \(token)") }
        do {
            return try HTTPClient.Request(url: text, method: method, headers: headers)
        } catch {
            throw BlobFailure(.other, "cannot address \(text): \(error)")
        }
    }
}
