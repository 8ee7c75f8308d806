/// The find-and-replace of `patch`, as the Python project's `tools/fuzzy_match.py` does it: nine
/// strategies, from exact to fuzzy, tried in order; the first that finds the text at all decides,
/// so an ambiguous match is never resolved by a looser strategy. A pure function of its inputs.
///
/// Positions are code points, as in Python (see `Scalars`).
enum FuzzyMatch {
    /// The strategies, in the order they are tried, named as Python names them.
    enum Strategy: String, CaseIterable, Sendable {
        /// The text as given.
        case exact
        /// Every line stripped of surrounding whitespace; whole lines.
        case lineTrimmed = "line_trimmed"
        /// Runs of spaces and tabs as one space.
        case whitespaceNormalized = "whitespace_normalized"
        /// Every line stripped of its indentation; whole lines.
        case indentationFlexible = "indentation_flexible"
        /// Literal `\n`, `\t`, `\r` in the pattern as the characters.
        case escapeNormalized = "escape_normalized"
        /// The first and last lines stripped.
        case trimmedBoundary = "trimmed_boundary"
        /// Smart quotes, dashes, the ellipsis and no-break spaces as ASCII.
        case unicodeNormalized = "unicode_normalized"
        /// First and last lines equal, the middle similar enough.
        case blockAnchor = "block_anchor"
        /// Half the lines similar.
        case contextAware = "context_aware"
    }

    /// What one find-and-replace came to.
    struct Outcome: Equatable, Sendable {
        /// The new content; the old one when nothing was replaced.
        var content: String
        /// How many places were replaced; 0 on failure.
        var count: Int
        /// The strategy that matched; nil on failure.
        var strategy: Strategy?
        /// Why nothing was replaced, in Python's words; nil on success.
        var error: String?
    }

    /// Python's error when no strategy finds the text.
    static let notFound = "Could not find a match for old_string in the file"

    /// `fuzzy_find_and_replace(content, old_string, new_string, replace_all)`.
    static func findAndReplace(in content: String, old: String, new: String, replaceAll: Bool) -> Outcome {
        let failure = { (error: String) in Outcome(content: content, count: 0, strategy: nil, error: error) }
        if old.isEmpty { return failure("old_string cannot be empty") }
        let text = PyText.scalars(content)
        let pattern = PyText.scalars(old)
        let replacement = PyText.scalars(new)
        if pattern == replacement { return failure("old_string and new_string are identical") }
        for strategy in Strategy.allCases {
            let matches = self.matches(strategy, text, pattern)
            if matches.isEmpty { continue }
            if matches.count > 1 && !replaceAll {
                return failure(
                    "Found \(matches.count) matches for old_string. Provide more context to make it unique, or use replace_all=True.")
            }
            if strategy != .exact, let drift = escapeDrift(text, matches, pattern, replacement) { return failure(drift) }
            var effective = unescapingControls(replacement, text, matches)
            if strategy == .unicodeNormalized {
                effective = preservingUnicode(text, matches, pattern, effective)
            }
            let result = applying(text, matches, effective, reindentingFrom: strategy == .exact ? nil : pattern)
            return Outcome(content: PyText.string(result), count: matches.count, strategy: strategy, error: nil)
        }
        return failure(notFound)
    }

    /// `format_no_match_hint`: "Did you mean one of these sections?" with the closest lines, for
    /// a plain not-found failure only; empty otherwise.
    static func noMatchHint(error: String?, count: Int, old: String, content: String) -> String {
        guard count == 0, let error, error.hasPrefix("Could not find") else { return "" }
        let hint = closestLines(to: old, in: content)
        return hint.isEmpty ? "" : "\n\nDid you mean one of these sections?\n" + hint
    }

    typealias Match = (start: Int, end: Int)

    static func matches(_ strategy: Strategy, _ content: Scalars, _ pattern: Scalars) -> [Match] {
        switch strategy {
        case .exact: exact(content, pattern)
        case .lineTrimmed: lineTrimmed(content, pattern)
        case .whitespaceNormalized: whitespaceNormalized(content, pattern)
        case .indentationFlexible: wholeLines(content, pattern) { PyText.lstrip($0) }
        case .escapeNormalized: escapeNormalized(content, pattern)
        case .trimmedBoundary: trimmedBoundary(content, pattern)
        case .unicodeNormalized: unicodeNormalized(content, pattern)
        case .blockAnchor: blockAnchor(content, pattern)
        case .contextAware: contextAware(content, pattern)
        }
    }

