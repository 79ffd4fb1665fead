import SearchClient
import TernCore

/// Reads documents from an ndjson export (`{"_index","_id","_routing"?,"_source"}` per line, as `tern snapshot docs`,
/// a file backfill target or elasticdump write them), gzip or plain, keeping each source as the bytes in the file.
final class NDJSONDocumentReader {
    private let reader: LineFileReader
    private var lineNumber = 0

    init(path: String) throws {
        reader = try LineFileReader(path: path)
    }

    /// Up to `count` documents, or nil at the end of the file.
    func next(count: Int) throws -> [Document]? {
        var documents: [Document] = []
        documents.reserveCapacity(count)
        while documents.count < count, let line = try reader.nextLine() {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            documents.append(try parse(line))
        }
        return documents.isEmpty ? nil : documents
    }

    private func parse(_ line: ArraySlice<UInt8>) throws -> Document {
        // A line has the shape of a search hit, so the hit scanner's reading of one hit object reads it.
        let hit: HitsScanner.Hit
        do {
            hit = try line.withUnsafeBytes { try HitsScanner.scanHit($0) }
        } catch {
            throw TernError(.invalidArgument, "\(reader.path) line \(lineNumber) is not a JSON document: \(error).")
        }
        guard let index = hit.index, let id = hit.id else {
            throw TernError(
                .invalidArgument,
                "\(reader.path) line \(lineNumber) has no \"_index\" and \"_id\"; each line must be {\"_index\":...,\"_id\":...,\"_source\":{...}}."
            )
        }
        guard let source = hit.source else {
            throw TernError(.invalidArgument, "\(reader.path) line \(lineNumber) (\(index)/\(id)) has no \"_source\".")
        }
        return Document(
            index: index, id: id, type: hit.type, routing: hit.routing, seqNo: hit.seqNo, primaryTerm: hit.primaryTerm,
            version: hit.version,
            source: Array(line[(line.startIndex + source.lowerBound)..<(line.startIndex + source.upperBound)]))
    }
}
