/// Text as Python's `str` sees it: a sequence of code points. The fuzzy matcher, the V4A parser
/// and the diff count, slice and compare positions as Python does, so they work on arrays of
/// `Unicode.Scalar`, never on Swift's `Character`s: a Swift string treats `"\r\n"` as one
/// character and compares canonically equivalent text as equal, where Python sees two code points
/// and compares them one by one.
typealias Scalars = [Unicode.Scalar]

/// The few `str` methods the patch code needs, with Python's exact semantics.
enum PyText {
    static let newline: Unicode.Scalar = "\n"

    /// `text`'s code points.
    static func scalars(_ text: String) -> Scalars { Array(text.unicodeScalars) }

    /// The string of `scalars`.
    static func string<S: Sequence<Unicode.Scalar>>(_ scalars: S) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// `str.isspace()` for one code point (also what `\s` and `str.strip()` use).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool { PythonText.isSpace(scalar) }

    /// `str.strip()`.
    static func strip<C: BidirectionalCollection<Unicode.Scalar>>(_ text: C) -> Scalars {
        guard let first = text.firstIndex(where: { !isSpace($0) }) else { return [] }
        let last = text.lastIndex(where: { !isSpace($0) })!
        return Array(text[first...last])
    }

    /// `str.lstrip()`, or `str.lstrip(characters)`.
    static func lstrip<C: Collection<Unicode.Scalar>>(_ text: C, _ characters: Set<Unicode.Scalar>? = nil) -> Scalars {
        let strips = characters.map { set in { set.contains($0) } } ?? isSpace
        return Array(text.drop(while: strips))
    }

    /// `str.rstrip(characters)`.
    static func rstrip(_ text: Scalars, _ characters: Set<Unicode.Scalar>) -> Scalars {
        var end = text.count
        while end > 0, characters.contains(text[end - 1]) { end -= 1 }
        return Array(text[..<end])
    }

    /// `str.split(separator)` for a one-character separator: always `count + 1` parts.
    static func split(_ text: Scalars, _ separator: Unicode.Scalar = newline) -> [Scalars] {
        text.split(separator: separator, omittingEmptySubsequences: false).map(Array.init)
    }

    /// `separator.join(parts)`.
    static func join(_ parts: [Scalars], _ separator: Unicode.Scalar = newline) -> Scalars {
        var joined = Scalars()
        for (index, part) in parts.enumerated() {
            if index > 0 { joined.append(separator) }
            joined.append(contentsOf: part)
        }
        return joined
    }

    /// `text.find(needle, start)`; nil for Python's -1.
    static func find(_ text: Scalars, _ needle: Scalars, from start: Int = 0) -> Int? {
        guard let head = needle.first else { return start <= text.count ? start : nil }
        var index = start
        while index + needle.count <= text.count {
            if text[index] == head, text[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// `needle in text`.
    static func contains(_ text: Scalars, _ needle: Scalars) -> Bool { find(text, needle) != nil }

    /// `text.replace(old, new)`: every non-overlapping occurrence, left to right.
    static func replacing(_ text: Scalars, _ old: Scalars, with new: Scalars) -> Scalars {
        guard !old.isEmpty, var found = find(text, old) else { return text }
        var result = Scalars()
        var start = 0
        while true {
            result.append(contentsOf: text[start..<found])
            result.append(contentsOf: new)
            start = found + old.count
            guard let next = find(text, old, from: start) else { break }
            found = next
        }
        result.append(contentsOf: text[start...])
        return result
    }

    /// `str.splitlines(keepends)`: lines end at `\n`, `\r`, `\r\n`, `\v`, `\f`, U+001C–U+001E,
    /// U+0085, U+2028 and U+2029; no empty line after a final line break.
    static func splitLines(_ text: Scalars, keepEnds: Bool) -> [Scalars] {
        var lines: [Scalars] = []
        var start = 0
        var index = 0
        while index < text.count {
            let scalar = text[index]
            var end = index + 1
            switch scalar.value {
            case 0x0D:
                if end < text.count, text[end] == "\n" { end += 1 }
            case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
                break
            default:
                index += 1
                continue
            }
            lines.append(Array(text[start..<(keepEnds ? end : index)]))
            start = end
            index = end
        }
        if start < text.count { lines.append(Array(text[start...])) }
        return lines
    }

    /// `repr(text)`: quoted with `'` (or `"` when the text has a `'` and no `"`), backslashes,
    /// the quote and unprintable code points escaped as Python escapes them.
    static func repr(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let quote: Unicode.Scalar = scalars.contains("'") && !scalars.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in scalars {
            switch scalar {
            case quote, "\\": out += "\\" + String(scalar)
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex(scalar.value, digits: 2)
                } else if scalar.value < 0x7F || isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFF {
                    out += "\\x" + hex(scalar.value, digits: 2)
                } else if scalar.value <= 0xFFFF {
                    out += "\\u" + hex(scalar.value, digits: 4)
                } else {
                    out += "\\U" + hex(scalar.value, digits: 8)
                }
            }
        }
        out.unicodeScalars.append(quote)
        return out
    }

    /// `str.isprintable()` for one non-ASCII code point: not a control, format, surrogate,
    /// private-use, unassigned or separator character.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            false
        default:
            true
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
