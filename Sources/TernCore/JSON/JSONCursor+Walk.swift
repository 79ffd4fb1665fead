extension JSONCursor {
    /// `true`, `false` or `null`.
    public enum Literal: Sendable, Equatable {
        case null
        case `false`
        case `true`
    }

    /// Moves past one value of any shape, checking its syntax. Iterative: deep nesting cannot exhaust the stack.
    @inlinable
    public mutating func skipValue() throws(JSONCursorError) {
        var skipping = SkippingVisitor()
        try walkValue(&skipping)
    }

    /// Reads one value of any shape (after whitespace), telling `visitor` what it finds in document order. Iterative,
    /// with one bit per open container, so nesting depth is limited by memory only.
    ///
    /// Always inlined, so that each caller gets it specialised for its visitor (across modules the optimiser does not
    /// always specialise it, and calling a visitor through its witness table costs ~10% of canonicalising).
    @inlinable @inline(__always)
    public mutating func walkValue<Visitor: JSONVisitor>(_ visitor: inout Visitor) throws(JSONCursorError) {
        var open = ContainerStack()
        var state = WalkState.value
        while true {
            switch state {
            case .value:
                let byte = try peek()
                state = .afterValue
                switch byte {
                case UInt8(ascii: "\""):
                    let string = try scanStringAtQuote()
                    try visitor.string(string, in: self)
                case UInt8(ascii: "{"):
                    position &+= 1
                    try visitor.beginObject()
                    if consume(UInt8(ascii: "}")) {
                        try visitor.endObject()
                    } else {
                        open.push(isObject: true)
                        state = .key
                    }
                case UInt8(ascii: "["):
                    position &+= 1
                    try visitor.beginArray()
                    if consume(UInt8(ascii: "]")) {
                        try visitor.endArray()
                    } else {
                        open.push(isObject: false)
                        state = .value
                    }
                case UInt8(ascii: "t"):
                    try readLiteral("true")
                    try visitor.literal(.true)
                case UInt8(ascii: "f"):
                    try readLiteral("false")
                    try visitor.literal(.false)
                case UInt8(ascii: "n"):
                    try readLiteral("null")
                    try visitor.literal(.null)
                case UInt8(ascii: "-"), 0x30...0x39:
                    let number = try scanNumber()
                    try visitor.number(number, in: self)
                default:
                    throw failure("expected a JSON value")
                }
            case .key:
                let key = try readKey()
                try visitor.key(key, in: self)
                state = .value
            case .afterValue:
                guard !open.isEmpty else { return }
                let isObject = open.innermostIsObject
                if try next(closing: isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    state = isObject ? .key : .value
                } else {
                    open.pop()
                    if isObject { try visitor.endObject() } else { try visitor.endArray() }
                }
            }
        }
    }

    @usableFromInline
    enum WalkState {
        case value
        case key
        case afterValue
    }

    /// Listens to nothing: ``skipValue()``.
    @usableFromInline
    struct SkippingVisitor: JSONVisitor {
        @inlinable init() {}
        @inlinable @inline(__always) func beginObject() {}
        @inlinable @inline(__always) func key(_ key: ScannedString, in cursor: JSONCursor) {}
        @inlinable @inline(__always) func endObject() {}
        @inlinable @inline(__always) func beginArray() {}
        @inlinable @inline(__always) func endArray() {}
        @inlinable @inline(__always) func string(_ string: ScannedString, in cursor: JSONCursor) {}
        @inlinable @inline(__always) func number(_ number: ScannedNumber, in cursor: JSONCursor) {}
        @inlinable @inline(__always) func literal(_ literal: Literal) {}
    }

    /// Which containers are open, innermost last: one bit each (1 for an object), 64 in a word; only nesting deeper than
    /// 64 allocates.
    @usableFromInline
    struct ContainerStack {
        @usableFromInline var depth = 0
        /// The innermost word: bit `level % 64` of each level since the last full word.
        @usableFromInline var word: UInt64 = 0
        @usableFromInline var fullWords: [UInt64] = []

        @inlinable init() {}

        @inlinable var isEmpty: Bool { depth == 0 }

        @inlinable var innermostIsObject: Bool { (word >> UInt64((depth &- 1) & 63)) & 1 == 1 }

        @inlinable
        mutating func push(isObject: Bool) {
            let slot = UInt64(depth & 63)
            if slot == 0, depth > 0 {
                fullWords.append(word)
            }
            word = isObject ? word | (1 << slot) : word & ~(1 << slot)
            depth &+= 1
        }

        @inlinable
        mutating func pop() {
            depth &-= 1
            if depth & 63 == 0, depth > 0 {
                word = fullWords.removeLast()
            }
        }
    }
}
