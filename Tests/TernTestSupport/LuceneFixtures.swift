import Foundation

/// Lucene indexes written by real Lucene 8.7 (`Tests/Fixtures/lucene/LuceneFixtureGenerator.java`) with the live
/// documents Lucene itself reads from them.
///
/// The generator is compiled with `javac` and each index written once per version of its source, into a cache under
/// the temporary directory, so later test runs reuse them. Safe to call from parallel tests.
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

    /// A generated index: the Lucene folder and Lucene's view of its live documents.
    public struct Index: Sendable {
        public var folder: URL
        public var expected: URL

        /// Parses `expected.ndjson`.
        public func expectedDocuments() throws -> [Document] {
            let data = try Data(contentsOf: expected)
            let decoder = JSONDecoder()
            var documents: [Document] = []
            var start = data.startIndex
            while start < data.endIndex {
                let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
                if end > start { documents.append(try decoder.decode(Document.self, from: data[start..<end])) }
                start = end + 1
            }
            return documents
        }
    }

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    public static let jars = ["lucene-core-8.7.0.jar", "lucene-backward-codecs-8.7.0.jar", "lucene-analyzers-common-8.7.0.jar"].map {
        "/usr/share/java/" + $0
    }

    /// `Tests/Fixtures/lucene/LuceneFixtureGenerator.java`, found from this file's path.
    public static let generatorSource = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lucene/LuceneFixtureGenerator.java")

    /// The index of one generator mode (`soft-deletes`, `big`, ...), generated on first use.
    public static func index(_ mode: String) throws -> Index {
        try state.index(mode)
    }

    /// Runs the generator with `arguments` (for `bench` and `read`), returning its standard output.
    public static func runGenerator(_ arguments: [String]) throws -> String {
        let classes = try state.compiledClasses()
        return try run(try tool("java"), ["-cp", (jars + [classes.path]).joined(separator: ":"), "LuceneFixtureGenerator"] + arguments)
    }

    private static let state = State()

    /// Serialises compilation and generation per mode; different modes generate in parallel.
    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var classes: Result<URL, Error>?
        private var modeLocks: [String: NSLock] = [:]

        func compiledClasses() throws -> URL {
            lock.lock()
            defer { lock.unlock() }
            if let classes { return try classes.get() }
            let result = Result { try LuceneFixtures.compile() }
            classes = result
            return try result.get()
        }

        func index(_ mode: String) throws -> Index {
            let classes = try compiledClasses()
            lock.lock()
            let modeLock = modeLocks[mode] ?? NSLock()
            modeLocks[mode] = modeLock
            lock.unlock()
            modeLock.lock()
            defer { modeLock.unlock() }
            return try LuceneFixtures.generate(mode, classes: classes)
        }
    }

    private static func cacheRoot() throws -> URL {
        let source = try Data(contentsOf: generatorSource)
        // FNV-1a: a cache key, not a security boundary.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in source {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent("tern-lucene-fixtures/\(String(hash, radix: 16))")
    }

    private static func compile() throws -> URL {
        for jar in jars where !FileManager.default.fileExists(atPath: jar) {
            throw SetupError(
                description:
                    "\(jar) is missing: run scripts/setup.sh to install the JDK and Lucene 8.7 (liblucene8-java) the Lucene tests need.")
        }
        let root = try cacheRoot()
        let classes = root.appendingPathComponent("classes")
        if FileManager.default.fileExists(atPath: classes.appendingPathComponent("LuceneFixtureGenerator.class").path) { return classes }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let staging = root.appendingPathComponent("classes.tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: staging)
        _ = try run(try tool("javac"), ["-nowarn", "-d", staging.path, "-cp", jars.joined(separator: ":"), generatorSource.path])
        try publish(staging, as: classes)
        return classes
    }

    private static func generate(_ mode: String, classes: URL) throws -> Index {
        let folder = try cacheRoot().appendingPathComponent(mode)
        let index = Index(folder: folder.appendingPathComponent("index"), expected: folder.appendingPathComponent("expected.ndjson"))
        if FileManager.default.fileExists(atPath: index.expected.path) { return index }
        let staging = folder.deletingLastPathComponent().appendingPathComponent("\(mode).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: staging)
        _ = try run(
            try tool("java"), ["-cp", (jars + [classes.path]).joined(separator: ":"), "LuceneFixtureGenerator", mode, staging.path])
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

    private static func tool(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw SetupError(
            description: "\(name) is not installed: run scripts/setup.sh to install the JDK and Lucene 8.7 the Lucene tests need.")
    }

    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
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
