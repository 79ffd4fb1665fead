import Foundation
import Logging
import NIOHTTP1
import SearchClient
import TernCore
import TernTestSupport
import Testing

/// `tern migrate` without `--cutover` while clients keep writing through the capture proxy, as a new user tries it: the
/// validation tells writes still on their way (in the capture log after the replay's position) from real differences.
@Suite(.serialized) struct MigrateInFlightCommandTests {
    /// Waits, within a bound, until the clients had `count` writes acknowledged.
    static func acknowledged(_ clients: CutoverCommandTests.Clients, atLeast count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while clients.acknowledged < count {
            guard ContinuousClock.now < deadline else {
                Issue.record("the clients had only \(clients.acknowledged) writes acknowledged after 30 s: \(clients.failed)")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func writesThroughTheProxyDuringTheWholeRunAreInFlightNotDifferences() async throws {
        try await CutoverCommandTests.withBlueGreen(documents: 300) { world in
            let clients = CutoverCommandTests.Clients()
            let writing = Task { await clients.run(world, workers: 2) }
            try await Self.acknowledged(clients, atLeast: 1)
            // Every step under live writes; killed once the validation passed, before it is recorded. (Whether a write
            // lands between the replay step and the validation's reads is up to the machine's load.)
            let first = try await world.tern(["migrate"], crashAt: "migrate.validate")
            #expect(first.status == SIGKILL, "the validation under live writes passed: \(first.stdout)\(first.stderr)")
            // Writes after the replay's position, which nobody replays now: the validation the next run repeats sees them
            // on the source and not on the target.
            try await Self.acknowledged(clients, atLeast: clients.acknowledged + 3)
            let migrate = try await world.tern(["migrate"])
            try await Self.acknowledged(clients, atLeast: clients.acknowledged + 1)
            clients.stop.store(true, ordering: .relaxed)
            await writing.value
            #expect(clients.failed.isEmpty, "clients saw failed requests: \(clients.failed)")

            #expect(migrate.status == 0, "\(migrate.stdout)\(migrate.stderr)")
            let validate = migrate.stdout.split(separator: "\n").first { $0.contains(" validate ") }.map(String.init) ?? migrate.stdout
            #expect(validate.contains("done"), "\(migrate.stdout)")
            #expect(validate.contains("0 documents differ, "), "\(validate)")
            #expect(validate.contains("only by writes still on their way (captured after position segment-"), "\(validate)")
            #expect(migrate.stdout.contains("Migration complete"), "\(migrate.stdout)")

            // Once the replay brings them, nothing is in flight and nothing differs.
            let replay = try await world.tern(["replay", "--until-drained"])
            #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
            let validation = try await world.tern(["validate", "--no-metadata"])
            #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
            #expect(validation.stdout.contains("IN FLIGHT"), "the capture folder of tern.yml was read: \(validation.stdout)")
            #expect(!validation.stdout.contains("on their way"), "\(validation.stdout)")
            #expect(try await world.target.documents(in: "orders") == (try await world.source.documents(in: "orders")))
        }
    }

    @Test func aDocumentChangedOnTheTargetOutsideTheProxyStillFails() async throws {
        try await CutoverCommandTests.withBlueGreen(documents: 300) { world in
            let clients = CutoverCommandTests.Clients()
            let writing = Task { await clients.run(world, workers: 2) }
            try await Self.acknowledged(clients, atLeast: 1)
            // Stopped once the replay step has run, before it is recorded: the next run repeats the replay, then validates.
            let stopped = try await world.tern(["migrate"], crashAt: "migrate.replay")
            #expect(stopped.status == SIGKILL, "\(stopped.stdout)\(stopped.stderr)")
            // A change on the target that no write in the capture log explains.
            _ = try await SearchClient.withClient(world.target.configuration(role: "target"), logger: Logger(label: "test")) {
                try await $0.send(
                    .PUT, "/orders/_doc/o5", query: [("refresh", "true")], body: Array(#"{"n":5,"kind":"changed on the target"}"#.utf8))
            }
            let migrate = try await world.tern(["migrate"])
            let validation = try await world.tern(["validate", "--no-metadata"])
            clients.stop.store(true, ordering: .relaxed)
            await writing.value
            #expect(clients.failed.isEmpty, "clients saw failed requests: \(clients.failed)")

            #expect(migrate.status == 1, "\(migrate.stdout)\(migrate.stderr)")
            #expect(migrate.stdout.contains("The migration stopped at validate"), "\(migrate.stdout)")
            #expect(migrate.stdout.contains("1 indices, 1 documents differ"), "\(migrate.stdout)")
            #expect(validation.status == 1, "\(validation.stdout)\(validation.stderr)")
            #expect(validation.stdout.contains("different: o5\n"), "\(validation.stdout)")
            #expect(validation.stdout.contains("DIFFERENCES FOUND"), "\(validation.stdout)")
        }
    }
}
