#if canImport(Glibc)
    import Glibc
#endif

/// Lets the kernel take back the pages of a memory-mapped file already read, so a sequential pass over a 10 GB
/// `.fdt` keeps a small resident set instead of the whole file.
///
/// Only for read-only file mappings (`LuceneFile.isMemoryMapped`): `MADV_DONTNEED` unmaps the pages from this process
/// and leaves them in the page cache, so a second reader still finds them warm. (`MADV_PAGEOUT` would also evict them
/// from the cache, making every later read of the index go to disk.) Elsewhere than Linux it does nothing.
package enum PageReclaimer {
    /// Bytes read before the next release.
    package static let batch = 8 << 20

    package static func release(_ base: UnsafeRawPointer, from start: Int, to end: Int) {
        #if os(Linux)
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            guard page > 0 else { return }
            let address = Int(bitPattern: base)
            let first = (address + start + page - 1) / page * page
            let last = (address + end) / page * page
            guard last > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
            _ = madvise(pointer, last - first, MADV_DONTNEED)
        #endif
    }
}
