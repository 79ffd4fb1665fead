import AsyncHTTPClient
import NIOCore
import SnapshotReader

/// One page of a listing: blobs and sub-folders directly under a prefix (keys relative to the bucket).
package struct BlobPage: Sendable, Equatable {
    package var blobs: [Blob]
    /// Sub-folders, each ending in `/`.
    package var prefixes: [String]
    /// Where the next page starts, or nil on the last page.
    package var nextToken: String?

    package struct Blob: Sendable, Equatable {
        package var key: String
        package var size: Int

        package init(key: String, size: Int) {
            self.key = key
            self.size = size
        }
    }

    package init(blobs: [Blob], prefixes: [String], nextToken: String?) {
        self.blobs = blobs
        self.prefixes = prefixes
        self.nextToken = nextToken
    }
}

/// How one kind of object store is spoken to: its requests (addressed, authenticated) and its answers. The I/O, retries
/// and spilling are `ObjectStoreStorage`'s, the same for every store.
package protocol BlobService: Sendable {
    var url: RepositoryURL { get }
    /// A page of the blobs and sub-folders directly under `prefix` (split at `/`).
    func listRequest(prefix: String, maxKeys: Int?, pageToken: String?) throws(BlobFailure) -> HTTPClient.Request
    func parseListing(_ body: ByteBuffer) throws(BlobFailure) -> BlobPage
    /// The blob's content, or the bytes `range` of it.
    func getRequest(key: String, range: Range<Int>?) throws(BlobFailure) -> HTTPClient.Request
    /// A request whose 200 answer tells the blob's size and whose 404 says it does not exist.
    func sizeRequest(key: String) throws(BlobFailure) -> HTTPClient.Request
    func size(from answer: BlobHTTP.Answer) -> Int?
}
