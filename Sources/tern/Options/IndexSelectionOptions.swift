import ArgumentParser
import TernCore

/// `--index`, `--exclude` and `--rename`: which indices a command works on and what they are called on the target,
/// the same in every command so that metadata, backfill and validation agree.
struct IndexSelectionOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Indices to include (glob, repeatable). Default: every index not starting with '.'.", valueName: "glob"))
    var index: [String] = []

    @Option(name: .long, help: ArgumentHelp("Indices to leave out (glob, repeatable).", valueName: "glob"))
    var exclude: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Index OLD is called NEW on the target (repeatable; a * on both sides carries the matched part).", valueName: "old:new"))
    var rename: [String] = []

    /// - Throws: `TernError` (usage) for a malformed `--rename`.
    func selection() throws -> IndexSelection {
        IndexSelection(include: index, exclude: exclude, renames: try IndexSelection.parseRenames(rename))
    }
}
