import Foundation
import TernCore

/// A size given on the command line: `10GB`, `512mb`, `100MiB`, `1048576`. Units are powers of 1024, as in
/// Elasticsearch settings (`http.max_content_length: 100mb`).
struct ByteSize: Sendable, Hashable {
    var bytes: Int64

    /// - Throws: `TernError` (exit code 2) naming the flag and the expected form.
    init(parsing text: String, flag: String) throws {
        let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = lowered.prefix { $0.isNumber || $0 == "." }
        var unit = lowered.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        if unit.hasSuffix("b") { unit.removeLast() }
        if unit.hasSuffix("i") { unit.removeLast() }
        let exponents: [String: Double] = ["": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5]
        guard let number = Double(digits), number > 0, let exponent = exponents[unit], number * pow(1024, exponent) >= 1,
            number * pow(1024, exponent) < Double(Int64.max)
        else {
            throw TernError.configuration(
                "\(flag) '\(text)' is not a size; write it like 10GB, 512MB, 100mb or a number of bytes (units are powers of 1024).")
        }
        bytes = Int64(number * pow(1024, exponent))
    }
}
