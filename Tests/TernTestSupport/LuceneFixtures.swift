import Foundation
import Synchronization

/// Lucene indexes written by real Lucene with the live documents Lucene itself reads from them: Lucene 8.7
/// (`Tests/Fixtures/lucene/LuceneFixtureGenerator.java`), and Lucene 9.9 and 10
/// (`Tests/Fixtures/lucene/ModernLuceneFixtureGenerator.java`, one build run on both).
///
/// Each generator is compiled once per version of its source and each index written once, into a cache under the
/// temporary directory, so later test runs reuse them. Safe to call from parallel tests and processes.
public enum LuceneFixtures {
    /// One live document as Lucene reads it.
    public struct Document: Decodable, Equatable, Sendable {
        /// Segment name and doc id inside it.
        public var seg: String
        public var doc: Int
        public var id: String
        public var routing: String?
        public var source: String
        /// Other stored fields as `type:value` (floats and doubles as raw bits).
        public var stored: [String: String]
    }

    /// One segment of a Lucene 9/10 index's commit as Lucene reads it (`segments.ndjson`), fully deleted ones included.
    public struct Segment: Decodable, Equatable, Sendable {
        public var name: String
        /// The codec name the commit records: for the label modes a foreign name over Lucene's own formats.
        public var codec: String
        public var compound: Bool
        public var maxDoc: Int
        public var delCount: Int
        public var softDelCount: Int
        /// The stored-fields mode attribute (`BEST_SPEED`, `BEST_COMPRESSION`).
        public var mode: String?
    }

    /// A generated index: the Lucene folder and Lucene's view of its live documents.
    public struct Index: Sendable {
        public var folder: URL
        public var expected: URL

        /// Parses `expected.ndjson`, once per test process (the largest is 85 MB, and several tests compare with it).
        public func expectedDocuments() throws -> [Document] {
            if let parsed = Self.parsed.withLock({ $0[expected.path] }) { return parsed }
            let documents = try Self.decodeLines(Document.self, from: expected)
            Self.parsed.withLock { $0[expected.path] = documents }
            return documents
        }

        private static let parsed = Mutex<[String: [Document]]>([:])

        /// Parses `segments.ndjson` (written by the Lucene 9/10 generator only).
        public func segments() throws -> [Segment] {
            try Self.decodeLines(Segment.self, from: expected.deletingLastPathComponent().appendingPathComponent("segments.ndjson"))
        }

        private static func decodeLines<Line: Decodable>(_ type: Line.Type, from file: URL) throws -> [Line] {
            // Split the bytes once, not through Data's per-byte subscript (slow enough to dominate a test of 100k lines).
            let bytes = try [UInt8](Data(contentsOf: file))
            let decoder = JSONDecoder()
            return try bytes.split(separator: UInt8(ascii: "\n")).map { line in
                try decoder.decode(Line.self, from: Data(line))
            }
        }
    }

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The index of one generator mode (`soft-deletes`, `big`, ...) written by a Lucene version (8.7 unless told),
    /// generated on first use.
    public static func index(_ mode: String, lucene: Version = .lucene87) throws -> Index {
        try state.index(mode, lucene: lucene)
    }

    /// Runs a version's generator with `arguments` (for `bench` and `read`), returning its standard output.
    public static func runGenerator(_ arguments: [String], lucene: Version = .lucene87) throws -> String {
        let generator = try lucene.generator()
        let classes = try state.compiledClasses(generator)
        return try run(try generator.java(), try generator.javaArguments(classes: classes) + arguments)
    }

    private static let state = State()

    /// Serialises compilation per generator and generation per version and mode; different modes generate in parallel.
    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var classes: [String: Result<URL, Error>] = [:]
        private var modeLocks: [String: NSLock] = [:]

        func compiledClasses(_ generator: Generator) throws -> URL {
            lock.lock()
            defer { lock.unlock() }
            if let known = classes[generator.className] { return try known.get() }
            let result = Result { try LuceneFixtures.compile(generator) }
            classes[generator.className] = result
            return try result.get()
        }

