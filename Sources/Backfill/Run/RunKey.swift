/// Identifies "the same backfill" across runs: what is copied from where to where. Built from descriptions that hold no
/// credentials (endpoints only), so the state store never sees a secret.
enum RunKey {
    static func make(source: BackfillSource, target: BackfillTarget, options: BackfillOptions) -> String {
        let parts = [
            source.identity, target.identity, "include=\(options.selection.include.joined(separator: ","))",
            "exclude=\(options.selection.exclude.joined(separator: ","))",
            "rename=\(options.selection.renames.map { "\($0.from):\($0.to)" }.joined(separator: ","))",
            "query=\(String(decoding: options.query ?? [], as: UTF8.self))", "slices=\(options.slices.map(String.init) ?? "auto")",
        ]
        return fnv1a(parts.joined(separator: "\n"))
    }

    /// FNV-1a, 64 bits, as hex: stable across runs and platforms (Swift's Hasher is seeded per process).
    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
