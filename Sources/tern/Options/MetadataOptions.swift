import ArgumentParser
import Logging
import Metadata
import TernCore

/// What `tern metadata evaluate` and `tern metadata migrate` share: where the metadata comes from, which items, how they
/// are transformed, and how the target is written. Both commands take the same flags so that an evaluation shows exactly
/// what the migration with the same flags will do.
struct MetadataOptions: ParsableArguments {
    @OptionGroup var clusters: ClusterOptions

    @Option(
        name: .customLong("snapshot-repo"),
        help: ArgumentHelp(
            "Read the metadata from this snapshot repository instead of a source cluster: a folder, s3://BUCKET/BASE_PATH, gs://…, azure://…, or a repositories: entry of tern.yml.",
            valueName: "repo"))
    var snapshotRepository: String?

    @OptionGroup var store: RepositoryOptions

    @Option(name: .long, help: ArgumentHelp("The snapshot to read (with --snapshot-repo).", valueName: "name"))
    var snapshot: String?

    @OptionGroup var indices: IndexSelectionOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Templates, pipelines, lifecycle policies, alerting monitors (by name) and notification channels (by id) to migrate (glob, repeatable). Default: all but the stack's own, which need their exact name.",
            valueName: "glob"))
    var template: [String] = []

    @Option(
        name: .customLong("exclude-template"),
        help: ArgumentHelp(
            "Templates, pipelines, lifecycle policies, monitors and channels to leave out (glob, repeatable).", valueName: "glob"))
    var excludeTemplate: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("A YAML file of rules applied after the built-in ones (see `tern metadata --help`).", valueName: "file"))
    var rules: String?

    /// The command line's names for `MultiTypePolicy`.
    enum MultiTypeChoice: String, ExpressibleByArgument, CaseIterable {
        case union, split, drop
    }

    @Option(
        name: .customLong("multi-type"),
        help: ArgumentHelp(
            "Indices with several mapping types (Elasticsearch 5 and earlier): union (one index, all fields), split (one index per type), drop (keep the --keep-type types)."
        ))
    var multiType: MultiTypeChoice = .union

    @Option(
        name: .customLong("split-pattern"),
        help: ArgumentHelp("The index name of each type with --multi-type split; {index} and {type} are replaced.", valueName: "pattern"))
    var splitPattern: String?

    @Option(
        name: .customLong("keep-type"),
        help: ArgumentHelp(
            "A type to keep with --multi-type drop (repeatable); the other types and their documents are left behind.",
            valueName: "name"))
    var keepType: [String] = []

    @Option(
        name: .customLong("awareness-zones"),
        help: ArgumentHelp(
            "The target's allocation awareness zones: raise replica counts so that every zone holds a copy of each shard.",
            valueName: "n"))
    var awarenessZones: Int?

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Replace templates and pipelines that exist on the target but differ, and recreate differing indices that hold no documents."
        ))
    var overwrite = false

    @Flag(
        name: .customLong("drop-unsupported"),
        help: ArgumentHelp("When the target refuses a setting or mapping parameter as unknown, create the item without it and list it."))
    var dropUnsupported = false

    @Flag(
        name: .customLong("cluster-settings"),
        help: ArgumentHelp(
            "Also carry the source's persistent cluster settings that make sense on another cluster (awareness, disk watermarks, shard limits, action.*, search and script limits, breakers); the others are named with the reason. Never transient ones."
        ))
    var clusterSettings = false

    @Flag(
        name: .customLong("attach-policies"),
        help: ArgumentHelp(
            "migrate: attach each migrated index to the ISM policy its source index was managed by (ISM's ism_template reaches only indices created later). Ages count from the target index's creation."
        ))
    var attachPolicies = false

    @Flag(name: .long, help: "Print the report as one JSON object.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard clusters.source == nil || snapshotRepository == nil else {
            throw ValidationError("Give one source: --source (or tern.yml) or --snapshot-repo with --snapshot, not both.")
        }
        guard (snapshotRepository == nil) == (snapshot == nil) else {
            throw ValidationError("--snapshot-repo and --snapshot go together: the repository folder and the snapshot in it.")
        }
        if splitPattern != nil && multiType != .split {
            throw ValidationError("--split-pattern names the indices of --multi-type split; add --multi-type split or leave it out.")
        }
        if let splitPattern, !splitPattern.contains("{type}") {
            throw ValidationError(
                "--split-pattern '\(splitPattern)' has no {type}, so every type would get the same index; write it like '{index}_{type}'.")
        }
        if !keepType.isEmpty && multiType != .drop {
            throw ValidationError("--keep-type chooses the types --multi-type drop keeps; add --multi-type drop or leave it out.")
        }
        if multiType == .drop && keepType.isEmpty {
            throw ValidationError("--multi-type drop needs the types to keep: add --keep-type NAME (repeatable).")
        }
        if let awarenessZones, awarenessZones < 1 {
            throw ValidationError("--awareness-zones must be 1 or more (the number of zones the target spreads copies over).")
        }
    }

    /// The multi-type policy the flags choose.
    var multiTypePolicy: MultiTypePolicy {
        switch multiType {
        case .union: .union
        case .split: .split(namePattern: splitPattern ?? MultiTypePolicy.defaultSplitPattern)
        case .drop: .drop(keeping: keepType)
        }
    }

    /// The library's options; reads the rule file.
    /// - Parameter apply: create items on the target (migrate) or only evaluate.
    /// - Throws: `TernError` (usage) for a bad `--rename` or a rule file that cannot be read or parsed.
    func runOptions(apply: Bool) throws -> MetadataRunOptions {
        var options = MetadataRunOptions(
            selection: try indices.selection(),
            templates: template, excludeTemplates: excludeTemplate,
            transform: TransformOptions(multiTypePolicy: multiTypePolicy, awarenessZones: awarenessZones),
            userRules: try rules.map { try UserRules.load(path: $0) }, apply: apply, overwrite: overwrite,
            dropUnsupported: dropUnsupported)
        options.clusterSettings = clusterSettings
        options.attachPolicies = attachPolicies
        return options
    }

    /// Where the metadata is read from: the snapshot, else the source cluster of the configuration.
    func sourceSpec(_ configuration: TernConfiguration, logger: Logger) throws -> MetadataSourceSpec {
        if let snapshotRepository, let snapshot {
            return .snapshot(
                repository: try store.storage(snapshotRepository, repositories: configuration.repositories, logger: logger),
                snapshot: snapshot)
        }
        return .cluster(try configuration.requireSource())
    }
}
