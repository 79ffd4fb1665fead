import ArgumentParser
import Replication
import TernCore

/// `tern ccr start`
struct CCRStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Connect the target to the source and start a follower for every selected index.",
        discussion: """
            Refuses to start anything while tern ccr plan lists a reason, so that no index is left out of the sync \
            unnoticed. The target dials the source's transport publish addresses (GET _nodes/transport), or \
            --proxy-address when only a proxy reaches them; followers already replicating are left alone, so running \
            it again is safe. With the security plugin, give the replication roles with --leader-role and \
            --follower-role.

            Exit code 0 when every follower started, 1 when the plan refused, 2 for usage mistakes, 3 when a cluster \
            cannot be reached.
            """)

    @OptionGroup var options: CCROptions

    @Option(
        name: .customLong("proxy-address"),
        help: ArgumentHelp("An address that reaches the source's transport port (remote-cluster proxy mode).", valueName: "host:port"))
    var proxyAddress: String?

    @Option(name: .customLong("leader-role"), help: ArgumentHelp("The source's replication role (use_roles).", valueName: "role"))
    var leaderRole: String?

    @Option(name: .customLong("follower-role"), help: ArgumentHelp("The target's replication role (use_roles).", valueName: "role"))
    var followerRole: String?

    func validate() throws {
        guard (leaderRole == nil) == (followerRole == nil) else { throw ValidationError("--leader-role and --follower-role go together.") }
    }

    func run() async throws {
        let roles = leaderRole.flatMap { leader in followerRole.map { (leader: leader, follower: $0) } }
        let report = try await options.runner(proxyAddress: proxyAddress, roles: roles).start()
        if options.json {
            print(try JSONOutput.encode(report))
        } else {
            print("The target follows the source as remote cluster \(options.alias) (\(report.connection.joined(separator: ", "))):")
            for follower in report.started { print("  \(follower): started") }
            for follower in report.alreadyReplicating { print("  \(follower): replicating already") }
            print("Watch the lag with tern ccr status.")
        }
    }
}
