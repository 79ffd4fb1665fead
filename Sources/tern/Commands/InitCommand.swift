import ArgumentParser
import Foundation
import TernCore

/// `tern init`: writes a commented sample configuration.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented sample tern.yml to start from.",
        discussion:
            "The file names the source and target clusters, their auth, TLS, timeouts and retries. It never needs secrets: use ${ENV_VAR} or *_file keys."
    )

    @Option(name: .long, help: ArgumentHelp("Where to write it.", valueName: "path"))
    var path = TernConfiguration.defaultFileName

    @Flag(name: .long, help: "Replace an existing file.")
    var force = false

    @Flag(name: .long, help: "Print the sample to standard output instead of writing a file.")
    var stdout = false

    func run() throws {
        if stdout {
            Terminal.standardOutput.write(SampleConfiguration.text)
            return
        }
        if FileManager.default.fileExists(atPath: path) && !force {
            throw TernError.configuration("\(path) already exists; pass --force to replace it, or --path to write elsewhere.")
        }
        do {
            try SampleConfiguration.text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw TernError.configuration("Cannot write \(path): the folder does not exist or is not writable.")
        }
        Terminal.standardOutput.write("Wrote \(path). Edit the endpoints, then run: tern check\n")
    }
}
