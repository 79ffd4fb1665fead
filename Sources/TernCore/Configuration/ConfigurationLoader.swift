import Foundation
import Yams

/// Reads `tern.yml`: YAML, `${ENV_VAR}` interpolation, secrets from files, strict keys, and one sentence per mistake.
public struct ConfigurationLoader: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Loads the configuration for a command and applies the endpoint flags.
    /// - Parameters:
    ///   - path: `--config`; when nil, `tern.yml` in the working directory is read if it exists.
    ///   - sourceURL: `--source`, replacing the file's source endpoints.
    ///   - targetURL: `--target`, replacing the file's target endpoints.
    public func resolve(path: String?, sourceURL: String?, targetURL: String?) throws -> TernConfiguration {
        var configuration = TernConfiguration()
        if let path {
            guard FileManager.default.fileExists(atPath: path) else {
                throw TernError.configuration(
                    "The configuration file \(path) does not exist; check --config, or run tern init to write a sample.")
            }
            configuration = try load(path: path)
        } else if FileManager.default.fileExists(atPath: TernConfiguration.defaultFileName) {
            configuration = try load(path: TernConfiguration.defaultFileName)
        }
        if let sourceURL {
            let url = try ClusterConfiguration.endpoint(sourceURL, origin: "--source")
            configuration.source = Self.override(configuration.source, role: "source", with: url)
        }
        if let targetURL {
            let url = try ClusterConfiguration.endpoint(targetURL, origin: "--target")
            configuration.target = Self.override(configuration.target, role: "target", with: url)
        }
        return configuration
    }

    /// Reads and parses one file.
    public func load(path: String) throws -> TernConfiguration {
        let url = URL(fileURLWithPath: path)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw TernError.configuration(
                "Cannot read the configuration file \(path): it is not readable UTF-8 text; check its permissions and encoding.")
        }
        return try parse(text, file: path, baseDirectory: url.deletingLastPathComponent().path)
    }

    /// Parses configuration text.
    /// - Parameters:
    ///   - file: the name used in messages.
    ///   - baseDirectory: where relative `*_file` paths start.
    public func parse(_ text: String, file: String = TernConfiguration.defaultFileName, baseDirectory: String = ".") throws
        -> TernConfiguration
    {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw TernError.configuration("\(file) is not valid YAML: \(Self.describe(error)).")
        }
        guard let root else { return TernConfiguration() }
        let top = try ConfigNode(node: root, path: "", file: file, environment: environment).mapping(allowedKeys: [
            "source", "target", "migration", "cutover", "upgrade", "repositories", "coordination",
        ])
        let reader = ClusterSectionReader(baseDirectory: baseDirectory)
        let workflow = WorkflowSectionReader()
        var configuration = TernConfiguration(
            source: try top["source"].map { try reader.cluster($0, role: "source") },
            target: try top["target"].map { try reader.cluster($0, role: "target") },
            migration: try top["migration"].map(workflow.migration) ?? MigrationSettings(),
            cutover: try top["cutover"].map(workflow.cutover) ?? CutoverSettings(),
            upgrade: try top["upgrade"].map(UpgradeSectionReader().upgrade) ?? UpgradeSettings())
        configuration.coordination = try top["coordination"].map { try reader.cluster($0, role: "coordination") }
        configuration.repositories = try top["repositories"].map(RepositorySectionReader(baseDirectory: baseDirectory).repositories) ?? [:]
        return configuration
    }

    /// The cluster where workers of a shared backfill coordinate: `--coordination-cluster` (with the `coordination:`
    /// section's credentials when tern.yml has one, else the target's), else the `coordination:` section, else nil
    /// (the target).
    public static func coordinationCluster(_ url: String?, in configuration: TernConfiguration) throws -> ClusterConfiguration? {
        guard let url else { return configuration.coordination }
        let endpoint = try ClusterConfiguration.endpoint(url, origin: "--coordination-cluster")
        var cluster =
            configuration.coordination ?? configuration.target ?? ClusterConfiguration(role: "coordination", endpoints: [endpoint])
        cluster.role = "coordination"
        cluster.endpoints = [endpoint]
        return cluster
    }

    private static func override(_ existing: ClusterConfiguration?, role: String, with url: URL) -> ClusterConfiguration {
        guard var cluster = existing else { return ClusterConfiguration(role: role, endpoints: [url]) }
        cluster.endpoints = [url]
        return cluster
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "the key \(duplicates.joined(separator: ", ")) appears twice"
        case .reader(let problem, _, _, _):
            return problem
        default:
            return "\(error)"
        }
    }
}
