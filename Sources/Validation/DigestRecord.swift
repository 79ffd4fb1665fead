/// One document as validation sees it: its `_id` inside its index, its routing, and the digest of its source.
public struct DigestRecord: Sendable, Hashable {
    public var id: String
    public var routing: String?
    public var digest: CanonicalDigest

    public init(id: String, routing: String? = nil, digest: CanonicalDigest) {
        self.id = id
        self.routing = routing
        self.digest = digest
    }

    /// A well-mixed 64-bit hash of an `_id` (FNV-1a, then the SplitMix64 finaliser), the same on every machine and run,
    /// so both sides put an id in the same partition and sample the same ids.
    public static func idHash(_ id: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }

    /// Whether `id` is in a sample of `rate` (0...1) of all ids. Uses the hash's top bits, the partition its low bits,
    /// so a sample still spreads over every partition.
    public static func isSampled(_ id: String, rate: Double) -> Bool {
        rate >= 1 || Double(idHash(id) >> 11) < rate * Double(UInt64(1) << 53)
    }

    /// Binary form in a partition file: 16 digest bytes, then the id and the routing, each as a LEB128 length and UTF-8
    /// (routing length + 1, 0 meaning none), so ids with any character survive.
    func encode(into out: inout [UInt8]) {
        withUnsafeBytes(of: digest.high.bigEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: digest.low.bigEndian) { out.append(contentsOf: $0) }
        Self.appendLength(id.utf8.count, to: &out)
        out.append(contentsOf: id.utf8)
        if let routing {
            Self.appendLength(routing.utf8.count + 1, to: &out)
            out.append(contentsOf: routing.utf8)
        } else {
            out.append(0)
        }
    }

    /// Reads one record at `position` and moves past it; nil when the bytes end inside a record.
    static func decode(_ bytes: UnsafeRawBufferPointer, at position: inout Int) -> DigestRecord? {
        guard position + 16 <= bytes.count else { return nil }
        let high = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        let low = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: position + 8, as: UInt64.self))
        position += 16
        guard let idLength = readLength(bytes, at: &position), position + idLength <= bytes.count else { return nil }
        let id = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + idLength)]), as: UTF8.self)
        position += idLength
        guard let routingLength = readLength(bytes, at: &position) else { return nil }
        var routing: String?
        if routingLength > 0 {
            guard position + routingLength - 1 <= bytes.count else { return nil }
            routing = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + routingLength - 1)]), as: UTF8.self)
            position += routingLength - 1
        }
        return DigestRecord(id: id, routing: routing, digest: CanonicalDigest(high: high, low: low))
    }

    private static func appendLength(_ value: Int, to out: inout [UInt8]) {
        var rest = UInt64(value)
        while rest >= 0x80 {
            out.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    private static func readLength(_ bytes: UnsafeRawBufferPointer, at position: inout Int) -> Int? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return Int(exactly: value) }
            shift += 7
        }
        return nil
    }
}