    // MARK: - The strategies

    /// Non-overlapping occurrences, left to right, as `str.replace` finds them.
    private static func exact(_ content: Scalars, _ pattern: Scalars) -> [Match] {
        guard !pattern.isEmpty else { return [] }
        var matches: [Match] = []
        var start = 0
        while let found = PyText.find(content, pattern, from: start) {
            matches.append((found, found + pattern.count))
            start = found + pattern.count
        }
        return matches
    }

    private static func lineTrimmed(_ content: Scalars, _ pattern: Scalars) -> [Match] {
        wholeLines(content, pattern) { PyText.strip($0) }
    }

    /// `_find_normalized_matches`: blocks of whole lines equal to the pattern's lines once both
    /// are normalized line by line.
    private static func wholeLines(_ content: Scalars, _ pattern: Scalars, _ normalize: (Scalars) -> Scalars) -> [Match] {
        let lines = PyText.split(content)
        let normalized = lines.map(normalize)
        let wanted = PyText.split(pattern).map(normalize)
        let offsets = lineOffsets(lines)
        var matches: [Match] = []
        for index in windows(lines.count, wanted.count) where normalized[index..<(index + wanted.count)].elementsEqual(wanted) {
            matches.append(position(offsets, index, index + wanted.count, content.count))
        }
        return matches
    }

    private static func whitespaceNormalized(_ content: Scalars, _ pattern: Scalars) -> [Match] {
        let normalizedContent = collapsingBlanks(content)
        let found = exact(normalizedContent, collapsingBlanks(pattern))
        return found.isEmpty ? [] : mapBack(content, normalizedContent, found)
    }

    private static func escapeNormalized(_ content: Scalars, _ pattern: Scalars) -> [Match] {
        var unescaped = PyText.replacing(pattern, ["\\", "n"], with: ["\n"])
        unescaped = PyText.replacing(unescaped, ["\\", "t"], with: ["\t"])
        unescaped = PyText.replacing(unescaped, ["\\", "r"], with: ["\r"])
        return unescaped == pattern ? [] : exact(content, unescaped)
    }

    private static func trimmedBoundary(_ content: Scalars, _ pattern: Scalars) -> [Match] {
        func trimmingEnds(_ lines: [Scalars]) -> [Scalars] {
            var lines = lines
            lines[0] = PyText.strip(lines[0])
            if lines.count > 1 { lines[lines.count - 1] = PyText.strip(lines[lines.count - 1]) }
            return lines
        }
        let wanted = trimmingEnds(PyText.split(pattern))
        let lines = PyText.split(content)
        let offsets = lineOffsets(lines)
        var matches: [Match] = []
        for index in windows(lines.count, wanted.count) where trimmingEnds(Array(lines[index..<(index + wanted.count)])) == wanted {
            matches.append(position(offsets, index, index + wanted.count, content.count))
        }
        return matches
    }

    private static func unicodeNormalized(_ content: Scalars, _ pattern: Scalars) -> [Match] {
        let normalizedPattern = asciiFolded(pattern)
        let normalizedContent = asciiFolded(content)
        if normalizedContent == content && normalizedPattern == pattern { return [] }
        var found = exact(normalizedContent, normalizedPattern)
        if found.isEmpty { found = lineTrimmed(normalizedContent, normalizedPattern) }
        if found.isEmpty { return [] }
        let toNormalized = foldedPositions(content)
        return mapFoldedBack(toNormalized, found)
    }

    private static func blockAnchor(_ content: Scalars, _ pattern: Scalars) -> [Match] {
        let patternLines = PyText.split(asciiFolded(pattern))
        guard patternLines.count >= 2 else { return [] }
        let first = PyText.strip(patternLines[0])
        let last = PyText.strip(patternLines[patternLines.count - 1])
        let foldedLines = PyText.split(asciiFolded(content))
        // Positions come from the original lines: folding may lengthen a line (— is "--").
        let offsets = lineOffsets(PyText.split(content))
        let count = patternLines.count
        let candidates = windows(foldedLines.count, count).filter {
            PyText.strip(foldedLines[$0]) == first && PyText.strip(foldedLines[$0 + count - 1]) == last
        }
        // Python's thresholds: 0.50 for one candidate, 0.70 when several compete.
        let threshold = candidates.count == 1 ? 0.50 : 0.70
        let patternMiddle = PyText.join(Array(patternLines[1..<(count - 1)]))
        var matches: [Match] = []
        for index in candidates {
            let similarity: Double
            if count <= 2 {
                similarity = 1.0
            } else {
                let middle = PyText.join(Array(foldedLines[(index + 1)..<(index + count - 1)]))
                similarity = SequenceMatcher(middle, patternMiddle).ratio()
            }
            if similarity >= threshold { matches.append(position(offsets, index, index + count, content.count)) }
        }
        return matches
    }

