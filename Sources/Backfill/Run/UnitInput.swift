import Foundation
import Logging
import SearchClient
import SnapshotReader
import TernCore

/// Where one unit's documents come from.
enum UnitInput: Sendable {
    case liveSlice(client: SearchClient, cluster: ClusterInfo, index: String, slice: Int, of: Int)
    case snapshotShard(
        repository: SnapshotRepository, snapshot: RepositoryData.Snapshot, index: RepositoryData.Index, metadata: IndexMetadata, shard: Int,
        part: Int = 0, of: Int = 1)
    case lucene(path: String, index: String)
    case file(path: String, selection: IndexSelection)

    /// Runs `body` with the unit's documents as pages, each document already named after its target index, and
    /// releases what the reading holds (a scroll, a point in time) when `body` returns or throws.
    ///
    /// `targetIndex` is the unit's target, set on every document; a file names its indices line by line, so its
    /// documents are renamed through `options.selection` instead (nil).
    ///
    /// `skip` leaves out the unit's first documents (a checkpoint's worth, for units read in a fixed order);
    /// `operation` is what each document's write does (`create` into a data stream).
    func withPages<Result>(
        options: BackfillOptions, targetIndex: String?, skip: Int = 0, operation: Document.Operation = .index,
        _ body: (UnitPages) async throws -> Result
    ) async throws -> Result {
        try await withUnskippedPages(options: options, targetIndex: targetIndex) { pages in
            var pages = pages
            pages.skip = skip
            pages.operation = operation
            return try await body(pages)
        }
    }

    private func withUnskippedPages<Result>(
        options: BackfillOptions, targetIndex: String?, _ body: (UnitPages) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .liveSlice(let client, let cluster, let index, let slice, let count):
            let readOptions = LiveReadOptions(mode: options.readMode, pageSize: options.pageSize, query: options.query)
            return try await client.withSlicePages(
                index: index, slice: slice, of: count, mode: options.readMode, options: readOptions, cluster: cluster
            ) { pages in
                try await body(UnitPages(.live(pages), naming: Naming(targetIndex: targetIndex, selection: options.selection)))
            }
        case .snapshotShard(let repository, let snapshot, let index, let metadata, let shard, let part, let parts):
            let batches = SnapshotDocumentReader.shardBatches(
                repository: repository, snapshot: snapshot, index: index, metadata: metadata, shard: shard, part: part, of: parts,
                options: SnapshotDocumentReader.Options(batchSize: options.pageSize))
            return try await body(UnitPages(.batches(batches), naming: Naming(targetIndex: targetIndex, selection: options.selection)))
        case .lucene(let path, let index):
            let batches: DocumentBatches
            do {
                batches = try SnapshotDocumentReader.batches(
                    luceneFolder: path, index: index, options: SnapshotDocumentReader.Options(batchSize: options.pageSize))
            } catch {
                throw error.ternError
            }
            return try await body(UnitPages(.batches(batches), naming: Naming(targetIndex: targetIndex, selection: options.selection)))
        case .file(let path, let selection):
            let reader = try NDJSONDocumentReader(path: path)
            return try await body(
                UnitPages(
                    .file(reader, selection: selection, pageSize: options.pageSize), naming: Naming(targetIndex: nil, selection: selection))
            )
        }
    }
}

/// How a unit's documents get their target index: the unit's own, set once, or (for a file, whose lines name their
/// indices) each source index renamed through the selection, remembered per name.
struct Naming {
    let targetIndex: String?
    let selection: IndexSelection
    private var renamed: [String: String] = [:]

    init(targetIndex: String?, selection: IndexSelection) {
        self.targetIndex = targetIndex
        self.selection = selection
    }

    mutating func apply(to page: inout [BulkDocument]) {
        if let targetIndex {
            for position in page.indices { page[position].index = targetIndex }
            return
        }
        for position in page.indices {
            let source = page[position].index
            if let target = renamed[source] {
                page[position].index = target
            } else {
                let target = selection.targetName(for: source)
                renamed[source] = target
                page[position].index = target
            }
        }
    }
}

/// The documents of one unit, page by page, with their target index set: one `AsyncSequence` for every kind of unit.
///
/// Live pages carry their sources as slices of the search answers they came in; snapshot, Lucene and file pages are
/// read as ``Document``s and their sources copied once into one buffer per page.
struct UnitPages: AsyncSequence {
    typealias Element = [BulkDocument]

    enum Source {
        case live(LiveSlicePages)
        case batches(DocumentBatches)
        case file(NDJSONDocumentReader, selection: IndexSelection, pageSize: Int)
    }

    let source: Source
    let naming: Naming
    /// Documents left out at the start.
    var skip = 0
    /// What each document's write does.
    var operation = Document.Operation.index

    init(_ source: Source, naming: Naming) {
        self.source = source
        self.naming = naming
    }

    func makeAsyncIterator() -> Iterator {
        switch source {
        case .live(let pages): Iterator(.live(pages.makeAsyncIterator()), naming: naming, skip: skip, operation: operation)
        case .batches(let batches): Iterator(.batches(batches.makeAsyncIterator()), naming: naming, skip: skip, operation: operation)
        case .file(let reader, let selection, let pageSize):
            Iterator(.file(reader, selection, pageSize), naming: naming, skip: skip, operation: operation)
        }
    }

    struct Iterator: AsyncIteratorProtocol {
        enum Base {
            case live(LiveSlicePages.Iterator)
            case batches(DocumentBatches.Iterator)
            case file(NDJSONDocumentReader, IndexSelection, Int)
        }

        var base: Base
        var naming: Naming
        var skip: Int
        let operation: Document.Operation

        init(_ base: Base, naming: Naming, skip: Int, operation: Document.Operation) {
            self.base = base
            self.naming = naming
            self.skip = skip
            self.operation = operation
        }

        mutating func next() async throws -> [BulkDocument]? {
            while true {
                guard var page = try await nextPage() else { return nil }
                if skip > 0 {
                    let dropped = Swift.min(skip, page.count)
                    page.removeFirst(dropped)
                    skip -= dropped
                    if page.isEmpty { continue }
                }
                naming.apply(to: &page)
                if operation != .index {
                    for position in page.indices { page[position].operation = operation }
                }
                return page
            }
        }

        private mutating func nextPage() async throws -> [BulkDocument]? {
            switch base {
            case .live(var iterator):
                defer { base = .live(iterator) }
                return try await iterator.next()
            case .batches(let iterator):
                do {
                    return try await iterator.next().map(BulkDocument.page)
                } catch let error as SnapshotReaderError {
                    throw error.ternError
                }
            case .file(let reader, let selection, let pageSize):
                while let page = try reader.next(count: pageSize) {
                    let selected = page.filter { selection.selects($0.index) }
                    if !selected.isEmpty { return BulkDocument.page(selected) }
                }
                return nil
            }
        }
    }
}
