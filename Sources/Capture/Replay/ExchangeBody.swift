import CZlib
import Foundation

/// Request and response bodies as the cluster read or wrote them: gzip and deflate are undone, since clients may compress
/// requests and Elasticsearch compresses answers when asked to.
enum ExchangeBody {
    /// The bytes of `body`, inflated when `contentEncoding` says so or the gzip magic begins it (JSON never starts with
    /// 0x1f); nil when compressed bytes do not inflate.
    static func decoded(_ body: [UInt8], contentEncoding: String?) -> [UInt8]? {
        let encoding = contentEncoding?.lowercased().trimmingCharacters(in: .whitespaces)
        let gzipMagic = body.count >= 2 && body[0] == 0x1F && body[1] == 0x8B
        guard gzipMagic || encoding == "gzip" || encoding == "deflate" || encoding == "x-gzip" else { return body }
        return inflate(body)
    }

    /// Whether a content type is JSON (or ndjson), the only kind a replay can pass on as bytes; SMILE, CBOR and YAML
    /// bodies are not.
    static func isJSON(contentType: String?) -> Bool {
        guard let contentType = contentType?.lowercased() else { return true }
        return contentType.contains("json") || contentType.hasPrefix("text/plain")
    }

    private static func inflate(_ input: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        // 15 + 32: accept a zlib or gzip header, as HTTP's `deflate` is sent both ways.
        guard tern_inflateInit2(&stream, 15 + 32) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        return input.withUnsafeMutableBufferPointer { source -> [UInt8]? in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while true {
                let (produced, status) = chunk.withUnsafeMutableBufferPointer { out -> (Int, Int32) in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (out.count - Int(stream.avail_out), status)
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END: return output
                case Z_OK: if stream.avail_in == 0 && produced == 0 { return nil }
                case Z_BUF_ERROR: if stream.avail_in == 0 { return nil }
                default: return nil
                }
            }
        }
    }
}