    private static func contextAware(_ content: Scalars, _ pattern: Scalars) -> [Match] {
        let wanted = PyText.split(pattern).map { PyText.strip($0) }
        let lines = PyText.split(content)
        let stripped = lines.map { PyText.strip($0) }
        let offsets = lineOffsets(lines)
        var matches: [Match] = []
        for index in windows(lines.count, wanted.count) {
            var similar = 0
            for (offset, line) in wanted.enumerated() where SequenceMatcher(line, stripped[index + offset]).ratioReaches(0.80) {
                similar += 1
            }
            if Double(similar) >= Double(wanted.count) * 0.5 {
                matches.append(position(offsets, index, index + wanted.count, content.count))
            }
        }
        return matches
    }

    // MARK: - Positions

    /// The start of each line, and one past the end: `offsets[k]` is the length of the first `k`
    /// lines with their line breaks.
    private static func lineOffsets(_ lines: [Scalars]) -> [Int] {
        var offsets = [0]
        for line in lines { offsets.append(offsets[offsets.count - 1] + line.count + 1) }
        return offsets
    }

    /// `_calculate_line_positions`: lines `start..<end` as a range of the content, without the
    /// last line's break.
    private static func position(_ offsets: [Int], _ start: Int, _ end: Int, _ length: Int) -> Match {
        (offsets[start], min(length, offsets[end] - 1))
    }

    /// The first lines of every block of `size` lines among `count`.
    private static func windows(_ count: Int, _ size: Int) -> Range<Int> {
        0..<max(0, count - size + 1)
    }

    /// `re.sub(r'[ \t]+', ' ', text)`.
    private static func collapsingBlanks(_ text: Scalars) -> Scalars {
        var out = Scalars()
        out.reserveCapacity(text.count)
        var inRun = false
        for scalar in text {
            let blank = scalar == " " || scalar == "\t"
            if !blank { out.append(scalar) } else if !inRun { out.append(" ") }
            inRun = blank
        }
        return out
    }

    /// `_map_normalized_positions`, step for step: positions in the blank-collapsed text back to
    /// the original.
    private static func mapBack(_ original: Scalars, _ normalized: Scalars, _ found: [Match]) -> [Match] {
        func blank(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }
        var toNormalized: [Int] = []
        toNormalized.reserveCapacity(original.count)
        var (o, n) = (0, 0)
        while o < original.count && n < normalized.count {
            if original[o] == normalized[n] {
                toNormalized.append(n)
                o += 1
                n += 1
            } else if blank(original[o]) && normalized[n] == " " {
                toNormalized.append(n)
                o += 1
                if o < original.count && !blank(original[o]) { n += 1 }
            } else {
                toNormalized.append(n)
                o += 1
            }
        }
        while o < original.count {
            toNormalized.append(normalized.count)
            o += 1
        }
        var firstOriginal = [Int](repeating: -1, count: normalized.count + 1)
        var lastOriginal = [Int](repeating: -1, count: normalized.count + 1)
        for (index, target) in toNormalized.enumerated() {
            if firstOriginal[target] < 0 { firstOriginal[target] = index }
            lastOriginal[target] = index
        }
        return found.map { match in
            var start = firstOriginal[match.start]
            if start < 0 { start = toNormalized.firstIndex { $0 >= match.start } ?? original.count }
            var end = match.end >= 1 && lastOriginal[match.end - 1] >= 0 ? lastOriginal[match.end - 1] + 1 : start + (match.end - match.start)
            // Trailing blanks are taken only when the match itself ended on one: after a word
            // they are a boundary (Python's fix for issue 52491).
            if match.end < normalized.count && normalized[match.end - 1] == " " {
                while end < original.count && blank(original[end]) { end += 1 }
            }
            return (start, min(end, original.count))
        }
    }

    // MARK: - Unicode folding

