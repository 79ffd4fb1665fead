#if canImport(Glibc)
    import Glibc
#endif

/// Lets the kernel take back the pages of a memory-mapped file already read, so a sequential pass over a 10 GB
/// `.fdt` keeps a small resident set instead of the whole file.
///
/// Uses `MADV_PAGEOUT`, which is safe on any memory: clean file pages are dropped (and re-read if touched again),
/// anonymous pages are kept or swapped, never lost. Elsewhere than Linux it does nothing.
enum PageReclaimer {
    /// Bytes read before the next release.
    static let batch = 8 << 20

    static func release(_ base: UnsafeRawPointer, from start: Int, to end: Int) {
        #if os(Linux)
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            guard page > 0 else { return }
            let address = Int(bitPattern: base)
            let first = (address + start + page - 1) / page * page
            let last = (address + end) / page * page
            guard last > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
            // 21 = MADV_PAGEOUT (Linux 5.4); older kernels answer EINVAL, which is harmless.
            _ = madvise(pointer, last - first, 21)
        #endif
    }
}
