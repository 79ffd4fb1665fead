import TernCore

/// The canonical form of one JSON number, for ``CanonicalJSON``: `I` + sign + length + significant digits + exponent
/// (LEB128 numbers) when its value is an integer, exact at any size; `D` + the little-endian bits of the double it
/// denotes when it has a fraction. Zero, `-0` and `0.0e5` are all `I 0 0 0`.
///
/// Read straight from the number's digits, with no copy: the significant digits are the integer and fraction digits
/// without leading and trailing zeros. A fraction's double is computed exactly, without `strtod`, when both its
/// significant digits (below 2^53) and the power of ten (10^22 at most) are exact doubles: one IEEE division then
/// rounds exactly as `strtod` does. Anything else goes through `Double(String)`, as the first implementation did.
enum CanonicalNumber {
    /// Appends the canonical form of `number`, whose text is in `bytes`, to `output`.
    /// - Throws: when a fraction's double cannot be read (`Double(String)` refuses it).
    static func append(_ number: JSONCursor.ScannedNumber, in bytes: UnsafeRawBufferPointer, to output: inout CanonicalBuffer)
        throws(JSONCursorError)
    {
        var exponent = 0
        for index in number.exponent {
            // Saturates: exponents beyond a billion are out of every engine's range anyway.
            exponent = min(exponent * 10 + Int(bytes[index] &- 0x30), 1_000_000_000)
        }
        if number.exponentIsNegative { exponent = -exponent }

        // The digits are the integer digits then the fraction digits; JSON allows a leading zero only as the integer
        // part "0", so leading zeros are that one and those at the start of the fraction.
        let integer = number.integer
        let fraction = number.fraction
        var first = integer.lowerBound
        if bytes[first] == 0x30 {
            first = fraction.lowerBound
            while first < fraction.upperBound, bytes[first] == 0x30 { first &+= 1 }
            if first == fraction.upperBound {
                // Zero, -0 and 0.0e5 alike.
                output.append(CanonicalJSON.Tag.integer, 0)
                output.append(0, 0)
                return
            }
        }
        // The last significant digit: trailing zeros move into the exponent.
        var last = fraction.upperBound
        while last > fraction.lowerBound, bytes[last &- 1] == 0x30 { last &-= 1 }
        var trailingZeros = fraction.upperBound &- last
        if last == fraction.lowerBound {
            last = integer.upperBound
            while bytes[last &- 1] == 0x30 { last &-= 1 }
            trailingZeros &+= integer.upperBound &- last
        }
        exponent = exponent - fraction.count + trailingZeros
        // The significant digits: one run, or two when they cross the `.`.
        let head: Range<Int>
        let tail: Range<Int>
        if first >= fraction.lowerBound {
            head = first..<last
            tail = last..<last
        } else if last <= integer.upperBound {
            head = first..<last
            tail = last..<last
        } else {
            head = first..<integer.upperBound
            tail = fraction.lowerBound..<last
        }
        let digitCount = head.count &+ tail.count

        if exponent >= 0 {
            output.append(CanonicalJSON.Tag.integer, number.isNegative ? 1 : 0)
            output.appendLength(digitCount)
            output.append(UnsafeRawBufferPointer(rebasing: bytes[head]))
            if !tail.isEmpty { output.append(UnsafeRawBufferPointer(rebasing: bytes[tail])) }
            output.appendLength(exponent)
            return
        }

        var value: Double
        if digitCount <= 16, exponent >= -22, let significand = significand(head, tail, in: bytes) {
            value = Double(significand) / powersOfTen[-exponent]
            if number.isNegative { value = -value }
        } else {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[number.range]), as: UTF8.self)
            guard let parsed = Double(text) else {
                throw JSONCursorError(offset: number.range.lowerBound, reason: "number out of range")
            }
            value = parsed == 0 ? 0 : parsed
        }
        output.append(CanonicalJSON.Tag.double)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { output.append($0) }
    }

    /// The significant digits as an integer when it is an exact double (at most 2^53), else nil.
    private static func significand(_ head: Range<Int>, _ tail: Range<Int>, in bytes: UnsafeRawBufferPointer) -> UInt64? {
        var value: UInt64 = 0
        for index in head { value = value &* 10 &+ UInt64(bytes[index] &- 0x30) }
        for index in tail { value = value &* 10 &+ UInt64(bytes[index] &- 0x30) }
        return value <= 1 << 53 ? value : nil
    }

    /// 10^0 ... 10^22, the powers of ten that are exact doubles.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]
}
