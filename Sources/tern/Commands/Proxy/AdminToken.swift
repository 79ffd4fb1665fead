import Foundation
import TernCore

/// The capture proxy's admin token: where it comes from and how it is read (``AdminTokenFile`` writes a generated one).
/// The token itself is never printed; only the file that holds it is named.
enum AdminToken {
    /// The environment variable that may hold the token.
    static let environmentVariable = "TERN_PROXY_TOKEN"
    /// The generated token's file when the capture folder is the default one.
    static let defaultFile = ".tern/proxy.token"

    /// Where the token came from.
    enum Origin: Sendable, Equatable {
        case file(String)
        case environment
        case generated(String)

        /// The file holding the token, when there is one.
        var file: String? {
            switch self {
            case .file(let path), .generated(let path): path
            case .environment: nil
            }
        }
    }

    /// The file a proxy writes its generated token to: `proxy.token` in the folder above the capture folder.
    static func generatedFile(captureDirectory: String) -> String {
        WorkspaceFolders.beside(captureDirectory, named: "proxy.token")
    }

    /// The token from `--admin-token-file` or the environment, or nil when neither gives one.
    static func given(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (Secret, Origin)? {
        if let file { return (try read(file, flag: "--admin-token-file"), .file(file)) }
        if let value = environment[environmentVariable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
            return (Secret(value), .environment)
        }
        return nil
    }

    /// For the admin commands: `file`, `TERN_PROXY_TOKEN`, else the token `tern proxy` generated in `generated`.
    static func forClient(file: String?, generated: String = defaultFile) throws -> Secret {
        if let (token, _) = try given(file: file) { return token }
        guard FileManager.default.fileExists(atPath: generated) else {
            throw TernError.configuration(
                "No admin token: pass --admin-token-file PATH or set \(environmentVariable) (tern proxy writes a generated token to proxy.token next to its capture folder, here \(generated))."
            )
        }
        return try read(generated, flag: "the token file")
    }

    private static func read(_ path: String, flag: String) throws -> Secret {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TernError.configuration("Cannot read the admin token file \(path) (\(flag)); check the path and its permissions.")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw TernError.configuration("The admin token file \(path) is empty; put the token on its first line.")
        }
        return Secret(token)
    }
}
