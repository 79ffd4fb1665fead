/// The reusable memory of one sequential stored-fields read: the decompressed chunk, the chunk header's per-document
/// numbers, and the zlib stream. Grows to the largest chunk seen and is freed when the read ends.
final class ChunkScratch {
    /// Bytes past the chunk that wide copies may touch.
    private static let slack = 64

    private(set) var buffer: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private(set) var fieldCounts: UnsafeMutablePointer<Int>
    /// Document start offsets in the chunk, one more than documents.
    private(set) var offsets: UnsafeMutablePointer<Int>
    private var documentCapacity: Int
    private var lengths: UnsafeMutablePointer<Int>
    private var lengthCapacity: Int
    private var zlib: Inflater?
    private var zstd: ZstdLibrary.BlockDecoder?

    init() {
        capacity = 64 * 1024
        buffer = .allocate(byteCount: capacity + Self.slack, alignment: 16)
        documentCapacity = 1024
        fieldCounts = .allocate(capacity: documentCapacity)
        offsets = .allocate(capacity: documentCapacity + 1)
        lengthCapacity = 16
        lengths = .allocate(capacity: lengthCapacity)
    }

    deinit {
        buffer.deallocate()
        fieldCounts.deallocate()
        offsets.deallocate()
        lengths.deallocate()
    }

    /// Makes room for `count` decompressed bytes; the previous content is dropped.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        buffer.deallocate()
        capacity = max(count, capacity * 2)
        buffer = .allocate(byteCount: capacity + Self.slack, alignment: 16)
    }

    /// Makes room for the numbers of `count` documents; the previous content is dropped.
    func reserveDocuments(_ count: Int) {
        guard count > documentCapacity else { return }
        fieldCounts.deallocate()
        offsets.deallocate()
        documentCapacity = max(count, documentCapacity * 2)
        fieldCounts = .allocate(capacity: documentCapacity)
        offsets = .allocate(capacity: documentCapacity + 1)
    }

    /// Room for `count` compressed block lengths.
    func blockLengths(_ count: Int) -> UnsafeMutablePointer<Int> {
        if count > lengthCapacity {
            lengths.deallocate()
            lengthCapacity = max(count, lengthCapacity * 2)
            lengths = .allocate(capacity: lengthCapacity)
        }
        return lengths
    }

    var inflater: Inflater {
        if let zlib { return zlib }
        let created = Inflater()
        zlib = created
        return created
    }

    /// The zstd context, created on first use; `name` is the file blamed when libzstd is missing.
    func zstdDecoder(name: String) throws(SnapshotReaderError) -> ZstdLibrary.BlockDecoder {
        if let zstd { return zstd }
        let created = try ZstdLibrary.BlockDecoder(name: name)
        zstd = created
        return created
    }
}
