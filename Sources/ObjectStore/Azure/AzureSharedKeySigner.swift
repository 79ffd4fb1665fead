import Crypto
import Foundation

/// Signs Blob service requests with a storage account key: the `Shared Key` scheme of Microsoft's "Authorize with Shared
/// Key", in its form for version 2009-09-19 and later.
///
/// The signature covers the method, twelve standard headers by position, every `x-ms-` header and the resource (account,
/// path, query), so the request must be sent exactly as it was signed: same path bytes, same query values, same headers.
package struct AzureSharedKeySigner: Sendable {
    package let account: String
    private let key: SymmetricKey

    /// - Parameters:
    ///   - account: The storage account name, e.g. `myaccount` (`devstoreaccount1` for Azurite).
    ///   - base64Key: The account key as the portal and connection strings give it (base64).
    /// - Throws: `ObjectStoreError.configuration` when the key is empty or not base64; the message never quotes it.
    package init(account: String, base64Key: String) throws(ObjectStoreError) {
        let trimmed = base64Key.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw .configuration("The Azure account key for \(account) is empty.")
        }
        guard let bytes = Data(base64Encoded: trimmed), !bytes.isEmpty else {
            throw .configuration("The Azure account key for \(account) is not valid base64; copy it again from the portal.")
        }
        self.account = account
        self.key = SymmetricKey(data: bytes)
    }

    /// The `Authorization` header value, `SharedKey account:signature`.
    ///
    /// - Parameters:
    ///   - method: The HTTP method, e.g. `GET`.
    ///   - path: The path exactly as sent, percent-encoded, e.g. `/container/dir/blob`. With a path-style endpoint
    ///     (Azurite, `http://127.0.0.1:10000/devstoreaccount1`) it begins with the account: `/devstoreaccount1/container`.
    ///   - query: The query parameters as sent (percent-encoded); they are decoded for the signature. A space must be
    ///     sent as `%20` and a plus as `%2B`: a bare `+` is read as a space, as the service reads it.
    ///   - headers: Every header that will be sent, names in any case. It must hold `x-ms-date` (or `Date`) and
    ///     `x-ms-version`; `Content-Length: 0` is signed as empty, as versions 2015-02-21 and later expect.
    package func authorization(
        method: String,
        path: String,
        query: [(name: String, value: String)],
        headers: [(name: String, value: String)]
    ) -> String {
        let signature = signature(for: stringToSign(method: method, path: path, query: query, headers: headers))
        return "SharedKey \(account):\(signature)"
    }

    /// The text the signature covers; exposed to tests, and worth logging (it holds no secret) when the service answers
    /// 403 AuthenticationFailed, whose body carries the string the service computed.
    func stringToSign(
        method: String,
        path: String,
        query: [(name: String, value: String)],
        headers: [(name: String, value: String)]
    ) -> String {
        var standard: [String: String] = [:]
        for (name, value) in headers {
            let lowered = name.trimmingCharacters(in: .whitespaces).lowercased()
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            standard[lowered] = standard[lowered].map { "\($0),\(trimmed)" } ?? trimmed
        }
        func field(_ name: String) -> String { standard[name] ?? "" }
        let contentLength = field("content-length") == "0" ? "" : field("content-length")
        // x-ms-date, when sent, is the date the service checks; the Date line must then be empty.
        let date = standard["x-ms-date"] == nil ? field("date") : ""
        let lines = [
            method.uppercased(), field("content-encoding"), field("content-language"), contentLength, field("content-md5"),
            field("content-type"), date, field("if-modified-since"), field("if-match"), field("if-none-match"),
            field("if-unmodified-since"), field("range"),
        ]
        return lines.joined(separator: "\n") + "\n" + Self.canonicalizedHeaders(headers)
            + Self.canonicalizedResource(account: account, path: path, query: query)
    }

    /// Base64 of HMAC-SHA256 over `stringToSign` with the decoded account key.
    func signature(for stringToSign: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key)
        return Data(mac).base64EncodedString()
    }

    /// The `x-ms-` headers: names lowercased and sorted, values unfolded and trimmed, each line ending in a newline.
    ///
    /// Sorted by byte order, as the Go SDK does. The service compares names with a culture-aware order that first
    /// ignores hyphens; the two differ only for names that differ by a hyphen against a letter, which no read sends.
    static func canonicalizedHeaders(_ headers: [(name: String, value: String)]) -> String {
        var values: [String: String] = [:]
        for (name, value) in headers {
            let lowered = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard lowered.hasPrefix("x-ms-") else { continue }
            let canonical = canonicalizedHeaderValue(value)
            values[lowered] = values[lowered].map { "\($0),\(canonical)" } ?? canonical
        }
        return values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { "\($0):\(values[$0]!)\n" }
            .joined()
    }

    /// Runs of spaces, tabs, CR and LF become one space and the ends are trimmed, except inside a quoted string.
    static func canonicalizedHeaderValue(_ value: String) -> String {
        var result = ""
        var quoted = false
        var pendingSpace = false
        for character in value {
            if !quoted && (character == " " || character == "\t" || character == "\r" || character == "\n" || character == "\r\n") {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            if character == "\"" { quoted.toggle() }
            result.append(character)
        }
        return result
    }

    /// `/account/path`, then one line per query parameter: `name:value`, names lowercased and sorted, values decoded,
    /// sorted and joined with commas.
    static func canonicalizedResource(account: String, path: String, query: [(name: String, value: String)]) -> String {
        var resource = "/\(account)\(path.isEmpty ? "/" : path)"
        var parameters: [String: [String]] = [:]
        for (name, value) in query {
            parameters[decodedQueryComponent(name).lowercased(), default: []].append(decodedQueryComponent(value))
        }
        for name in parameters.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let values = parameters[name]!.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            resource += "\n\(name):\(values.joined(separator: ","))"
        }
        return resource
    }

    /// A query name or value as the service reads it: `+` is a space, `%XX` a byte; a malformed escape stays as sent.
    static func decodedQueryComponent(_ component: String) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// A date as `x-ms-date` carries it (RFC 1123, always GMT): `Fri, 26 Jun 2015 23:39:12 GMT`. The service refuses a
    /// request whose date is more than 15 minutes from its clock.
    package static func httpDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func twoDigits(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        return "\(weekdays[(parts.weekday ?? 1) - 1]), \(twoDigits(parts.day)) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970) "
            + "\(twoDigits(parts.hour)):\(twoDigits(parts.minute)):\(twoDigits(parts.second)) GMT"
    }
}

// Interpolation, `String(reflecting:)` and `dump` must never reveal the key.
extension AzureSharedKeySigner: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var description: String { "AzureSharedKeySigner(account: \(account), key: <redacted>)" }

    package var debugDescription: String { description }

    package var customMirror: Mirror {
        Mirror(self, children: ["account": account, "key": "<redacted>"])
    }
}
