import ArgumentParser

/// `tern ccr`: keep the target in sync with cross-cluster replication.
struct CCRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ccr",
        abstract: "Keep the target in sync with OpenSearch's cross-cluster replication instead of the capture proxy.",
        discussion: """
            When both clusters run OpenSearch with the opensearch-cross-cluster-replication plugin on every node, the \
            target can follow the source by itself: clients keep writing to the source unchanged until the switch, and \
            nothing sits in their path. The target must run the source's version or a newer one (at most one major \
            version apart: the clusters connect over the transport protocol); each leader index needs soft deletes (the \
            default since Elasticsearch 7) and must not be a follower itself; the follower is created by the plugin, so \
            its name must be free on the target. Replication copies settings and mappings as they are: Tern's metadata \
            transformations and rules do not apply to followers.

            Choose the capture proxy (tern proxy, tern replay) when the source is Elasticsearch, when the plugin is not \
            installed, or when indices must change on the way; choose replication when both are OpenSearch and clients \
            should not go through a proxy before the switch.

              tern ccr plan                       what would be replicated, what not, and why
              tern ccr start                      connect the target to the source and start every follower
              tern ccr status --json              each follower's state and lag (operations behind its leader)
              tern ccr stop                       stop following: the followers become ordinary writable indices

            A stopped follower cannot resume: following again starts from an empty index.
            """,
        subcommands: [CCRPlanCommand.self, CCRStartCommand.self, CCRStatusCommand.self, CCRStopCommand.self]
    )
}
