import TernCore

/// Rewrites JSON bytes into a canonical byte form in which equal JSON values have equal bytes: object members sorted by
/// key, strings unescaped, numbers normalised. Used only to digest documents, never sent anywhere.
///
/// The form is a compact tagged encoding, not JSON, so no escaping is needed: `n` `t` `f` literals; `S` + length + UTF-8
/// bytes for strings; `I` + sign + length + digits + exponent for numbers with an integer value (exact, whatever their size:
/// ids beyond 2^53 must not collapse); `D` + the 8 bytes of the IEEE double for numbers with a fraction (`1.10` and `1.1`
/// are the same double; the engines index them as doubles anyway); `[` elements `]`; `{` key value ... `}`.
///
/// ``JSONCursor`` reads the JSON (iteratively, so deep nesting cannot exhaust the thread's stack) and tells this writer
/// what it finds. Strings are kept as the engines keep them: a lone surrogate escape becomes its 3-byte generalised
/// UTF-8 form and bytes that are not UTF-8 stay as they are, so both sides of a comparison digest them the same way.
///
/// Digests are compared across versions, so this form must never drift: the tests hold it byte for byte to the first
/// implementation (`ReferenceCanonicalJSON` in the tests). What makes it cheap: every buffer is reused from one document
/// to the next (nothing is allocated per object or per value once they have grown), members are written in the order
/// they come and moved only when an object's keys turn out not to be in order, and numbers are normalised from their
/// digits, with the double of a fraction computed exactly when that can be done without `strtod`.
struct CanonicalJSON {
    /// The canonical bytes of the last ``canonicalize(_:)``.
    private(set) var output = CanonicalBuffer()
    /// An object's members while they are put in order.
    private var scratch = CanonicalBuffer()
    /// A string with escapes, decoded.
    private var decoded: [UInt8] = []
    /// The members of every open object, outermost object's first: one stack shared by all, so no object allocates.
    private var members: [Member] = []
    /// The open objects, innermost last (arrays need no bookkeeping).
    private var frames: [Frame] = []
    /// The members of the object being put in order, as indices into `members`, sorted.
    private var order: [Int] = []

    typealias Failure = JSONCursorError

    static let options = JSONCursor.Options(loneSurrogates: .keep, invalidUTF8: .keep)

    private struct Member {
        /// The key's content bytes inside `output`.
        var key: Range<Int>
        /// The key's first 8 bytes (zeros after a shorter key's end), big-endian: whenever two keys' prefixes differ, they
        /// order the keys, so most comparisons read no key bytes.
        var prefix: UInt64
        /// Where the member (key header included) starts inside `output`.
        var start: Int
    }

    private struct Frame {
        /// Where the first member starts inside `output` (after the `{` tag).
        var base: Int
        /// The index of the object's first member in `members`.
        var firstMember: Int
        /// Whether each key so far came after the one before it (or equalled it: ties keep document order anyway).
        var inOrder = true
    }

    enum Tag {
        static let null = UInt8(ascii: "n")
        static let `true` = UInt8(ascii: "t")
        static let `false` = UInt8(ascii: "f")
        static let integer = UInt8(ascii: "I")
        static let double = UInt8(ascii: "D")
        static let string = UInt8(ascii: "S")
        static let arrayStart = UInt8(ascii: "[")
        static let arrayEnd = UInt8(ascii: "]")
        static let objectStart = UInt8(ascii: "{")
        static let objectEnd = UInt8(ascii: "}")
    }

    /// Replaces ``output`` with the canonical form of `json` (one JSON value, whitespace around it allowed).
    mutating func canonicalize(_ json: UnsafeRawBufferPointer) throws(Failure) {
        output.reset()
        scratch.reset()
        members.removeAll(keepingCapacity: true)
        frames.removeAll(keepingCapacity: true)
        var cursor = JSONCursor(json, options: Self.options)
        try cursor.walkValue(&self)
        try cursor.expectEnd()
    }

    // MARK: Objects

    /// Records a member whose key was just written, noting whether it breaks its object's key order.
    private mutating func addMember(key: Range<Int>, start: Int) {
        let member = Member(key: key, prefix: Self.prefix(key, in: output), start: start)
        let frame = frames.count - 1
        if frames[frame].inOrder, members.count > frames[frame].firstMember,
            Self.compare(member, members[members.count - 1], in: output) < 0
        {
            frames[frame].inOrder = false
        }
        members.append(member)
    }

    /// Ends the innermost object: its members, already canonical, are put in key order (by UTF-8 bytes; the original
    /// position breaks ties so duplicate keys stay deterministic) unless they came in order.
    private mutating func closeObject() {
        let frame = frames.removeLast()
        if !frame.inOrder { reorderMembers(of: frame) }
        members.removeLast(members.count - frame.firstMember)
        output.append(Tag.objectEnd)
    }

