import Foundation

/// A `major.minor.patch` version with an optional pre-release label (`8.0.0-rc1`).
///
/// A `x` or missing component (`7.17.x`, `2`) reads as 0 and is remembered as a wildcard so it prints back as written.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var major: Int
    public var minor: Int
    public var patch: Int
    public var preRelease: String?
    /// How many components were given explicitly (1-3); the rest print as `x`.
    public var precision: Int

    public init(_ major: Int, _ minor: Int = 0, _ patch: Int = 0, preRelease: String? = nil, precision: Int = 3) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.preRelease = preRelease
        self.precision = precision
    }

    /// Parses `7.10.2`, `8.0.0-rc1`, `7.17.x`, `1.3`, `2`. Returns nil for anything else.
    public init?(_ text: String) {
        var core = Substring(text.trimmingCharacters(in: .whitespaces))
        if core.hasPrefix("v") { core = core.dropFirst() }
        var label: String?
        if let dash = core.firstIndex(of: "-") {
            label = String(core[core.index(after: dash)...])
            core = core[..<dash]
        }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var numbers: [Int] = []
        var precision = 0
        var sawWildcard = false
        for part in parts {
            if part == "x" || part == "X" || part == "*" {
                sawWildcard = true
                numbers.append(0)
            } else if let n = Int(part), n >= 0, !sawWildcard {
                numbers.append(n)
                precision += 1
            } else {
                return nil
            }
        }
        guard precision >= 1 else { return nil }
        while numbers.count < 3 { numbers.append(0) }
        self.init(numbers[0], numbers[1], numbers[2], preRelease: label, precision: precision)
    }

    public var description: String {
        let parts = [major, minor, patch].enumerated().map { $0.offset < precision ? String($0.element) : "x" }
        return parts.joined(separator: ".") + (preRelease.map { "-\($0)" } ?? "")
    }

    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch }
        // A pre-release sorts before its release.
        switch (lhs.preRelease, rhs.preRelease) {
        case (nil, nil), (nil, _): return false
        case (_, nil): return true
        case (let l?, let r?): return l < r
        }
    }

    public static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        lhs.major == rhs.major && lhs.minor == rhs.minor && lhs.patch == rhs.patch && lhs.preRelease == rhs.preRelease
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(preRelease)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let version = SemanticVersion(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a version: \(text)"))
        }
        self = version
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
