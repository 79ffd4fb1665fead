/// RFC 3986 percent-encoding as the object stores want it in paths and queries: everything but unreserved characters
/// (and `/` in keys, which stay path segments) is escaped, with upper-case hex.
enum PercentEncoding {
    private static let hex = Array("0123456789ABCDEF".utf8)

    static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where keepSlash:
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `name=value&…` with both sides encoded, in the given order. `keepSlash` leaves `/` in values as it is (RFC 3986
    /// allows it in a query): S3-compatible servers that decode the query before checking a signature then agree with AWS.
    static func query(_ parameters: [(String, String)], keepSlash: Bool = false) -> String {
        parameters.map { "\(encode($0.0))=\(encode($0.1, keepSlash: keepSlash))" }.joined(separator: "&")
    }
}
