import AsyncHTTPClient
import Foundation
import SnapshotReader
import Testing

@testable import ObjectStore

/// The exact requests Tern sends to Azure Blob Storage, built with a fixed clock. Every expected `Authorization` value
/// was computed independently of Tern by the Shared Key implementation of Tern's test server
/// (`Tests/TernTestSupport/azure_blob_server.py`, written from Microsoft's "Authorize with Shared Key"), and Microsoft's
/// own Python SDK (azure-storage-blob 12.31.1, `SharedKeyCredentialPolicy`) signs the same requests identically.
@Suite struct AzureServiceTests {
    /// Tue, 14 Nov 2023 22:13:20 GMT.
    static let clock = Date(timeIntervalSince1970: 1_700_000_000)

    /// Path-style, as the storage emulator is addressed: the account is the path's first segment and is signed twice.
    static func service(_ authorization: AzureService.Authorization) throws -> AzureService {
        let url = try #require(try RepositoryURL.parse("azure://snapshots/repo"))
        return AzureService(
            url: url, endpoint: URL(string: "http://127.0.0.1:10000/devstoreaccount1")!, authorization: authorization, now: { clock })
    }

    static func sharedKey() throws -> AzureService {
        try service(
            .sharedKey(try AzureSharedKeySigner(account: "devstoreaccount1", base64Key: AzureConnectionString.developmentAccountKey)))
    }

    static func headers(_ request: HTTPClient.Request) -> [String: String] {
        Dictionary(request.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { "\($0),\($1)" })
    }

    @Test func aListBlobsPageWithMarkerIsAddressedAndSignedAsTheServerExpects() throws {
        // The marker holds `!`, `+`, `/` and `=`, which must all reach the service percent-encoded.
        let request = try Self.sharedKey().listRequest(prefix: "repo/indices/", maxKeys: 2, pageToken: "2!16!YWJj+ZGVm/==")
        #expect(request.method == .GET)
        #expect(
            request.url.absoluteString
                == "http://127.0.0.1:10000/devstoreaccount1/snapshots?restype=container&comp=list&prefix=repo%2Findices%2F"
                + "&delimiter=%2F&maxresults=2&marker=2%2116%21YWJj%2BZGVm%2F%3D%3D")
        #expect(
            Self.headers(request) == [
                "x-ms-date": "Tue, 14 Nov 2023 22:13:20 GMT", "x-ms-version": "2021-08-06",
                "authorization": "SharedKey devstoreaccount1:RmX8J8782yIAJs6EP/cgCTBlkOaCOUkdlWKgmtIiw8E=",
            ])
    }

    @Test func aRangedGetBlobIsAddressedAndSignedAsTheServerExpects() throws {
        // A space and a plus in the blob name are sent (and signed) as %20 and %2B.
        let request = try Self.sharedKey().getRequest(key: "repo/indices/Xy Z/0/__a+b", range: 1024..<2048)
        #expect(request.method == .GET)
        #expect(request.url.absoluteString == "http://127.0.0.1:10000/devstoreaccount1/snapshots/repo/indices/Xy%20Z/0/__a%2Bb")
        #expect(
            Self.headers(request) == [
                "x-ms-date": "Tue, 14 Nov 2023 22:13:20 GMT", "x-ms-version": "2021-08-06", "x-ms-range": "bytes=1024-2047",
                "authorization": "SharedKey devstoreaccount1:UAF0Qt3AUHm843nrsEaKSOixQy1UfrqOZW0v4ZnufUs=",
            ])
    }

    @Test func aSASTokenIsAppendedToTheQueryAndNoAuthorizationIsSent() throws {
        let token = "sv=2021-08-06&ss=b&srt=co&sp=rl&se=2099-01-01T00%3A00%3A00Z&sig=abc%2Bdef%3D"
        let request = try Self.service(.sas(token)).getRequest(key: "repo/index-0", range: nil)
        #expect(request.url.absoluteString == "http://127.0.0.1:10000/devstoreaccount1/snapshots/repo/index-0?\(token)")
        #expect(Self.headers(request) == ["x-ms-date": "Tue, 14 Nov 2023 22:13:20 GMT", "x-ms-version": "2021-08-06"])
    }
}
