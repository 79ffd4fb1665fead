extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for closures with typed throws (the standard one rethrows untyped errors).
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(SnapshotReaderError) -> R) throws(SnapshotReaderError) -> R {
        let result: Result<R, SnapshotReaderError> = withUnsafeBytes { bytes in
            do throws(SnapshotReaderError) {
                return .success(try body(bytes))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