    /// `UNICODE_MAP`: what each typographic character is typed as.
    private static let asciiForms: [Unicode.Scalar: Scalars] = [
        "\u{201C}": ["\""], "\u{201D}": ["\""], "\u{2018}": ["'"], "\u{2019}": ["'"],
        "\u{2014}": ["-", "-"], "\u{2013}": ["-"], "\u{2026}": [".", ".", "."], "\u{00A0}": [" "],
    ]

    private static func asciiFolded(_ text: Scalars) -> Scalars {
        var out = Scalars()
        out.reserveCapacity(text.count)
        for scalar in text { out += asciiForms[scalar] ?? [scalar] }
        return out
    }

    /// `_build_orig_to_norm_map`: where each code point (and the end) lands once folded.
    private static func foldedPositions(_ original: Scalars) -> [Int] {
        var positions: [Int] = []
        positions.reserveCapacity(original.count + 1)
        var position = 0
        for scalar in original {
            positions.append(position)
            position += asciiForms[scalar]?.count ?? 1
        }
        positions.append(position)
        return positions
    }

    /// `_map_positions_norm_to_orig`; a match that starts inside a folded character is dropped.
    private static func mapFoldedBack(_ toFolded: [Int], _ found: [Match]) -> [Match] {
        var firstOriginal: [Int: Int] = [:]
        for (index, target) in toFolded.dropLast().enumerated() where firstOriginal[target] == nil {
            firstOriginal[target] = index
        }
        let length = toFolded.count - 1
        return found.compactMap { match in
            guard let start = firstOriginal[match.start] else { return nil }
            var end = start
            while end < length && toFolded[end] < match.end { end += 1 }
            return (start, end)
        }
    }

    // MARK: - After a match

    /// `_detect_escape_drift`: `\'` or `\"` in both strings but not in the matched file text is
    /// the transport's stray backslash, and writing it would corrupt the file.
    private static func escapeDrift(_ content: Scalars, _ matches: [Match], _ old: Scalars, _ new: Scalars) -> String? {
        let suspects: [Scalars] = [["\\", "'"], ["\\", "\""]]
        guard suspects.contains(where: { PyText.contains(new, $0) }) else { return nil }
        let regions = matchedText(content, matches)
        for suspect in suspects where PyText.contains(new, suspect) && PyText.contains(old, suspect) && !PyText.contains(regions, suspect) {
            let text = PyText.string(suspect)
            let plain = PyText.string(suspect.dropFirst())
            return
                "Escape-drift detected: old_string and new_string contain the literal sequence \(PyText.repr(text)) but the matched region of the file does not. This is almost always a tool-call serialization artifact where an apostrophe or quote got prefixed with a spurious backslash. Re-read the file with read_file and pass old_string/new_string without backslash-escaping \(PyText.repr(plain)) characters."
        }
        return nil
    }

    /// `_maybe_unescape_new_string`: literal `\t` and `\r` become the characters, each only when
    /// the matched text has a real one (`\n` never: it survives JSON, and source code has `\n`).
    private static func unescapingControls(_ new: Scalars, _ content: Scalars, _ matches: [Match]) -> Scalars {
        let tab: Scalars = ["\\", "t"]
        let carriageReturn: Scalars = ["\\", "r"]
        guard PyText.contains(new, tab) || PyText.contains(new, carriageReturn) else { return new }
        let regions = matchedText(content, matches)
        var out = new
        if PyText.contains(out, tab) && regions.contains("\t") { out = PyText.replacing(out, tab, with: ["\t"]) }
        if PyText.contains(out, carriageReturn) && regions.contains("\r") { out = PyText.replacing(out, carriageReturn, with: ["\r"]) }
        return out
    }

    /// `_preserve_unicode_in_replacement`: the edits from old to new applied to the file's own
    /// text, so the typographic characters the edit did not touch stay as they were.
    private static func preservingUnicode(_ content: Scalars, _ matches: [Match], _ old: Scalars, _ new: Scalars) -> Scalars {
        let region = matchedText(content, matches)
        let foldedOld = asciiFolded(old)
        guard foldedOld == asciiFolded(region) else { return new }
        let toFolded = foldedPositions(region)
        var firstOriginal: [Int: Int] = [:]
        for (index, target) in toFolded.dropLast().enumerated() where firstOriginal[target] == nil {
            firstOriginal[target] = index
        }
        var out = Scalars()
        for code in SequenceMatcher(foldedOld, new).opcodes() {
            switch code.tag {
            case .equal:
                let start = firstOriginal[code.i1] ?? 0
                var end = start
                while end < region.count && toFolded[end] < code.i2 { end += 1 }
                out += region[start..<end]
            case .replace, .insert:
                out += new[code.j1..<code.j2]
            case .delete:
                break
            }
        }
        return out
    }

