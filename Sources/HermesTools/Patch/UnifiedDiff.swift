/// The unified diff the Python project returns from `patch`: `difflib.unified_diff` of the two
/// texts' `splitlines(keepends=True)`, three lines of context, no dates, joined with nothing (so a
/// last line without a line break runs into the next diff line, as in Python's result).
enum UnifiedDiff {
    /// The diff from `old` to `new` with headers `--- from` and `+++ to`; empty when they are equal.
    static func make(from old: String, to new: String, fromFile: String, toFile: String) -> String {
        make(
            from: PyText.splitLines(PyText.scalars(old), keepEnds: true), to: PyText.splitLines(PyText.scalars(new), keepEnds: true),
            fromFile: fromFile, toFile: toFile)
    }

    /// The diff of two lists of lines, each with its line break.
    static func make(from a: [Scalars], to b: [Scalars], fromFile: String, toFile: String) -> String {
        var out = Scalars()
        for (index, group) in SequenceMatcher(a, b).groupedOpcodes(context: 3).enumerated() {
            if index == 0 {
                out += PyText.scalars("--- \(fromFile)\n+++ \(toFile)\n")
            }
            let first = group[0]
            let last = group[group.count - 1]
            out += PyText.scalars("@@ -\(range(first.i1, last.i2)) +\(range(first.j1, last.j2)) @@\n")
            for code in group {
                if code.tag == .equal {
                    for line in a[code.i1..<code.i2] { out += [" "] + line }
                    continue
                }
                if code.tag == .replace || code.tag == .delete {
                    for line in a[code.i1..<code.i2] { out += ["-"] + line }
                }
                if code.tag == .replace || code.tag == .insert {
                    for line in b[code.j1..<code.j2] { out += ["+"] + line }
                }
            }
        }
        return PyText.string(out)
    }

    /// `_format_range_unified`: `start,length` from 1, `start` alone for one line.
    private static func range(_ start: Int, _ stop: Int) -> String {
        let length = stop - start
        if length == 1 { return "\(start + 1)" }
        return "\(length == 0 ? start : start + 1),\(length)"
    }
}
