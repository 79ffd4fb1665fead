/// What ``JSONCursor/walkValue(_:)`` tells as it reads one value, in document order: a tree builder, a canonical form
/// writer, or nothing at all (skipping). Every event has a default that does nothing.
public protocol JSONVisitor {
    /// `{`; its members follow as ``key(_:in:)`` and a value each, then ``endObject()``.
    mutating func beginObject() throws(JSONCursorError)
    /// A member's name, read up to its `:`; its value comes next.
    mutating func key(_ key: JSONCursor.ScannedString, in cursor: JSONCursor) throws(JSONCursorError)
    mutating func endObject() throws(JSONCursorError)
    /// `[`; its elements follow, then ``endArray()``.
    mutating func beginArray() throws(JSONCursorError)
    mutating func endArray() throws(JSONCursorError)
    /// A string value; `cursor` decodes it.
    mutating func string(_ string: JSONCursor.ScannedString, in cursor: JSONCursor) throws(JSONCursorError)
    /// A number, checked against the JSON grammar; `cursor.bytes` holds its text.
    mutating func number(_ number: JSONCursor.ScannedNumber, in cursor: JSONCursor) throws(JSONCursorError)
    mutating func literal(_ literal: JSONCursor.Literal) throws(JSONCursorError)
}

extension JSONVisitor {
    @inlinable public mutating func beginObject() throws(JSONCursorError) {}
    @inlinable public mutating func key(_ key: JSONCursor.ScannedString, in cursor: JSONCursor) throws(JSONCursorError) {}
    @inlinable public mutating func endObject() throws(JSONCursorError) {}
    @inlinable public mutating func beginArray() throws(JSONCursorError) {}
    @inlinable public mutating func endArray() throws(JSONCursorError) {}
    @inlinable public mutating func string(_ string: JSONCursor.ScannedString, in cursor: JSONCursor) throws(JSONCursorError) {}
    @inlinable public mutating func number(_ number: JSONCursor.ScannedNumber, in cursor: JSONCursor) throws(JSONCursorError) {}
    @inlinable public mutating func literal(_ literal: JSONCursor.Literal) throws(JSONCursorError) {}
}
