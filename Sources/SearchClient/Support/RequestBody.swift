import Foundation
import TernCore

/// JSON request bodies with sorted keys, so the same request is always the same bytes (in logs, tests and captures).
package enum RequestBody {
    package static func encode(_ value: JSONValue) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

}