    /// `_apply_replacements`: from the last match back, each re-indented to its file text when the
    /// match was not exact. Slices clamp, as Python's do, should windows overlap.
    private static func applying(_ content: Scalars, _ matches: [Match], _ new: Scalars, reindentingFrom old: Scalars?) -> Scalars {
        let order = matches.indices.sorted { (matches[$1].start, $0) < (matches[$0].start, $1) }
        var result = content
        for index in order {
            let (start, end) = matches[index]
            let adjusted = old.map { reindented(new, from: $0, to: Array(content[start..<end])) } ?? new
            let head = result[..<min(start, result.count)]
            let tail = end < result.count ? result[end...] : []
            result = Array(head) + adjusted + Array(tail)
        }
        return result
    }

    /// `_reindent_replacement`: the indentation of old_string's first non-blank line swapped for
    /// the file text's, line by line; lines indented less start at the file's indentation.
    private static func reindented(_ new: Scalars, from old: Scalars, to region: Scalars) -> Scalars {
        guard !new.isEmpty, let oldFirst = firstMeaningfulLine(old), let regionFirst = firstMeaningfulLine(region) else { return new }
        let oldIndent = leadingBlanks(oldFirst)
        let fileIndent = leadingBlanks(regionFirst)
        if oldIndent == fileIndent { return new }
        let lines = PyText.split(new).map { line -> Scalars in
            if PyText.strip(line).isEmpty { return line }
            if leadingBlanks(line).starts(with: oldIndent) { return fileIndent + line[oldIndent.count...] }
            return fileIndent + PyText.lstrip(line, [" ", "\t"])
        }
        return PyText.join(lines)
    }

    private static func firstMeaningfulLine(_ text: Scalars) -> Scalars? {
        PyText.split(text).first { !PyText.strip($0).isEmpty }
    }

    private static func leadingBlanks(_ line: Scalars) -> Scalars {
        Array(line.prefix { $0 == " " || $0 == "\t" })
    }

    private static func matchedText(_ content: Scalars, _ matches: [Match]) -> Scalars {
        matches.reduce(into: Scalars()) { $0 += content[$1.start..<$1.end] }
    }

    // MARK: - Did you mean

    /// `find_closest_lines`: up to three places whose line is most like old_string's first
    /// non-blank line (ratio over 0.3), each with two lines of context, numbered `%4d| `.
    static func closestLines(to old: String, in content: String) -> String {
        let oldLines = PyText.splitLines(PyText.scalars(old), keepEnds: false)
        let lines = PyText.splitLines(PyText.scalars(content), keepEnds: false)
        guard !old.isEmpty, !content.isEmpty, !oldLines.isEmpty, !lines.isEmpty else { return "" }
        var anchor = PyText.strip(oldLines[0])
        if anchor.isEmpty {
            guard let next = oldLines.lazy.map({ PyText.strip($0) }).first(where: { !$0.isEmpty }) else { return "" }
            anchor = next
        }
        var scored: [(ratio: Double, line: Int)] = []
        for (index, line) in lines.enumerated() {
            let stripped = PyText.strip(line)
            if stripped.isEmpty { continue }
            let ratio = SequenceMatcher(anchor, stripped).ratio()
            if ratio > 0.3 { scored.append((ratio, index)) }
        }
        // Python's sort is stable: equal ratios keep their line order.
        scored.sort { $0.ratio != $1.ratio ? $0.ratio > $1.ratio : $0.line < $1.line }
        var parts: [String] = []
        var seen: [(Int, Int)] = []
        for (_, index) in scored.prefix(3) {
            let start = max(0, index - 2)
            let end = min(lines.count, index + oldLines.count + 2)
            if seen.contains(where: { $0 == (start, end) }) { continue }
            seen.append((start, end))
            parts.append(
                (start..<end).map { number in
                    let label = String(number + 1)
                    return String(repeating: " ", count: max(0, 4 - label.count)) + label + "| " + PyText.string(lines[number])
                }.joined(separator: "\n"))
        }
        return parts.joined(separator: "\n---\n")
    }
}
