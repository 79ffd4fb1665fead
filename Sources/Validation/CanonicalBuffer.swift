/// A growing byte buffer for ``CanonicalJSON``, reused from one document to the next: writing a byte is a capacity
/// check and a store, without the uniqueness check (a runtime call) and bookkeeping an `Array` makes on every append,
/// which cost more than the canonical form itself.
///
/// Copies share memory until one of them calls ``reset()``, which takes its own memory when it is shared (copy on
/// write, once per document instead of once per byte). So every value writes only after its own `reset()`:
/// ``CanonicalJSON`` writes only inside `canonicalize`, which starts with it, and no copy can be made during that call.
/// That is why it is `@unchecked Sendable`: a value never writes to memory another value can see.
struct CanonicalBuffer: @unchecked Sendable {
    /// Owns the memory.
    private final class Storage {
        let bytes: UnsafeMutablePointer<UInt8>
        let capacity: Int

        init(capacity: Int) {
            bytes = .allocate(capacity: capacity)
            self.capacity = capacity
        }

        deinit { bytes.deallocate() }
    }

    private var storage: Storage
    /// The storage's memory and size, kept here so that writing does not go through the object.
    private var bytes: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// How many bytes are written.
    private(set) var count = 0

    init(capacity: Int = 4096) {
        storage = Storage(capacity: capacity)
        bytes = storage.bytes
        self.capacity = capacity
    }

    /// Empties the buffer (keeping its memory), and takes memory of its own if a copy shares it.
    mutating func reset() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = Storage(capacity: capacity)
            bytes = storage.bytes
        }
        count = 0
    }

    /// The written bytes.
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The written bytes, as an array (for tests and for explaining a difference).
    var array: [UInt8] { Array(UnsafeBufferPointer(start: bytes, count: count)) }

    /// The address of byte `offset`, valid until the next write.
    func address(_ offset: Int) -> UnsafePointer<UInt8> {
        UnsafePointer(bytes + offset)
    }

    // MARK: Writing

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        bytes[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ first: UInt8, _ second: UInt8) {
        if count &+ 2 > capacity { grow(to: count + 2) }
        bytes[count] = first
        bytes[count &+ 1] = second
        count &+= 2
    }

    @inline(__always)
    mutating func append(_ source: UnsafeRawBufferPointer) {
        guard let base = source.baseAddress else { return }
        if count &+ source.count > capacity { grow(to: count + source.count) }
        (bytes + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: source.count)
        count &+= source.count
    }

    /// `value` as LEB128 (7 bits a byte, low first, high bit set on all but the last), so that a length cannot run into
    /// the bytes after it.
    @inline(__always)
    mutating func appendLength(_ value: Int) {
        if value < 0x80 {
            append(UInt8(truncatingIfNeeded: value))
            return
        }
        var rest = UInt64(value)
        while rest >= 0x80 {
            append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        append(UInt8(truncatingIfNeeded: rest))
    }

    /// Overwrites the bytes from `offset` on with `source` (which must fit inside what is written).
    mutating func replace(from offset: Int, with source: UnsafeRawBufferPointer) {
        precondition(offset >= 0 && offset + source.count <= count)
        guard let base = source.baseAddress else { return }
        (bytes + offset).update(from: base.assumingMemoryBound(to: UInt8.self), count: source.count)
    }

    private mutating func grow(to needed: Int) {
        let larger = Storage(capacity: max(needed, capacity * 2))
        larger.bytes.update(from: bytes, count: count)
        storage = larger
        bytes = larger.bytes
        capacity = larger.capacity
    }
}
