import Foundation

/// A shell command from `tern.yml` that Tern runs at one step of an operation (`/bin/sh -c`).
public struct HookCommand: Sendable, Hashable, Codable {
    /// The command line, before placeholders such as `{node}` are substituted.
    public var command: String
    /// Where it was written (`tern.yml line 12, cutover.hooks.switch[0]`), for messages.
    public var origin: String

    public init(_ command: String, origin: String = "") {
        self.command = command
        self.origin = origin
    }

    /// The command with each `{name}` replaced by its value.
    public func substituting(_ values: [String: String]) -> String {
        values.reduce(command) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }
}
