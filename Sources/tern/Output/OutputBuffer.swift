/// Collects output bytes and writes them to standard output in large pieces: one write per line would dominate the
/// time of `tern snapshot docs`.
struct OutputBuffer {
    private(set) var bytes: [UInt8] = []
    let flushThreshold: Int

    init(flushThreshold: Int = 1 << 20) {
        self.flushThreshold = flushThreshold
        bytes.reserveCapacity(flushThreshold + 64 * 1024)
    }

    mutating func append(_ more: some Sequence<UInt8>) {
        bytes.append(contentsOf: more)
    }

    /// Appends through a closure that writes into the buffer directly.
    mutating func write(_ body: (inout [UInt8]) -> Void) {
        body(&bytes)
        if bytes.count >= flushThreshold { flush() }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        Terminal.standardOutput.write(bytes: bytes)
        bytes.removeAll(keepingCapacity: true)
    }
}
