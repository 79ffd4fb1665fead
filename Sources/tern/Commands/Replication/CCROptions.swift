import ArgumentParser
import Logging
import Replication
import TernCore

/// What every `tern ccr` subcommand takes: the clusters, the index selection, the remote-cluster alias.
struct CCROptions: ParsableArguments {
    @OptionGroup var clusters: ClusterOptions
    @OptionGroup var indices: IndexSelectionOptions

    @Option(
        name: .long,
        help: ArgumentHelp("The name the target gives the source as a remote cluster (cluster.remote.<alias>).", valueName: "name"))
    var alias = "tern-source"

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func runner(proxyAddress: String? = nil, roles: (leader: String, follower: String)? = nil) throws -> ReplicationRunner {
        let configuration = try clusters.load()
        return ReplicationRunner(
            source: try configuration.requireSource(), target: try configuration.requireTarget(),
            options: ReplicationRunner.Options(selection: try indices.selection(), alias: alias, proxyAddress: proxyAddress, roles: roles),
            logger: global.makeLogger())
    }

    /// The plan as lines for a terminal.
    static func lines(_ plan: ReplicationPlan) -> [String] {
        var lines = plan.blockers.map { "blocked: \($0)" }
        for index in plan.indices {
            let name = index.follower == index.index ? index.index : "\(index.index) -> \(index.follower)"
            if index.alreadyReplicating {
                lines.append("  \(name): replicating already")
            } else if index.replicable {
                lines.append("  \(name): will be replicated")
            } else {
                lines.append("  \(name): cannot be replicated: \(index.reasons.joined(separator: "; "))")
            }
        }
        if plan.indices.isEmpty { lines.append("no open source index matches the selection") }
        lines += plan.notes.map { "note: \($0)" }
        return lines
    }
}
