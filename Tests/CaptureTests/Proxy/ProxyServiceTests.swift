import Capture
import Foundation
import Logging
import Synchronization
import TernCore
import TernTestSupport
import Testing

/// `tern proxy`'s service without the command line: logs opened and closed, the generated token's file, the stop.
@Suite struct ProxyServiceTests {
    static func withFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-proxy-service-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await body(folder)
    }

    static func configuration(_ folder: String, token: String, target: Bool = false) throws -> ProxyService.Configuration {
        let dead = URLHelper.url("http://127.0.0.1:\(try FaultyServer.closedPort())")
        return ProxyService.Configuration(
            proxy: CaptureProxyConfiguration(
                source: ClusterConfiguration(role: "source", endpoints: [dead]),
                target: target ? ClusterConfiguration(role: "target", endpoints: [dead]) : nil, adminToken: Secret(token)),
            captureDirectory: "\(folder)/capture", targetCaptureDirectory: "\(folder)/capture-target",
            generatedTokenFile: "\(folder)/proxy.token", stateDirectory: folder)
    }

    /// Runs the service in a task until `body` returns, then stops it; returns what `body` returned and the statistics.
    static func serving<T: Sendable>(
        _ service: ProxyService, _ body: @Sendable (ProxyService.Startup) async throws -> T
    ) async throws -> (T, ProxyStatistics) {
        let started = Mutex<ProxyService.Startup?>(nil)
        let running = Task { try await service.run { startup in started.withLock { $0 = startup } } }
        let deadline = ContinuousClock.now + .seconds(10)
        while started.withLock({ $0 }) == nil {
            guard ContinuousClock.now < deadline else {
                running.cancel()
                throw TernError(.failedChecks, "the proxy service did not start")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        do {
            let result = try await body(started.withLock { $0! })
            await service.stop()
            return (result, try await running.value)
        } catch {
            await service.stop()
            _ = try? await running.value
            throw error
        }
    }

    @Test func itListensWritesTheGeneratedTokenForTheOwnerOnlyAndClosesItsLogsWhenStopped() async throws {
        try await Self.withFolder { folder in
            let service = try ProxyService(
                configuration: try Self.configuration(folder, token: "first-token", target: true), logger: Logger(label: "test"))
            let (startup, statistics) = try await Self.serving(service) { startup in
                let status = try await ProxyAdminClient(
                    url: URLHelper.url("http://127.0.0.1:\(startup.port)"), token: Secret("first-token")
                )
                .status()
                #expect(status["mode"]?.stringValue == "source")
                return startup
            }
            #expect(startup.port > 0 && startup.mode == .source && startup.recoveries.isEmpty)
            #expect(startup.targetCaptureDirectory == "\(folder)/capture-target" && startup.readLogDirectory == nil)
            #expect(try String(contentsOfFile: "\(folder)/proxy.token", encoding: .utf8) == "first-token\n")
            let permissions = try FileManager.default.attributesOfItem(atPath: "\(folder)/proxy.token")[.posixPermissions] as? Int
            #expect(permissions == 0o600)
            #expect(statistics.requests == 0)
            // The logs are closed: another writer can take the folders.
            try await CaptureLogWriter(directory: "\(folder)/capture").close()
            try await CaptureLogWriter(directory: "\(folder)/capture-target").close()
        }
    }

    @Test func aSecondServiceOnTheSameFolderIsRefusedAndLeavesTheFirstOnesToken() async throws {
        try await Self.withFolder { folder in
            let first = try ProxyService(configuration: try Self.configuration(folder, token: "first-token"), logger: Logger(label: "test"))
            let second = try ProxyService(
                configuration: try Self.configuration(folder, token: "second-token"), logger: Logger(label: "test"))
            _ = try await Self.serving(first) { _ in
                let error = await #expect(throws: TernError.self) { try await second.run { _ in } }
                #expect(error?.kind == .configuration)
            }
            #expect(try String(contentsOfFile: "\(folder)/proxy.token", encoding: .utf8) == "first-token\n")
        }
    }

    @Test func aGivenTokenIsNotWrittenAnywhere() async throws {
        try await Self.withFolder { folder in
            var configuration = try Self.configuration(folder, token: "given-token")
            configuration.generatedTokenFile = nil
            _ = try await Self.serving(try ProxyService(configuration: configuration, logger: Logger(label: "test"))) { _ in }
            #expect(!FileManager.default.fileExists(atPath: "\(folder)/proxy.token"))
        }
    }

    @Test func twoLogsInOneFolderAreRefusedBeforeAnythingOpens() async throws {
        try await Self.withFolder { folder in
            var sameTarget = try Self.configuration(folder, token: "t", target: true)
            sameTarget.targetCaptureDirectory = "\(folder)/./capture"
            #expect(throws: TernError.self) { try ProxyService(configuration: sameTarget, logger: Logger(label: "test")) }
            var sameReads = try Self.configuration(folder, token: "t")
            sameReads.readLogDirectory = "\(folder)/capture/"
            #expect(throws: TernError.self) { try ProxyService(configuration: sameReads, logger: Logger(label: "test")) }
            // Without a target, its folder is not opened, so it may be anything.
            var noTarget = try Self.configuration(folder, token: "t")
            noTarget.targetCaptureDirectory = "\(folder)/capture"
            _ = try ProxyService(configuration: noTarget, logger: Logger(label: "test"))
            #expect(!FileManager.default.fileExists(atPath: "\(folder)/capture"))
        }
    }

    @Test func aStopBeforeTheProxyListensKeepsItFromServing() async throws {
        try await Self.withFolder { folder in
            let service = try ProxyService(configuration: try Self.configuration(folder, token: "t"), logger: Logger(label: "test"))
            await service.stop()
            let statistics = try await service.run { _ in }
            #expect(statistics.requests == 0)
            try await CaptureLogWriter(directory: "\(folder)/capture").close()
        }
    }
}
