import Metadata

/// The human form of `tern metadata evaluate|migrate`: one row per target item, with what was changed, found, dropped
/// and refused indented beneath it, then what cannot be carried over and one closing sentence.
struct MetadataReportPrinter {
    /// Whether `--overwrite` was given: an evaluation then promises to replace differing items rather than keep them.
    let overwrite: Bool

    func render(_ report: MetadataReport) -> String {
        var out = "Source  \(report.source) (\(report.sourceVersion))\n"
        out += "Target  \(report.target) (\(report.targetVersion))\n"
        out += report.applied ? "\n" : "Evaluation only: nothing on the target was changed.\n\n"
        if report.items.isEmpty {
            out += "No template, index or pipeline is selected; check --index and --template.\n"
        } else {
            let rows = report.items.map { entry in
                [
                    entry.kind.rawValue, entry.source == entry.name ? entry.name : "\(entry.source) -> \(entry.name)", Self.status(entry),
                    action(entry),
                ]
            }
            let header = ["KIND", "NAME", "STATUS", "ACTION"]
            let widths = header.indices.map { column in (rows.map { $0[column].count } + [header[column].count]).max() ?? 0 }
            out += Self.line(header, widths)
            for (entry, row) in zip(report.items, rows) {
                out += Self.line(row, widths)
                out += details(entry)
            }
        }
        if !report.notConvertible.isEmpty {
            out += "\nNot carried over:\n"
            for note in report.notConvertible { out += "  - \(note)\n" }
        }
        out += "\n" + closing(report) + "\n"
        return out
    }

    /// `exists: identical` reads better than the bare status word the JSON carries.
    static func status(_ entry: MetadataReport.Entry) -> String {
        switch entry.status {
        case .identical, .different: "exists: \(entry.status.rawValue)"
        case .cannotConvert: "cannot convert"
        case .create, .conflict: entry.status.rawValue
        }
    }

    /// What was done, or for an evaluation what migrate would do.
    func action(_ entry: MetadataReport.Entry) -> String {
        if let action = entry.action { return action.rawValue }
        switch entry.status {
        case .create: return "would create"
        case .identical: return "none"
        case .different: return overwrite ? "would replace" : "leave as is"
        case .conflict, .cannotConvert: return "blocked"
        }
    }

    private func details(_ entry: MetadataReport.Entry) -> String {
        var out = ""
        for transformation in entry.transformations { out += "    ~ \(transformation)\n" }
        for finding in entry.findings { out += "    ! \(finding)\n" }
        if !entry.differences.isEmpty {
            let shown = entry.differences.prefix(8).joined(separator: ", ")
            let more = entry.differences.count > 8 ? " and \(entry.differences.count - 8) more" : ""
            out += "    differs at \(shown)\(more)"
            out += entry.action == nil && entry.status == .different && !overwrite ? "; --overwrite replaces it\n" : "\n"
        }
        for dropped in entry.dropped { out += "    dropped \(dropped)\n" }
        if let reason = entry.reason { out += "    reason: \(reason)\n" }
        return out
    }

    /// One sentence: everything as promised, or how many items need a person.
    private func closing(_ report: MetadataReport) -> String {
        func count(_ predicate: (MetadataReport.Entry) -> Bool) -> Int { report.items.filter(predicate).count }
        if report.ok {
            if report.applied {
                let created = count { $0.action == .created }
                let replaced = count { $0.action == .overwritten }
                let identical = count { $0.status == .identical }
                var parts = ["\(created) created"]
                if replaced > 0 { parts.append("\(replaced) replaced") }
                parts.append("\(identical) already identical")
                return "The target holds every selected item as promised (\(parts.joined(separator: ", ")))."
            }
            let create = count { $0.status == .create }
            let replace = count { $0.status == .different }
            let identical = count { $0.status == .identical }
            var parts = ["\(create) to create"]
            if replace > 0 { parts.append("\(replace) to replace") }
            parts.append("\(identical) already identical")
            return "Every selected item can be migrated as shown (\(parts.joined(separator: ", ")))."
        }
        let attention = max(1, report.failures(overwrite: overwrite).count)
        return "\(attention) \(attention == 1 ? "item needs" : "items need") attention: see the reasons above."
    }

    private static func line(_ cells: [String], _ widths: [Int]) -> String {
        var text = ""
        for (index, cell) in cells.enumerated() {
            text += index == cells.count - 1 ? cell : cell.padding(toLength: widths[index] + 2, withPad: " ", startingAt: 0)
        }
        return text + "\n"
    }
}
