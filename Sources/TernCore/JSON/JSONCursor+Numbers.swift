extension JSONCursor {
    /// Where a number's parts are: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` (RFC 8259).
    public struct ScannedNumber: Sendable, Equatable {
        /// The whole number.
        public var range: Range<Int>
        public var isNegative: Bool
        /// The digits before the fraction.
        public var integer: Range<Int>
        /// The digits after `.`; empty without a fraction.
        public var fraction: Range<Int>
        /// The digits after `e` and its sign; empty without an exponent.
        public var exponent: Range<Int>
        public var exponentIsNegative: Bool

        @inlinable
        public init(
            range: Range<Int>, isNegative: Bool, integer: Range<Int>, fraction: Range<Int>, exponent: Range<Int>, exponentIsNegative: Bool
        ) {
            self.range = range
            self.isNegative = isNegative
            self.integer = integer
            self.fraction = fraction
            self.exponent = exponent
            self.exponentIsNegative = exponentIsNegative
        }
    }

    /// Moves past the number at the cursor (after whitespace), checking it against RFC 8259: no leading zeros (`01`),
    /// digits on both sides of `.` (`1.`, `.5`), digits in the exponent (`1e`), no lone `-`.
    @inlinable
    public mutating func scanNumber() throws(JSONCursorError) -> ScannedNumber {
        skipWhitespace()
        let start = position
        let count = bytes.count
        let negative = position < count && bytes[position] == UInt8(ascii: "-")
        if negative { position &+= 1 }
        let integer = skipDigits()
        guard !integer.isEmpty else { throw failure("malformed number") }
        if integer.count > 1, bytes[integer.lowerBound] == UInt8(ascii: "0") {
            throw JSONCursorError(offset: start, reason: "leading zero in a number")
        }
        var fraction = position..<position
        if position < count, bytes[position] == UInt8(ascii: ".") {
            position &+= 1
            fraction = skipDigits()
            guard !fraction.isEmpty else { throw failure("malformed number") }
        }
        var exponent = position..<position
        var exponentIsNegative = false
        if position < count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position &+= 1
            if position < count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                exponentIsNegative = bytes[position] == UInt8(ascii: "-")
                position &+= 1
            }
            exponent = skipDigits()
            guard !exponent.isEmpty else { throw failure("malformed number") }
        }
        return ScannedNumber(
            range: start..<position, isNegative: negative, integer: integer, fraction: fraction, exponent: exponent,
            exponentIsNegative: exponentIsNegative)
    }

    @inlinable
    mutating func skipDigits() -> Range<Int> {
        let start = position
        while position < bytes.count, bytes[position] &- 0x30 < 10 { position &+= 1 }
        return start..<position
    }

    /// The integer at the cursor; a number with a fraction or an exponent (`1.0`, `1e3`) is refused, and so is one
    /// outside Int64. Errors name the number's first byte.
    @inlinable
    public mutating func readInt64() throws(JSONCursorError) -> Int64 {
        skipWhitespace()
        let start = position
        let count = bytes.count
        let negative = position < count && bytes[position] == UInt8(ascii: "-")
        if negative { position &+= 1 }
        let digitsStart = position
        var magnitude: UInt64 = 0
        var overflow = false
        while position < count, case let digit = bytes[position] &- 0x30, digit < 10 {
            let (times, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit))
            overflow = overflow || overflow1 || overflow2
            magnitude = sum
            position &+= 1
        }
        let digits = position &- digitsStart
        var reason: String?
        if digits == 0 {
            reason = "expected an integer"
        } else if digits > 1, bytes[digitsStart] == UInt8(ascii: "0") {
            reason = "leading zero in a number"
        } else if position < count, bytes[position] == UInt8(ascii: ".") || bytes[position] | 0x20 == UInt8(ascii: "e") {
            reason = "expected an integer"
        } else if overflow || magnitude > (negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)) {
            reason = "integer out of range"
        }
        if let reason {
            position = start
            throw failure(reason)
        }
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    /// The integer at the cursor, or nil for `null`.
    @inlinable
    public mutating func readOptionalInt64() throws(JSONCursorError) -> Int64? {
        if try consumeNull() { return nil }
        return try readInt64()
    }
}
