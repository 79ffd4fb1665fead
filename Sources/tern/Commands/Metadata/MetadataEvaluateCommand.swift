import ArgumentParser

/// `tern metadata evaluate`: what a migration would do, changing nothing.
struct MetadataEvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Show what migrate would create, and every transformation, without changing the target.",
        discussion: """
            For each template, index, data stream, pipeline and lifecycle policy (Elasticsearch ILM policies become ISM \
            policies: docs/ilm-to-ism.md), and an Open Distro or OpenSearch source's alerting monitors (created with \
            their schedules disabled until tern cutover) and notification channels (older sources' destinations \
            converted, ids kept): its status on the target (create; exists: identical; exists: \
            different, with the places that differ; conflict, with the reason; cannot convert, with what stops it and \
            what to do), every transformation applied to it, and what it leaves behind. Source objects Tern cannot \
            carry (the stack's own ILM policies, say) are listed at the end. --json prints the same, with the exact body each \
            item would be created with.

              tern metadata evaluate --source URL --target URL
              tern metadata evaluate --snapshot-repo /mnt/backups/repo --snapshot nightly \\
                  --target URL --json
              tern metadata evaluate --index 'logs-*' --rename 'logs-*:archive-*' \\
                  --rules rules.yml

            Exit code 0 when migrate with the same flags would bring every selected item onto the target; 1 when an \
            item conflicts, cannot be converted, or differs on the target (without --overwrite); 2 for usage mistakes \
            and unreadable rule files; 3 when a cluster cannot be reached.
            """)

    @OptionGroup var options: MetadataOptions

    func run() async throws {
        try await options.execute(apply: false)
    }
}
