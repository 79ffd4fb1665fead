import ArgumentParser
import Coordination
import Foundation
import TernCore

/// How a worker joins a shared backfill (`--coordinate`).
struct CoordinationOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Share this backfill with every worker started with the same flags (on any machine): they split the work through a coordination index on the target and finish it together."
        ))
    var coordinate = false

    @Option(
        name: .customLong("coordination-cluster"),
        help: ArgumentHelp(
            "Keep the coordination index on this cluster instead of the target (credentials: the coordination: section of tern.yml, else the target's).",
            valueName: "url"))
    var coordinationCluster: String?

    @Option(
        name: .customLong("run-name"),
        help: ArgumentHelp(
            "Name of the shared backfill (its index is .tern-coordination-<name>); default: derived from source, target and selection, the same on every machine.",
            valueName: "name"))
    var runName: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "How long an item stays with a worker that stops renewing its lease before another takes it over (90s, 3m, 1h).",
            valueName: "duration"))
    var lease: LeaseDuration = LeaseDuration(.seconds(180))

    @Option(
        name: .customLong("item-documents"),
        help: ArgumentHelp("Live sources: cut indices into slices of about this many documents, the items workers share.", valueName: "n"))
    var itemDocuments = 250_000

    @Option(
        name: .customLong("item-megabytes"),
        help: ArgumentHelp(
            "Snapshots: cut shards larger than this into parts, so that one huge shard keeps many workers busy.", valueName: "mb"))
    var itemMegabytes: Double = 1024

    func validate(runName: String?) throws {
        guard lease.duration >= .seconds(1) else { throw ValidationError("--lease must be at least 1s.") }
        guard itemDocuments > 0, itemMegabytes > 0 else { throw ValidationError("--item-documents and --item-megabytes must be positive.") }
        if let runName {
            let allowed = CharacterSet.lowercaseLetters.union(.decimalDigits).union(CharacterSet(charactersIn: "-_"))
            guard !runName.isEmpty, runName.unicodeScalars.allSatisfy(allowed.contains), runName.unicodeScalars.allSatisfy(\.isASCII) else {
                throw ValidationError("--run-name '\(runName)' must be lowercase letters, digits, '-' and '_' (it names an index).")
            }
        }
    }

    /// The worker's settings; `TERN_COORDINATION_TRACE` names a file for claim and release events (diagnosis, tests).
    func settings() -> CoordinationSettings {
        CoordinationSettings(lease: lease.duration, tracePath: ProcessInfo.processInfo.environment["TERN_COORDINATION_TRACE"])
    }
}

/// `90s`, `3m`, `1h`, `500ms` (a bare number is seconds), as ``Duration/parse(_:)`` reads them.
struct LeaseDuration: ExpressibleByArgument, Sendable {
    let duration: Duration

    init(_ duration: Duration) {
        self.duration = duration
    }

    init?(argument: String) {
        guard let duration = Duration.parse(argument.lowercased()) else { return nil }
        self.duration = duration
    }

    var defaultValueDescription: String { "3m" }
}
