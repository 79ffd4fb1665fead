/// Receives the stored fields of documents, one document at a time, in doc-id order.
public protocol StoredFieldVisitor {
    mutating func beginDocument(segment: Int, docID: Int32) throws
    /// Whether `visitField` wants `field`'s value; skipped values cost no copy. Defaults to every field.
    func wantsField(_ field: FieldInfo) -> Bool
    /// One stored value. `value`'s buffers are valid only during the call.
    mutating func visitField(_ field: FieldInfo, value: StoredFieldValue) throws
    mutating func endDocument() throws
}

extension StoredFieldVisitor {
    public func wantsField(_ field: FieldInfo) -> Bool { true }
}

/// One stored value, pointing into the reader's decompression buffer.
public enum StoredFieldValue {
    /// UTF-8 text (`_routing`, `_uid`).
    case string(UnsafeRawBufferPointer)
    /// Bytes (`_id`, `_source`).
    case bytes(UnsafeRawBufferPointer)
    case int(Int32)
    case long(Int64)
    case float(Float)
    case double(Double)
}
