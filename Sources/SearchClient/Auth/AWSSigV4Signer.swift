import Crypto
import Foundation

/// AWS credentials for SigV4 signing (from the environment or config; never logged).
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// The temporary-credentials token (STS, instance roles), sent as `X-Amz-Security-Token`.
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

// Interpolation, `String(reflecting:)` and `dump` must never reveal the secret or the token.
extension AWSCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>"
            + (sessionToken == nil ? ")" : ", sessionToken: <redacted>)")
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyID": accessKeyID, "secretAccessKey": "<redacted>",
                "sessionToken": sessionToken == nil ? "nil" : "<redacted>",
            ]
        )
    }
}

/// Signs HTTP requests with AWS Signature Version 4 (Amazon OpenSearch Service `es`, Serverless `aoss`, and `s3`).
///
/// For services other than S3 the path is normalised (dot segments and duplicate slashes removed) and every segment is
/// URI-encoded once more than it is sent; S3 signs the path exactly as sent.
public struct AWSSigV4Signer: Sendable {
    let credentials: AWSCredentials
    let region: String
    let service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Headers to add to the request: `Authorization`, `X-Amz-Date`, `X-Amz-Security-Token` (when a session token
    /// is set), and `X-Amz-Content-Sha256` when `includeContentHash` (Serverless `aoss` requires it).
    ///
    /// Each replaces any header of the same name in `headers`; those copies, `User-Agent` and hop-by-hop
    /// headers such as `Connection` are left out of the signature.
    /// - Parameters:
    ///   - method: The HTTP method, e.g. `GET`.
    ///   - path: The request path exactly as it will be sent (percent-encoded, e.g. `/my-index/_search`).
    ///   - query: The raw query string without `?` (nil or empty when none).
    ///   - headers: The headers that will be sent; must include `Host` with the value the server will see
    ///     (with the port when it is not the scheme's default).
    ///   - body: The payload bytes.
    ///   - date: The signing time; AWS rejects requests more than a few minutes away from its clock.
    ///   - includeContentHash: Whether to send and sign `X-Amz-Content-Sha256`.
    ///   - payloadHash: What to sign instead of the body's hash (S3's `UNSIGNED-PAYLOAD`).
    public func signatureHeaders(
        method: String,
        path: String,
        query: String?,
        headers: [(name: String, value: String)],
        body: some Collection<UInt8>,
        date: Date,
        includeContentHash: Bool = false,
        payloadHash: String? = nil
    ) -> [(name: String, value: String)] {
        let request = canonicalForm(
            method: method, path: path, query: query, headers: headers,
            body: body, date: date, includeContentHash: includeContentHash, payloadHash: payloadHash
        )
        let toSign = stringToSign(canonicalRequest: request.text, date: date)
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(credentialScope(date: date)), "
            + "SignedHeaders=\(request.signedHeaders), Signature=\(signature(stringToSign: toSign, date: date))"
        return request.addedHeaders + [(name: "Authorization", value: authorization)]
    }

    // MARK: - Signing steps (internal so tests can compare each with the published test suite)

    /// The canonical request that `signatureHeaders` signs for the same arguments.
    func canonicalRequest(
        method: String,
        path: String,
        query: String?,
        headers: [(name: String, value: String)],
        body: some Collection<UInt8>,
        date: Date,
        includeContentHash: Bool = false
    ) -> String {
        canonicalForm(
            method: method, path: path, query: query, headers: headers,
            body: body, date: date, includeContentHash: includeContentHash, payloadHash: nil
        ).text
    }

    /// The string to sign: algorithm, timestamp, credential scope and the canonical request's hash.
    func stringToSign(canonicalRequest: String, date: Date) -> String {
        [
            Self.algorithm,
            Self.timestamp(date).amzDate,
            credentialScope(date: date),
            Self.hexSHA256(Array(canonicalRequest.utf8)),
        ].joined(separator: "\n")
    }

    /// The hex HMAC of the string to sign under the key derived for this date, region and service.
    func signature(stringToSign: String, date: Date) -> String {
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [Self.timestamp(date).dateStamp, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    func credentialScope(date: Date) -> String {
        "\(Self.timestamp(date).dateStamp)/\(region)/\(service)/aws4_request"
    }

    // MARK: - Canonical request

    private static let algorithm = "AWS4-HMAC-SHA256"

    /// Headers a client or proxy may add, drop or rewrite after signing; signing them would break the signature.
    private static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// Headers this signer sets itself, so the caller's copies are dropped rather than signed twice.
    private static let signerHeaders: Set<String> = ["x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]

    private func canonicalForm(
        method: String,
        path: String,
        query: String?,
        headers: [(name: String, value: String)],
        body: some Collection<UInt8>,
        date: Date,
        includeContentHash: Bool,
        payloadHash: String?
    ) -> (text: String, signedHeaders: String, addedHeaders: [(name: String, value: String)]) {
        let payloadHash = payloadHash ?? Self.hexSHA256(body)
        var added: [(name: String, value: String)] = [(name: "X-Amz-Date", value: Self.timestamp(date).amzDate)]
        if let token = credentials.sessionToken {
            added.append((name: "X-Amz-Security-Token", value: token))
        }
        if includeContentHash {
            added.append((name: "X-Amz-Content-Sha256", value: payloadHash))
        }

        // Values of a repeated header are joined in the order sent, so grouping must keep that order.
        var valuesByName: [String: [String]] = [:]
        for header in headers {
            let name = Self.asciiLowercased(header.name)
            guard !Self.unsignedHeaders.contains(name), !Self.signerHeaders.contains(name) else { continue }
            valuesByName[name, default: []].append(Self.trimmedHeaderValue(header.value))
        }
        for header in added {
            valuesByName[Self.asciiLowercased(header.name)] = [header.value]
        }
        let names = valuesByName.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let canonicalHeaders = names.map { "\($0):\(valuesByName[$0, default: []].joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")

        let text = [
            method,
            service == "s3" ? Self.s3CanonicalURI(path) : Self.canonicalURI(path),
            Self.canonicalQuery(query ?? ""),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        return (text, signedHeaders, added)
    }

    /// Removes `.` and `..` segments and empty segments (duplicate slashes), then URI-encodes each segment.
    ///
    /// The sent path is already percent-encoded, so its `%` are encoded again: AWS services other than S3
    /// compute the canonical URI from the path as received, encoding it once more.
    static func canonicalURI(_ path: String) -> String {
        let rawSegments = path.split(separator: "/", omittingEmptySubsequences: false)
        var segments: [Substring] = []
        for segment in rawSegments {
            switch segment {
            case "", ".":
                continue
            case "..":
                _ = segments.popLast()
            default:
                segments.append(segment)
            }
        }
        guard !segments.isEmpty else { return "/" }
        // A trailing dot segment still names a directory (RFC 3986 §5.2.4), so it keeps the trailing slash.
        let endsInDirectory = rawSegments.count > 1 && ["", ".", ".."].contains(rawSegments.last ?? "")
        return "/" + segments.map { uriEncode($0.utf8) }.joined(separator: "/") + (endsInDirectory ? "/" : "")
    }

    /// S3's canonical URI: each segment encoded exactly once (a path sent percent-encoded is decoded first), with dot
    /// segments and empty segments kept as they are: S3 keys may contain them.
    static func s3CanonicalURI(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        return path.split(separator: "/", omittingEmptySubsequences: false).map { uriEncode(percentDecoded($0)) }.joined(separator: "/")
    }

    /// Sorts parameters by encoded name, then encoded value; a parameter without `=` gets an empty value.
    ///
    /// Names and values are decoded before encoding so that a query sent raw and one sent percent-encoded
    /// sign alike, as the server sees them. `+` is taken literally: send spaces as `%20`.
    static func canonicalQuery(_ query: String) -> String {
        let parameters = query.split(separator: "&").map { pair -> (name: String, value: String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? parts[1] : ""
            return (uriEncode(percentDecoded(parts[0])), uriEncode(percentDecoded(value)))
        }
        return
            parameters
            .sorted { lhs, rhs in
                lhs.name == rhs.name
                    ? lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
                    : lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
            }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    /// Trims the value and collapses each inner run of whitespace (folded lines included) to one space.
    static func trimmedHeaderValue(_ value: String) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\n")
            {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(UInt8(ascii: " ")) }
                pendingSpace = false
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    // MARK: - Encoding helpers

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// RFC 3986 percent-encoding of everything but unreserved characters, with upper-case hex as SigV4 requires.
    private static func uriEncode(_ bytes: some Sequence<UInt8>) -> String {
        var result: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "."), UInt8(ascii: "~"):
                result.append(byte)
            default:
                result += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Decodes `%XX` escapes; a malformed escape is kept as literal text, as a lenient server would.
    private static func percentDecoded(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Lower-cases ASCII only, because header names are ASCII tokens and locale rules must not apply.
    private static func asciiLowercased(_ text: String) -> String {
        String(
            decoding: text.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 },
            as: UTF8.self)
    }

    private static func hexSHA256(_ bytes: some Collection<UInt8>) -> String {
        var hasher = SHA256()
        let hashedContiguously: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
        }
        if hashedContiguously == nil {
            hasher.update(data: Array(bytes))
        }
        return hex(hasher.finalize())
    }

    private static let lowercaseHexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex, as hashes and signatures appear in SigV4 strings.
    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var result: [UInt8] = []
        for byte in bytes {
            result += [lowercaseHexDigits[Int(byte >> 4)], lowercaseHexDigits[Int(byte & 0x0F)]]
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// `X-Amz-Date` (`yyyyMMdd'T'HHmmss'Z'`) and the scope's date stamp, always in UTC and the Gregorian calendar.
    ///
    /// Computed from the epoch directly so no formatter, locale or time zone setting can change it.
    static func timestamp(_ date: Date) -> (amzDate: String, dateStamp: String) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Days since 1970-01-01 to a proleptic Gregorian civil date, counting eras of 400 years from 0000-03-01.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

        func digits(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let dateStamp = digits(year, 4) + digits(month, 2) + digits(day, 2)
        let time = digits(secondOfDay / 3_600, 2) + digits(secondOfDay / 60 % 60, 2) + digits(secondOfDay % 60, 2)
        return ("\(dateStamp)T\(time)Z", dateStamp)
    }
}
