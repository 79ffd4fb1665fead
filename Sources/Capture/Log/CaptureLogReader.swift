import TernCore

/// Reads capture log records in order, across segments, from a saved position.
///
/// ``next()`` returns nil at the current end; a follower calls it again later to see what was appended since. When it
/// meets bytes that are not a valid record it stops before them and sets ``damage``: the records before stay readable and
/// the caller decides what to do (``seek(to:)`` past it, or stop). An unfinished record at the end of the newest segment
/// is taken for one being written, unless ``treatIncompleteTailAsDamage`` says the log is closed.
public final class CaptureLogReader {
    /// The folder holding the segment files.
    public let directory: String
    /// Where the next record begins.
    public private(set) var position: CapturePosition
    /// Whether an unfinished record at the very end of the log is damage (a torn write) rather than one not yet written:
    /// set it when the writer is known to be closed, as in a drained replay.
    public var treatIncompleteTailAsDamage: Bool
    /// Why reading stopped before the end, if it did.
    public private(set) var damage: CaptureLogDamage?

    private var file: CaptureLogFile?
    private var fileSegment: UInt64?

    /// - Parameters:
    ///   - directory: the capture folder.
    ///   - position: where to start: a position saved from ``CaptureLogEntry/next``, or ``CapturePosition/start``.
    ///   - treatIncompleteTailAsDamage: see the property of that name.
    public init(
        directory: String = CaptureLogOptions.defaultDirectory, from position: CapturePosition = .start,
        treatIncompleteTailAsDamage: Bool = false
    ) {
        self.directory = directory
        self.position = position
        self.treatIncompleteTailAsDamage = treatIncompleteTailAsDamage
    }

    /// Moves to `position` and forgets any damage found, for example to continue after a damaged segment with
    /// `CapturePosition(segment: damage.position.segment + 1, offset: 0)`.
    public func seek(to position: CapturePosition) {
        self.position = position
        damage = nil
        file = nil
        fileSegment = nil
    }

    /// The next record, or nil at the current end of the log or at damage (then ``damage`` says where and why).
    /// - Throws: `TernError` (`.captureLog`) when the folder or a file cannot be read.
    public func next() throws -> CaptureLogEntry? {
        guard damage == nil else { return nil }
        var rereadIncomplete = false
        while true {
            let segments = try CaptureLogSegments.list(directory)
            guard let oldest = segments.first, let newest = segments.last else { return nil }
            if position.segment == 0 { position = CapturePosition(segment: oldest, offset: 0) }
            if position.segment > newest { return nil }
            guard segments.contains(position.segment) else {
                let reason =
                    position.segment < oldest
                    ? "the segment was removed before it was read" : "the segment is missing while later ones exist"
                return stop(reason)
            }
            let isNewest = position.segment == newest
            let current = try open(position.segment)
            let size = try current.size()

            if position.offset < Int64(CaptureLogFormat.fileHeaderSize) {
                let header = try current.read(count: CaptureLogFormat.fileHeaderSize, at: 0)
                switch CaptureLogFormat.parseFileHeader(header) {
                case .success(let parsed) where parsed.segment == position.segment:
                    position.offset = Int64(CaptureLogFormat.fileHeaderSize)
                case .success(let parsed):
                    return stop("its header names segment \(parsed.segment)", at: 0)
                case .failure(.incomplete):
                    if isNewest && !treatIncompleteTailAsDamage { return nil }
                    return stop("its header is incomplete", at: 0)
                case .failure(.damaged(let reason)):
                    return stop(reason, at: 0)
                }
            }

            switch try CaptureLogFormat.readFrame(in: current, at: position.offset, size: size) {
            case .record(let payload, let end):
                let record: CaptureRecord
                do {
                    record = try CaptureRecord(encoded: payload)
                } catch let error as TernError {
                    return stop("the record does not decode (\(error.message.dropLast()))")
                }
                let start = position
                position.offset = end
                return CaptureLogEntry(record: record, position: start, next: position)
            case .damaged(let reason):
                return stop(reason)
            case .end:
                if isNewest { return nil }
                // A later segment exists, so the writer finished this one before creating it.
                if try current.size() > size { continue }
                position = CapturePosition(segment: position.segment + 1, offset: 0)
            case .incomplete:
                if isNewest {
                    if treatIncompleteTailAsDamage { return stop("the last record is incomplete (a torn write)") }
                    return nil
                }
                // The writer may have finished the record and rolled over between our read and our listing: look again once.
                if rereadIncomplete { return stop("the segment ends inside a record although a later segment exists") }
                rereadIncomplete = true
            }
        }
    }

    /// Every record from the current position to the end of the log, and the damage that stopped reading early, if any.
    /// - Parameter treatIncompleteTailAsDamage: whether an unfinished last record is damage (the writer is closed).
    public func readToEnd(treatIncompleteTailAsDamage: Bool) throws -> (entries: [CaptureLogEntry], damage: CaptureLogDamage?) {
        let saved = self.treatIncompleteTailAsDamage
        self.treatIncompleteTailAsDamage = treatIncompleteTailAsDamage
        defer { self.treatIncompleteTailAsDamage = saved }
        var entries: [CaptureLogEntry] = []
        while let entry = try next() { entries.append(entry) }
        return (entries, damage)
    }

    private func open(_ segment: UInt64) throws -> CaptureLogFile {
        if let file, fileSegment == segment { return file }
        let opened = try CaptureLogFile.openForReading(CaptureLogSegments.path(directory, segment: segment))
        file = opened
        fileSegment = segment
        return opened
    }

    private func stop(_ reason: String, at offset: Int64? = nil) -> CaptureLogEntry? {
        var at = position
        if let offset { at.offset = offset }
        damage = CaptureLogDamage(fileName: CaptureLogFormat.fileName(segment: at.segment), position: at, reason: reason)
        return nil
    }
}
