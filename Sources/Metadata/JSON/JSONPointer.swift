import TernCore

/// An RFC 6901 JSON pointer (`/mappings/properties/title`): `~1` stands for `/` and `~0` for `~` inside a token.
///
/// Transformations, comparisons and user rules name places in metadata with pointers so a person can find them in the JSON.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// The unescaped reference tokens; empty for the whole document.
    public var tokens: [String]

    /// Why a pointer could not be read or followed.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(tokens: [String] = []) {
        self.tokens = tokens
    }

    /// Parses pointer text.
    /// - Throws: `Failure` when the text does not start with `/` (and is not empty) or has a `~` not followed by `0` or `1`.
    public init(parsing text: String) throws(Failure) {
        guard !text.isEmpty else {
            self.init()
            return
        }
        guard text.hasPrefix("/") else {
            throw Failure(description: "a JSON pointer starts with /")
        }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var escape = false
            for character in raw {
                if escape {
                    switch character {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default: throw Failure(description: "~ must be followed by 0 (for ~) or 1 (for /)")
                    }
                    escape = false
                } else if character == "~" {
                    escape = true
                } else {
                    token.append(character)
                }
            }
            if escape { throw Failure(description: "~ must be followed by 0 (for ~) or 1 (for /)") }
            tokens.append(token)
        }
        self.init(tokens: tokens)
    }

    /// The pointer text, tokens escaped.
    public var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }

    /// This pointer followed by more tokens.
    public func appending(_ more: String...) -> JSONPointer {
        JSONPointer(tokens: tokens + more)
    }

    /// This pointer followed by another pointer's tokens.
    public func appending(_ other: JSONPointer) -> JSONPointer {
        JSONPointer(tokens: tokens + other.tokens)
    }

    /// The pointer one level up; nil for the whole document.
    public var parent: JSONPointer? {
        tokens.isEmpty ? nil : JSONPointer(tokens: Array(tokens.dropLast()))
    }

    /// Whether `self` is `other` or lies inside it.
    public func isWithin(_ other: JSONPointer) -> Bool {
        tokens.count >= other.tokens.count && Array(tokens.prefix(other.tokens.count)) == other.tokens
    }

    public static func < (lhs: JSONPointer, rhs: JSONPointer) -> Bool {
        lhs.tokens.lexicographicallyPrecedes(rhs.tokens)
    }
}

extension JSONValue {
    /// The value a pointer designates, or nil when a step does not exist.
    public func value(atPointer pointer: JSONPointer) -> JSONValue? {
        var current = self
        for token in pointer.tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let array):
                guard let index = JSONPointer.arrayIndex(token), array.indices.contains(index) else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Puts `value` at the pointer, creating missing objects on the way (`-` appends to an array).
    /// - Throws: `JSONPointer.Failure` when a step goes through a scalar or names an array position that does not exist.
    public mutating func setValue(_ value: JSONValue, atPointer pointer: JSONPointer) throws(JSONPointer.Failure) {
        var root: JSONValue? = self
        try JSONPointer.modify(&root, pointer.tokens[...], creating: true, path: []) { $0 = value }
        self = root ?? .null
    }

    /// Removes the value at the pointer and returns it; nil (and no change) when there was none.
    @discardableResult
    public mutating func removeValue(atPointer pointer: JSONPointer) -> JSONValue? {
        guard !pointer.tokens.isEmpty, value(atPointer: pointer) != nil else { return nil }
        var removed: JSONValue?
        var root: JSONValue? = self
        try? JSONPointer.modify(&root, pointer.tokens[...], creating: false, path: []) {
            removed = $0
            $0 = nil
        }
        self = root ?? .null
        return removed
    }
}

extension JSONPointer {
    /// An array position: digits without a leading zero.
    static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber), token == "0" || !token.hasPrefix("0") else {
            return nil
        }
        return Int(token)
    }

    /// Walks to the place named by `tokens` and lets `body` change it (setting nil removes it).
    static func modify(
        _ value: inout JSONValue?, _ tokens: ArraySlice<String>, creating: Bool, path: [String],
        _ body: (inout JSONValue?) -> Void
    ) throws(Failure) {
        guard let token = tokens.first else {
            body(&value)
            return
        }
        let here = JSONPointer(tokens: path)
        switch value {
        case .object(var object)?:
            var child = object[token]
            if child == nil && !creating { return }
            try modify(&child, tokens.dropFirst(), creating: creating, path: path + [token], body)
            object[token] = child
            value = .object(object)
        case .array(var array)?:
            if token == "-" && creating {
                var child: JSONValue?
                try modify(&child, tokens.dropFirst(), creating: creating, path: path + [token], body)
                if let child { array.append(child) }
            } else if let index = arrayIndex(token), array.indices.contains(index) {
                var child: JSONValue? = array[index]
                try modify(&child, tokens.dropFirst(), creating: creating, path: path + [token], body)
                if let child { array[index] = child } else { array.remove(at: index) }
            } else {
                throw Failure(
                    description:
                        "\(here.description.isEmpty ? "the document" : here.description) is a list; '\(token)' is not a position in it")
            }
            value = .array(array)
        case nil:
            guard creating else { return }
            var child: JSONValue?
            try modify(&child, tokens.dropFirst(), creating: creating, path: path + [token], body)
            if let child { value = .object([token: child]) }
        default:
            throw Failure(
                description: "\(here.description.isEmpty ? "the document" : here.description) is a single value, not an object or a list")
        }
    }
}
