import Foundation

/// A cluster's JSON answer (or one bulk item of it), read only for the few fields a replay needs.
struct ExchangeResponse {
    let object: [String: Any]

    init(_ object: [String: Any]) { self.object = object }

    /// Parses a response body; nil when it is not a JSON object.
    init?(body: [UInt8]) {
        guard !body.isEmpty, let parsed = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        object = parsed
    }

    func string(_ key: String) -> String? {
        switch object[key] {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    func integer(_ key: String) -> Int64? {
        switch object[key] {
        case let number as NSNumber: number.int64Value
        case let text as String: Int64(text)
        default: nil
        }
    }

    func bool(_ key: String) -> Bool? {
        switch object[key] {
        case let flag as Bool: flag
        case let text as String: text == "true" ? true : text == "false" ? false : nil
        default: nil
        }
    }

    func child(_ key: String) -> ExchangeResponse? {
        (object[key] as? [String: Any]).map(ExchangeResponse.init)
    }

    /// The version a replayed write carries: `_seq_no` where the cluster reports one (6.0 and later), else `_version` —
    /// the same choice the backfill makes, so both order writes alike.
    var externalVersion: Int64? {
        // Clusters report -2 (unassigned) for operations that did not run, such as no-op updates.
        if let sequence = integer("_seq_no"), sequence >= 0 { return sequence }
        if let version = integer("_version"), version >= 0 { return version }
        return nil
    }

    var result: String? { string("result") }
}
