import Crypto
import TernCore

/// A 128-bit digest of a document's `_source` in canonical form, so two clusters holding the same content give the same
/// digest whatever their key order, number formatting or string escaping.
///
/// Equal: `{"a":1,"b":2}` and `{"b":2,"a":1}`; `1`, `1.0` and `1e0`; `"\u00e9"` and `"é"`. Different: any changed value,
/// a changed array order, `1` and `"1"`. Integers stay exact at any size (`9007199254740993` is not `9007199254740992`);
/// numbers with a fraction compare as the doubles they denote. The digest is SHA-256 of the canonical form, truncated to
/// 128 bits: enough that a collision among 100M documents is not a practical concern.
public struct CanonicalDigest: Sendable, Hashable, CustomStringConvertible {
    /// The first 8 bytes of the SHA-256, big-endian.
    public var high: UInt64
    /// The next 8 bytes.
    public var low: UInt64

    /// A digest from its two halves (as stored in a partition file).
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The digest of one `_source`.
    /// - Throws: `TernError` (`.badResponse`) when `source` is not one JSON value.
    public init(source: some Collection<UInt8>) throws {
        var canonicalizer = Canonicalizer()
        self = try canonicalizer.digest(source)
    }

    /// 32 lowercase hexadecimal digits.
    public var description: String {
        func hex(_ value: UInt64) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }
        return hex(high) + hex(low)
    }

    /// Digests many sources in a row, reusing its buffers (one per reading task).
    public struct Canonicalizer: Sendable {
        private var json = CanonicalJSON()

        public init() {}

        /// The digest of one `_source`.
        /// - Throws: `TernError` (`.badResponse`) when `source` is not one JSON value.
        public mutating func digest(_ source: some Collection<UInt8>) throws -> CanonicalDigest {
            let done: Void? = try source.withContiguousStorageIfAvailable { buffer in
                try canonicalize(UnsafeRawBufferPointer(buffer))
            }
            if done == nil {
                try Array(source).withUnsafeBytes { raw in try canonicalize(raw) }
            }
            var hasher = SHA256()
            json.output.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            return hasher.finalize().withUnsafeBytes { bytes in
                CanonicalDigest(
                    high: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                    low: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
        }

        /// The canonical bytes of `source`, for tests and for explaining a difference.
        mutating func canonicalBytes(_ source: [UInt8]) throws -> [UInt8] {
            try source.withUnsafeBytes { raw in try canonicalize(raw) }
            return json.output.array
        }

        private mutating func canonicalize(_ raw: UnsafeRawBufferPointer) throws {
            do {
                try json.canonicalize(raw)
            } catch {
                throw TernError(.badResponse, "A document source is not valid JSON (\(error.reason) at byte \(error.offset)).")
            }
        }
    }
}
