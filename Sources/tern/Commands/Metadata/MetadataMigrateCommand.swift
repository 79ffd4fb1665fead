import ArgumentParser

/// `tern metadata migrate`: create the transformed metadata on the target.
struct MetadataMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the source's templates, indices and pipelines on the target, transformed for its version.",
        discussion: """
            Evaluates first (see tern metadata evaluate), then creates each missing item in dependency order (component \
            templates before the templates that use them, templates before indices) and reads it back, comparing it \
            with the body that was sent. Items the target already has identically are skipped, so running migrate \
            again is safe. Items that exist but differ are left alone unless --overwrite is given (an index is only \
            recreated when it holds no documents).

              tern metadata migrate --source URL --target URL
              tern metadata migrate --snapshot-repo /mnt/backups/repo --snapshot nightly \\
                  --target URL
              tern metadata migrate --template 'logs-*' --overwrite --drop-unsupported

            When the target refuses a setting or mapping parameter, the item fails with the target's exact reason; with \
            --drop-unsupported Tern removes what the target names as unknown, tries again, and lists what it dropped.

            Exit code 0 when the target holds every selected item as the evaluation promised; 1 when an item failed, \
            was skipped because it differs, conflicts or cannot be converted; 2 for usage mistakes and unreadable rule \
            files; 3 when a cluster cannot be reached.
            """)

    @OptionGroup var options: MetadataOptions

    func run() async throws {
        try await options.execute(apply: true)
    }
}
