import Foundation

/// Writes documents as ndjson lines `{"_index":...,"_id":...,"_routing":...,"_source":{...}}`, splicing the source bytes
/// in unchanged.
public enum NDJSONLine {
    /// Appends one document's line (with its newline) to `output`.
    public static func append(_ document: Document, to output: inout [UInt8]) {
        output.append(contentsOf: #"{"_index":"#.utf8)
        appendJSONString(document.index, to: &output)
        if let type = document.type {
            output.append(contentsOf: #","_type":"#.utf8)
            appendJSONString(type, to: &output)
        }
        output.append(contentsOf: #","_id":"#.utf8)
        appendJSONString(document.id, to: &output)
        if let routing = document.routing {
            output.append(contentsOf: #","_routing":"#.utf8)
            appendJSONString(routing, to: &output)
        }
        output.append(contentsOf: #","_source":"#.utf8)
        appendSingleLine(document.source, to: &output)
        output.append(contentsOf: "}\n".utf8)
    }

    /// Appends a JSON source without its line breaks: ndjson and `_bulk` read one document per line. JSON cannot hold a
    /// raw line break inside a string, so any line break in valid JSON sits between tokens, where dropping it changes
    /// nothing.
    public static func appendSingleLine(_ source: [UInt8], to output: inout [UInt8]) {
        let hasBreak = source.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return false }
            return memchr(base, 0x0A, raw.count) != nil || memchr(base, 0x0D, raw.count) != nil
        }
        if hasBreak {
            output.append(contentsOf: source.lazy.filter { $0 != 0x0A && $0 != 0x0D })
        } else {
            output.append(contentsOf: source)
        }
    }

    /// Appends a JSON string literal with the escapes JSON requires (``JSONStringEscaper``).
    public static func appendJSONString(_ text: String, to output: inout [UInt8]) {
        JSONStringEscaper.append(text, to: &output)
    }
}