        func index(_ mode: String, lucene: Version) throws -> Index {
            let generator = try lucene.generator()
            let classes = try compiledClasses(generator)
            let key = "\(lucene.rawValue)/\(mode)"
            lock.lock()
            let modeLock = modeLocks[key] ?? NSLock()
            modeLocks[key] = modeLock
            lock.unlock()
            modeLock.lock()
            defer { modeLock.unlock() }
            return try LuceneFixtures.generate(mode, generator: generator, classes: classes)
        }
    }

    /// `tern-lucene-fixtures/<hash of the generator's files>` under the temporary directory.
    private static func cacheRoot(_ generator: Generator) throws -> URL {
        // FNV-1a: a cache key, not a security boundary.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for file in [generator.source] + (generator.resources.map { [$0] } ?? []) {
            let bytes = try file.hasDirectoryPath ? directoryBytes(file) : Data(contentsOf: file)
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent("tern-lucene-fixtures/\(String(hash, radix: 16))")
    }

    /// The names and contents of a folder's files, in a stable order.
    private static func directoryBytes(_ folder: URL) throws -> Data {
        var data = Data()
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files.sorted(by: { $0.path < $1.path }) where !file.hasDirectoryPath {
            data.append(contentsOf: Array(file.path.dropFirst(folder.path.count).utf8))
            data.append(try Data(contentsOf: file))
        }
        return data
    }

    private static func compile(_ generator: Generator) throws -> URL {
        for jar in generator.compileJars where !FileManager.default.fileExists(atPath: jar) {
            throw SetupError(description: "\(jar) is missing: run scripts/setup.sh to install \(generator.installs).")
        }
        let root = try cacheRoot(generator)
        let classes = root.appendingPathComponent("classes")
        if FileManager.default.fileExists(atPath: classes.appendingPathComponent("\(generator.className).class").path) { return classes }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let staging = root.appendingPathComponent("classes.tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: staging)
        _ = try run(
            try tool("javac", installs: generator.installs),
            generator.javacOptions + [
                "-nowarn", "-d", staging.path, "-cp", generator.compileJars.joined(separator: ":"), generator.source.path,
            ])
        if let resources = generator.resources {
            try FileManager.default.copyItem(at: resources, to: staging.appendingPathComponent(resources.lastPathComponent))
        }
        try publish(staging, as: classes)
        return classes
    }

    private static func generate(_ mode: String, generator: Generator, classes: URL) throws -> Index {
        var folder = try cacheRoot(generator)
        if let subfolder = generator.indexSubfolder { folder.appendPathComponent(subfolder) }
        folder.appendPathComponent(mode)
        let index = Index(folder: folder.appendingPathComponent("index"), expected: folder.appendingPathComponent("expected.ndjson"))
        if FileManager.default.fileExists(atPath: index.expected.path) { return index }
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        let staging = folder.deletingLastPathComponent().appendingPathComponent("\(mode).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: staging)
        _ = try run(try generator.java(), try generator.javaArguments(classes: classes) + [mode, staging.path])
        try? FileManager.default.removeItem(at: staging.appendingPathComponent("index/write.lock"))
        try publish(staging, as: folder)
        return index
    }

    /// Moves a finished folder into place; another process that got there first wins.
    private static func publish(_ staging: URL, as final: URL) throws {
        do {
            try FileManager.default.moveItem(at: staging, to: final)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            guard FileManager.default.fileExists(atPath: final.path) else { throw error }
        }
    }

    /// A tool on `PATH`; `installs` says what scripts/setup.sh would install for it.
    static func tool(_ name: String, installs: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw SetupError(description: "\(name) is not installed: run scripts/setup.sh to install \(installs).")
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain stderr on another thread so a chatty process cannot block on a full pipe.
        let errorText = ErrorText()
        let drain = Thread { errorText.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        drain.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorText.done { Thread.sleep(forTimeInterval: 0.01) }
        guard process.terminationStatus == 0 else {
            throw SetupError(
                description:
                    "\(executable) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(errorText.text.suffix(2000))"
            )
        }
        return String(decoding: data, as: UTF8.self)
    }

    private final class ErrorText: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private var finished = false

        func set(_ value: Data) {
            lock.lock()
            data = value
            finished = true
            lock.unlock()
        }

        var done: Bool {
            lock.lock()
            defer { lock.unlock() }
            return finished
        }

        var text: String {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
