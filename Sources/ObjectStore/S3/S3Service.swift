import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SearchClient
import SnapshotReader

/// Amazon S3 and S3-compatible stores (MinIO, Ceph, moto): ListObjectsV2, ranged GETs and HEAD, signed with SigV4
/// (`UNSIGNED-PAYLOAD`: reads have no body).
package struct S3Service: BlobService {
    package let url: RepositoryURL
    /// `https://s3.<region>.amazonaws.com` unless an endpoint is configured.
    package let endpoint: URL
    package let region: String
    /// Bucket in the path (`endpoint/bucket/key`) rather than in the host name (`bucket.endpoint/key`).
    package let pathStyle: Bool
    /// The credentials for each request (refreshed by the provider when they expire), or nil to send unsigned requests
    /// (public buckets).
    let credentials: @Sendable () throws(BlobFailure) -> AWSCredentials?
    let now: @Sendable () -> Date

    package init(
        url: RepositoryURL, endpoint: URL?, region: String, pathStyle: Bool?,
        credentials: @escaping @Sendable () throws(BlobFailure) -> AWSCredentials?, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.url = url
        self.region = region
        let endpoint = endpoint ?? URL(string: "https://s3.\(region).amazonaws.com")!
        self.endpoint = endpoint
        // IP literals and localhost have no DNS for bucket sub-domains, and a bucket with dots breaks TLS names.
        self.pathStyle = pathStyle ?? Self.needsPathStyle(endpoint: endpoint, bucket: url.bucket)
        self.credentials = credentials
        self.now = now
    }

    static func needsPathStyle(endpoint: URL, bucket: String) -> Bool {
        let host = endpoint.host ?? ""
        if host == "localhost" || host.hasSuffix(".localhost") || host.contains(":") { return true }
        if host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy({ UInt8($0) != nil }) { return true }
        return bucket.contains(".") && endpoint.scheme == "https"
    }

    package func listRequest(prefix: String, maxKeys: Int?, pageToken: String?) throws(BlobFailure) -> HTTPClient.Request {
        var query: [(String, String)] = [("list-type", "2"), ("prefix", prefix), ("delimiter", "/")]
        if let maxKeys { query.append(("max-keys", String(maxKeys))) }
        if let pageToken { query.append(("continuation-token", pageToken)) }
        return try request(.GET, key: nil, query: PercentEncoding.query(query, keepSlash: true), headers: [])
    }

    package func parseListing(_ body: ByteBuffer) throws(BlobFailure) -> BlobPage {
        do {
            let list = try S3ObjectList(xml: Data(buffer: body))
            return BlobPage(
                blobs: list.contents.map { BlobPage.Blob(key: $0.key, size: $0.size) }, prefixes: list.commonPrefixes,
                nextToken: list.isTruncated ? list.nextContinuationToken : nil)
        } catch {
            throw BlobFailure(.other, "the ListObjectsV2 answer does not parse: \(error)")
        }
    }

    package func getRequest(key: String, range: Range<Int>?) throws(BlobFailure) -> HTTPClient.Request {
        var headers: [(String, String)] = []
        if let range { headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")) }
        return try request(.GET, key: key, query: "", headers: headers)
    }

    package func sizeRequest(key: String) throws(BlobFailure) -> HTTPClient.Request {
        try request(.HEAD, key: key, query: "", headers: [])
    }

    package func size(from answer: BlobHTTP.Answer) -> Int? {
        answer.headers.first(name: "content-length").flatMap(Int.init)
    }

    private func request(_ method: HTTPMethod, key: String?, query: String, headers extra: [(String, String)]) throws(BlobFailure)
        -> HTTPClient.Request
    {
        let scheme = endpoint.scheme ?? "https"
        let port = endpoint.port.map { ":\($0)" } ?? ""
        let basePath = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
        let host = pathStyle ? (endpoint.host ?? "") : "\(url.bucket).\(endpoint.host ?? "")"
        var path = basePath + (pathStyle ? "/\(PercentEncoding.encode(url.bucket))" : "")
        if let key { path += "/" + PercentEncoding.encode(key, keepSlash: true) } else { path += "/" }
        let text = "\(scheme)://\(host)\(port)\(path)" + (query.isEmpty ? "" : "?\(query)")
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host)\(port)")
        for (name, value) in extra { headers.add(name: name, value: value) }
        if let credentials = try credentials() {
            let signer = AWSSigV4Signer(credentials: credentials, region: region, service: "s3")
            let signed = signer.signatureHeaders(
                method: method.rawValue, path: path, query: query, headers: headers.map { ($0.name, $0.value) }, body: [UInt8](),
                date: now(), includeContentHash: true, payloadHash: "UNSIGNED-PAYLOAD")
            for (name, value) in signed { headers.replaceOrAdd(name: name, value: value) }
        }
        do {
            return try HTTPClient.Request(url: text, method: method, headers: headers)
        } catch {
            throw BlobFailure(.other, "cannot address \(text): \(error)")
        }
    }
}
