import ArgumentParser
import Foundation
import TernCore

/// Entry point: parses the command line, runs the command, and turns every failure into one sentence and an exit code.
@main
enum TernMain {
    static func main() async {
        AllocatorTuning.apply()
        let command: any ParsableCommand
        do {
            command = try Tern.parseAsRoot()
        } catch {
            let code = Tern.exitCode(for: error)
            if code == .success {
                // --help and --version are answers, not errors.
                Terminal.standardOutput.write(Tern.fullMessage(for: error) + "\n")
                exit(0)
            }
            Terminal.standardError.write(Tern.fullMessage(for: error) + "\n")
            exit(TernExitCode.usage.rawValue)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
            exit(TernExitCode.success.rawValue)
        } catch let error as TernError {
            Terminal.standardError.write("error: \(error.message)\n")
            exit(error.exitCode.rawValue)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            // `tern help check` arrives here as a clean exit that carries the help text.
            let code = Tern.exitCode(for: error)
            let terminal = code == .success ? Terminal.standardOutput : Terminal.standardError
            terminal.write(Tern.fullMessage(for: error) + "\n")
            exit(code == .success ? 0 : TernExitCode.usage.rawValue)
        }
    }
}
