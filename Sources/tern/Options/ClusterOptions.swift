import ArgumentParser
import TernCore

/// Where the clusters are: tern.yml, overridden by flags.
struct ClusterOptions: ParsableArguments {
    @Option(
        name: .long, help: ArgumentHelp("Configuration file (default: tern.yml in the working directory, if present).", valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Source cluster URL; replaces the endpoints of source: in tern.yml.", valueName: "url"))
    var source: String?

    @Option(name: .long, help: ArgumentHelp("Target cluster URL; replaces the endpoints of target: in tern.yml.", valueName: "url"))
    var target: String?

    func load() throws -> TernConfiguration {
        try ConfigurationLoader().resolve(path: config, sourceURL: source, targetURL: target)
    }
}
