import Foundation

/// The line `tern proxy` prints once it listens: for people, or one JSON object for scripts.
struct ProxyStartup: Encodable {
    /// `http://127.0.0.1:9400`, with the port actually bound.
    var listen: String
    var captureDirectory: String
    var targetCaptureDirectory: String?
    /// Where reads are recorded (`--read-log`); nil when they are not.
    var readLogDirectory: String?
    /// The file holding the admin token; nil when it came from the environment.
    var adminTokenFile: String?
    var source: String
    var target: String?
    var mode: String
    /// What opening the capture logs repaired (a torn tail cut), as sentences.
    var recovered: String?

    enum CodingKeys: String, CodingKey {
        case listen, source, target, mode, recovered
        case captureDirectory = "capture_dir"
        case targetCaptureDirectory = "target_capture_dir"
        case readLogDirectory = "read_log"
        case adminTokenFile = "admin_token_file"
    }

    /// One line (scripts read the first line of standard output), keys sorted.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func human(origin: AdminToken.Origin) -> String {
        let token =
            switch origin {
            case .file(let path): "admin token from \(path)"
            case .environment: "admin token from $\(AdminToken.environmentVariable)"
            case .generated(let path): "admin token written to \(path)"
            }
        var line = "Proxy listening on \(listen), forwarding to \(source)"
        if let target { line += " (target \(target))" }
        line += "; capturing writes in \(captureDirectory)"
        if let readLogDirectory { line += ", reads in \(readLogDirectory)" }
        line += "; \(token)."
        return line
    }
}
