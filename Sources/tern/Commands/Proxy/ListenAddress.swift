import TernCore

/// `HOST:PORT` (or `[IPv6]:PORT`) as given to `--listen`.
struct ListenAddress: Sendable, Hashable {
    var host: String
    var port: Int

    /// - Throws: `TernError` (exit code 2) naming the flag and the expected form.
    init(parsing text: String, flag: String = "--listen") throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let invalid = TernError.configuration(
            "\(flag) '\(text)' is not HOST:PORT; write it like 127.0.0.1:9400, 0.0.0.0:9200 or [::1]:9400 (port 0 picks a free one).")
        guard let colon = trimmed.lastIndex(of: ":") else { throw invalid }
        var host = String(trimmed[..<colon])
        let portText = trimmed[trimmed.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains("["), let port = Int(portText) else { throw invalid }
        guard (0...65535).contains(port) else {
            throw TernError.configuration("\(flag) '\(text)' has the port \(port); use 0 to 65535 (0 picks a free one).")
        }
        self.host = host
        self.port = port
    }

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `http://127.0.0.1:9400`, with brackets around an IPv6 host.
    func url(scheme: String, port: Int? = nil) -> String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(shown):\(port ?? self.port)"
    }
}
