import SnapshotReader
import TernCore

/// Prints document batches as ndjson, or counts them per index.
struct DocumentPrinter {
    let count: Bool
    let indexOrder: [String]

    func print(_ batches: DocumentBatches) async throws {
        var output = OutputBuffer()
        var counts: [String: Int] = [:]
        do {
            for try await batch in batches {
                if count {
                    // Batches come from one index each; count runs of a name, not one lookup per document.
                    var start = 0
                    while start < batch.count {
                        let index = batch[start].index
                        var end = start + 1
                        while end < batch.count && batch[end].index == index { end += 1 }
                        counts[index, default: 0] += end - start
                        start = end
                    }
                } else {
                    output.write { bytes in
                        for document in batch { NDJSONLine.append(document, to: &bytes) }
                    }
                }
            }
        } catch let error as SnapshotReaderError {
            output.flush()
            throw error.ternError
        }
        output.flush()
        if count {
            var text = ""
            for name in indexOrder { text += "\(name)\t\(counts[name, default: 0])\n" }
            if indexOrder.count > 1 { text += "total\t\(counts.values.reduce(0, +))\n" }
            Terminal.standardOutput.write(text)
        }
    }
}
