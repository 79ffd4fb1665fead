/// The profiles of `~/.aws/credentials` and `~/.aws/config`, read the way the AWS CLI and SDKs read them, so that an operator's
/// existing setup works unchanged.
///
/// Follows the SDKs' shared parser test suite: `[name]` sections in the credentials file, `[profile name]` and `[default]`
/// in the config file (`[profile default]` wins over `[default]`), `[services name]` sections for service endpoints, other
/// sections (`[sso-session x]`) ignored. Keys are trimmed and lower-cased (as the CLI does); a value may be continued on
/// indented lines, and a key with an empty value introduces indented sub-properties (`s3 =` / `  addressing_style = path`),
/// kept as `s3.addressing_style`. Comments are lines starting with `#` or `;`, and `#`/`;` after whitespace at the end of
/// a value. The same key in both files takes the credentials file's value. Malformed lines are skipped (their line numbers,
/// never their text, are in `ignoredLines`) rather than failing, so one bad line does not hide the other profiles.
package struct AWSSharedConfig: Sendable, Equatable {
    private var profiles: [String: [String: String]] = [:]
    private var servicesSections: [String: [String: String]] = [:]
    /// Lines that were skipped, as `config line 3` or `credentials line 7`, for a diagnostic.
    package private(set) var ignoredLines: [String] = []

    package init(credentialsText: String?, configText: String?) {
        var configProfiles: [String: [String: String]] = [:]
        if let configText {
            let sections = Self.parse(configText, file: .config, ignored: &ignoredLines)
            // `[profile default]` anywhere in the config file makes every plain `[default]` section there ignored.
            let prefixedDefault = sections.contains { $0.kind == .profile("default", prefixed: true) }
            for section in sections {
                switch section.kind {
                case .profile(let name, let prefixed):
                    if name == "default" && prefixedDefault && !prefixed { continue }
                    configProfiles[name, default: [:]].merge(section.properties) { _, new in new }
                case .services(let name):
                    servicesSections[name, default: [:]].merge(section.properties) { _, new in new }
                case .ignored:
                    continue
                }
            }
        }
        var credentialProfiles: [String: [String: String]] = [:]
        if let credentialsText {
            for section in Self.parse(credentialsText, file: .credentials, ignored: &ignoredLines) {
                if case .profile(let name, _) = section.kind {
                    credentialProfiles[name, default: [:]].merge(section.properties) { _, new in new }
                }
            }
        }
        profiles = configProfiles.merging(credentialProfiles) { config, credentials in
            config.merging(credentials) { _, credential in credential }
        }
    }

    /// The profile's settings (credentials file over config file), or nil when neither file defines it.
    package func profile(_ name: String) -> [String: String]? {
        profiles[name]
    }

    /// A `[services name]` section of the config file (`s3.endpoint_url`), named by a profile's `services` key.
    package func services(_ name: String) -> [String: String]? {
        servicesSections[name]
    }

    /// Every profile name, sorted, for an error that lists what exists.
    package var profileNames: [String] {
        profiles.keys.sorted()
    }

    private enum File: String {
        case config
        case credentials
    }

    private enum SectionKind: Equatable {
        case profile(String, prefixed: Bool)
        case services(String)
        case ignored
    }

    private struct Section {
        var kind: SectionKind
        var properties: [String: String] = [:]
    }

    private static func parse(_ text: String, file: File, ignored: inout [String]) -> [Section] {
        var sections: [Section] = []
        // The property that indented lines continue, and whether they are its sub-properties (its value was empty).
        var property: (key: String, hasSubProperties: Bool)?
        var lineNumber = 0
        // `\r\n` is one Character in Swift, so it is a separator of its own.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            let trimmed = trim(line)
            guard let first = line.first, !trimmed.isEmpty, first != "#", first != ";" else { continue }
            if first == " " || first == "\t" {
                guard !sections.isEmpty, let current = property else {
                    ignored.append("\(file.rawValue) line \(lineNumber)")
                    continue
                }
                if current.hasSubProperties {
                    guard let (key, value) = keyValue(trimmed) else {
                        ignored.append("\(file.rawValue) line \(lineNumber)")
                        continue
                    }
                    sections[sections.count - 1].properties["\(current.key).\(key)"] = value
                } else {
                    sections[sections.count - 1].properties[current.key, default: ""] += "\n" + trimmed
                }
                continue
            }
            if first == "[" {
                property = nil
                guard let kind = sectionKind(line, file: file) else {
                    ignored.append("\(file.rawValue) line \(lineNumber)")
                    sections.append(Section(kind: .ignored))
                    continue
                }
                sections.append(Section(kind: kind))
                continue
            }
            guard !sections.isEmpty, let (key, value) = keyValue(stripComment(trimmed)) else {
                property = nil
                ignored.append("\(file.rawValue) line \(lineNumber)")
                continue
            }
            sections[sections.count - 1].properties[key] = value
            property = (key, value.isEmpty)
        }
        return sections
    }

    /// `[default]`, `[profile name]`, `[services name]` (config) or `[name]` (credentials); nil for a malformed header.
    private static func sectionKind(_ line: Substring, file: File) -> SectionKind? {
        guard let close = line.firstIndex(of: "]") else { return nil }
        let rest = trim(line[line.index(after: close)...])
        guard rest.isEmpty || rest.hasPrefix("#") || rest.hasPrefix(";") else { return nil }
        let inside = trim(line[line.index(after: line.startIndex)..<close])
        let words = inside.split(whereSeparator: { $0 == " " || $0 == "\t" })
        switch file {
        case .credentials:
            guard words.count == 1 else { return nil }
            return .profile(String(words[0]), prefixed: false)
        case .config:
            if words.count == 1 { return words[0] == "default" ? .profile("default", prefixed: false) : .ignored }
            guard words.count == 2 else { return nil }
            switch words[0] {
            case "profile": return .profile(String(words[1]), prefixed: true)
            case "services": return .services(String(words[1]))
            default: return .ignored  // sso-session and sections this reader does not use
            }
        }
    }

    /// `key = value` with the key lower-cased; nil without `=` or with an empty or spaced key.
    private static func keyValue(_ text: Substring) -> (String, String)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let key = trim(text[..<equals])
        guard !key.isEmpty, !key.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
        return (key.lowercased(), String(trim(text[text.index(after: equals)...])))
    }

    /// Drops a `#` or `;` comment that follows whitespace; one touching the value is part of it.
    private static func stripComment(_ text: Substring) -> Substring {
        var previous: Character = "x"
        for index in text.indices {
            let character = text[index]
            if (character == "#" || character == ";") && (previous == " " || previous == "\t") {
                return trim(text[..<index])
            }
            previous = character
        }
        return text
    }

    private static func trim(_ text: Substring) -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = text.firstIndex(where: { !isBlank($0) }), let end = text.lastIndex(where: { !isBlank($0) }) else {
            return text[text.endIndex...]
        }
        return text[start...end]
    }
}