    /// Rewrites the object's members (from `frame.base` to the end of `output`) in key order.
    private mutating func reorderMembers(of frame: Frame) {
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: frame.firstMember..<members.count)
        let end = output.count
        // A copy (sharing the bytes) to read members from while `order` and `scratch` change.
        let output = self.output
        members.withUnsafeBufferPointer { members in
            // Keys compare as bytes; equal keys keep their document order, so the order is total.
            func precedes(_ left: Int, _ right: Int) -> Bool {
                let comparison = Self.compare(members[left], members[right], in: output)
                return comparison < 0 || (comparison == 0 && left < right)
            }
            if order.count <= 16 {
                // Insertion sort: no allocation, and few comparisons for the small objects documents are made of.
                for next in 1..<order.count {
                    let member = order[next]
                    var slot = next
                    while slot > 0, precedes(member, order[slot - 1]) {
                        order[slot] = order[slot - 1]
                        slot -= 1
                    }
                    order[slot] = member
                }
            } else {
                order.sort(by: precedes)
            }
            scratch.reset()
            for index in order {
                let start = members[index].start
                let memberEnd = index + 1 < members.count ? members[index + 1].start : end
                scratch.append(UnsafeRawBufferPointer(start: output.address(start), count: memberEnd - start))
            }
        }
        scratch.withUnsafeBytes { sorted in self.output.replace(from: frame.base, with: sorted) }
    }

    /// The first 8 bytes of a key, zeros after its end, as a big-endian number (see ``Member/prefix``).
    @inline(__always)
    private static func prefix(_ key: Range<Int>, in buffer: CanonicalBuffer) -> UInt64 {
        let bytes = buffer.address(key.lowerBound)
        var prefix: UInt64 = 0
        for index in 0..<8 {
            prefix <<= 8
            if index < key.count { prefix |= UInt64(bytes[index]) }
        }
        return prefix
    }

    /// How two members' keys compare as byte strings: negative, zero or positive.
    @inline(__always)
    private static func compare(_ left: Member, _ right: Member, in buffer: CanonicalBuffer) -> Int {
        if left.prefix != right.prefix { return left.prefix < right.prefix ? -1 : 1 }
        return compare(left.key, right.key, in: buffer)
    }

    /// How two keys inside `buffer` compare as byte strings: negative, zero or positive. Inline, 8 bytes at a time:
    /// keys are short, and a call to `memcmp` cost more than the comparison.
    @inline(__always)
    private static func compare(_ left: Range<Int>, _ right: Range<Int>, in buffer: CanonicalBuffer) -> Int {
        let a = UnsafeRawPointer(buffer.address(left.lowerBound))
        let b = UnsafeRawPointer(buffer.address(right.lowerBound))
        let common = min(left.count, right.count)
        var index = 0
        while index &+ 8 <= common {
            // Big-endian, so that comparing the words compares their bytes in order.
            let x = a.loadUnaligned(fromByteOffset: index, as: UInt64.self).bigEndian
            let y = b.loadUnaligned(fromByteOffset: index, as: UInt64.self).bigEndian
            if x != y { return x < y ? -1 : 1 }
            index &+= 8
        }
        while index < common {
            let x = a.load(fromByteOffset: index, as: UInt8.self)
            let y = b.load(fromByteOffset: index, as: UInt8.self)
            if x != y { return x < y ? -1 : 1 }
            index &+= 1
        }
        return left.count - right.count
    }

    // MARK: Strings

    /// Writes a string (escapes resolved) and returns where its content bytes are inside `output`.
    private mutating func appendString(_ string: JSONCursor.ScannedString, in cursor: JSONCursor) throws(Failure) -> Range<Int> {
        output.append(Tag.string)
        if !string.hasEscapes {
            let raw = cursor.rawContent(string)
            output.appendLength(raw.count)
            let content = output.count
            output.append(raw)
            return content..<output.count
        }
        decoded.removeAll(keepingCapacity: true)
        try cursor.decodeString(string, into: &decoded)
        output.appendLength(decoded.count)
        let content = output.count
        decoded.withUnsafeBytes { output.append($0) }
        return content..<output.count
    }
}

extension CanonicalJSON: JSONVisitor {
    mutating func beginObject() throws(Failure) {
        output.append(Tag.objectStart)
        frames.append(Frame(base: output.count, firstMember: members.count))
    }

    mutating func key(_ key: JSONCursor.ScannedString, in cursor: JSONCursor) throws(Failure) {
        let start = output.count
        let content = try appendString(key, in: cursor)
        addMember(key: content, start: start)
    }

    mutating func endObject() throws(Failure) {
        closeObject()
    }

    mutating func beginArray() throws(Failure) {
        output.append(Tag.arrayStart)
    }

    mutating func endArray() throws(Failure) {
        output.append(Tag.arrayEnd)
    }

    mutating func string(_ string: JSONCursor.ScannedString, in cursor: JSONCursor) throws(Failure) {
        _ = try appendString(string, in: cursor)
    }

    mutating func number(_ number: JSONCursor.ScannedNumber, in cursor: JSONCursor) throws(Failure) {
        try CanonicalNumber.append(number, in: cursor.bytes, to: &output)
    }

    mutating func literal(_ literal: JSONCursor.Literal) throws(Failure) {
        switch literal {
        case .null: output.append(Tag.null)
        case .true: output.append(Tag.true)
        case .false: output.append(Tag.false)
        }
    }
}
