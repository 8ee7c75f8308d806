/// String operations as Python performs them on `str`, for the memory files' results to be
/// Python's to the character. Python works on code points and compares them exactly, while
/// Swift's `String` compares, hashes and counts by grapheme and canonical equivalence (`"é"` and
/// `"e\u{301}"` are equal strings in Swift, different ones in Python), so these work on Unicode
/// scalars and UTF-8 bytes.
enum PythonText {
    /// `len(text)`: code points.
    static func length(_ text: String) -> Int { text.unicodeScalars.count }

    /// `a == b`: the same code points.
    static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// `part in text`: a code-point substring (in UTF-8, a byte substring is one: no character's
    /// encoding starts inside another's).
    static func contains(_ text: String, _ part: String) -> Bool {
        let haystack = Array(text.utf8)
        let needle = Array(part.utf8)
        return range(of: needle, in: haystack[...]) != nil
    }

    /// `text.strip()`: without leading and trailing whitespace, as `str.isspace` defines it.
    static func strip(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }

    /// `str.isspace` for one code point: Unicode White_Space, and the separators U+001C–U+001F.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// `text[:count]`: the first `count` code points.
    static func prefix(_ text: String, _ count: Int) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(count)))
    }

    /// `text.split(separator)`, left to right, the separator's occurrences not overlapping.
    static func split(_ text: String, separator: String) -> [String] {
        let bytes = Array(text.utf8)
        let needle = Array(separator.utf8)
        var parts: [String] = []
        var rest = bytes[...]
        while let found = range(of: needle, in: rest) {
            parts.append(String(decoding: rest[..<found.lowerBound], as: UTF8.self))
            rest = rest[found.upperBound...]
        }
        parts.append(String(decoding: rest, as: UTF8.self))
        return parts
    }

    /// `list(dict.fromkeys(items))`: the first of equal strings kept, in order.
    static func deduplicated(_ items: [String]) -> [String] {
        var seen = Set<[UInt8]>()
        return items.filter { seen.insert(Array($0.utf8)).inserted }
    }

    /// `len(set(items))`: how many distinct strings.
    static func distinctCount(_ items: [String]) -> Int { Set(items.map { Array($0.utf8) }).count }

    /// `f"{value:,}"`: digits grouped in threes with commas.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// `min(100, int((current / limit) * 100)) if limit > 0 else 0`, computed in floating point as
    /// Python does it, so that 29 of 100 is 28% there and here (0.29 × 100 = 28.999…).
    static func percent(_ current: Int, of limit: Int) -> Int {
        guard limit > 0 else { return 0 }
        return min(100, Int((Double(current) / Double(limit)) * 100))
    }

    private static func range(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Range<Int>? {
        guard !needle.isEmpty else { return haystack.startIndex..<haystack.startIndex }
        guard haystack.count >= needle.count else { return nil }
        var start = haystack.startIndex
        while start + needle.count <= haystack.endIndex {
            if haystack[start] == needle[0] && haystack[start..<start + needle.count].elementsEqual(needle) {
                return start..<start + needle.count
            }
            start += 1
        }
        return nil
    }
}
