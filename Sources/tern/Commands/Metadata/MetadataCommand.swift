import ArgumentParser

/// `tern metadata`: templates, indices (settings, mappings, aliases) and pipelines, transformed for the target.
struct MetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "Evaluate or migrate templates, index settings, mappings, aliases and pipelines to the target.",
        discussion: """
            Tern reads the source's metadata (a live cluster, or a snapshot's global state and index metadata), transforms \
            it for the target's version and lists every change: mapping types removed or merged, string fields made \
            text/keyword, settings the target does not know stripped, legacy template patterns renamed... Run evaluate \
            first: it changes nothing and shows, per item, create, exists: identical, exists: different, conflict or \
            cannot convert. Then migrate with the same flags creates what is missing, in dependency order, and reads \
            every item back to prove the target holds what the evaluation promised.

              tern metadata evaluate --source URL --target URL
              tern metadata migrate --snapshot-repo /mnt/backups/repo --snapshot nightly \\
                  --target URL --index 'logs-*'

            Existing items are never replaced unless --overwrite is given, so running migrate again changes nothing. \
            When the target refuses a setting or mapping parameter the report says which and why; --drop-unsupported \
            creates the item without it and lists what was dropped.

            --rules FILE adds your own rules, applied after the built-in ones and shown in the evaluation:
              rules:
                - match: {kind: index, name: "logs-*"}   # kind is optional
                  set: {"/settings/index/number_of_replicas": 2}
                  remove: ["/settings/index/refresh_interval"]
                  rename: {"/mappings/properties/msg": "/mappings/properties/message"}
            Pointers are JSON pointers into the item; for templates /settings, /mappings and /aliases reach the template's \
            index body. Kinds: index, legacy-template, index-template, component-template, pipeline.
            """,
        subcommands: [MetadataEvaluateCommand.self, MetadataMigrateCommand.self]
    )
}
