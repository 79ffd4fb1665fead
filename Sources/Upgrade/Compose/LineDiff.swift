/// A unified diff of two texts, line by line (longest common subsequence; Compose files are small).
public enum LineDiff {
    public static func unified(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = lines(old)
        let b = lines(new)
        guard a != b else { return "" }
        // Edit script from an LCS table.
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        enum Op {
            case same(Int, Int)
            case delete(Int)
            case insert(Int)
        }
        var ops: [Op] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count && j < b.count && a[i] == b[j] {
                ops.append(.same(i, j))
                i += 1
                j += 1
            } else if i < a.count && (j == b.count || table[i + 1][j] >= table[i][j + 1]) {
                ops.append(.delete(i))
                i += 1
            } else {
                ops.append(.insert(j))
                j += 1
            }
        }
        // Group changes with their context into hunks.
        let changed = ops.indices.filter { if case .same = ops[$0] { return false } else { return true } }
        var hunks: [ClosedRange<Int>] = []
        for index in changed {
            let range = max(0, index - context)...min(ops.count - 1, index + context)
            if let last = hunks.last, range.lowerBound <= last.upperBound + 1 {
                hunks[hunks.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                hunks.append(range)
            }
        }
        var output = "--- \(oldName)\n+++ \(newName)\n"
        for hunk in hunks {
            var oldStart: Int?
            var newStart: Int?
            var oldCount = 0
            var newCount = 0
            var body = ""
            for op in ops[hunk] {
                switch op {
                case .same(let x, let y):
                    oldStart = oldStart ?? x
                    newStart = newStart ?? y
                    oldCount += 1
                    newCount += 1
                    body += " \(a[x])\n"
                case .delete(let x):
                    oldStart = oldStart ?? x
                    oldCount += 1
                    body += "-\(a[x])\n"
                case .insert(let y):
                    newStart = newStart ?? y
                    newCount += 1
                    body += "+\(b[y])\n"
                }
            }
            let oldLine = oldCount == 0 ? (oldStart ?? 0) : (oldStart ?? 0) + 1
            let newLine = newCount == 0 ? (newStart ?? 0) : (newStart ?? 0) + 1
            output += "@@ -\(oldLine),\(oldCount) +\(newLine),\(newCount) @@\n" + body
        }
        return output
    }

    static func lines(_ text: String) -> [String] {
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
