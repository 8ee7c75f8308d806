/// What the terminal and process tools do to command output before the model sees it, as the
/// Python project does it: text is measured in code points (Python's `len`), ANSI escapes are
/// removed (`tools/ansi_strip.py`), and lines are split as `str.splitlines` splits them.
enum TerminalText {
    /// `strip_ansi(text)`: without the ECMA-48 escape sequences Python's pattern removes (CSI,
    /// OSC, DCS/SOS/PM/APC strings, nF and single-byte escapes, 8-bit CSI/OSC and C1 controls).
    /// Written as a scanner, in the order Python's alternation tries them, rather than as a
    /// regular expression, so that it works on code points whatever the grapheme clusters.
    static func stripANSI(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains(where: { $0.value == 0x1B || (0x80...0x9F).contains($0.value) }) else { return text }
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if let end = escapeEnd(scalars, at: index) {
                index = end
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return String(out)
    }

    /// Where the escape sequence that starts at `start` ends, or nil when none starts there.
    private static func escapeEnd(_ s: [Unicode.Scalar], at start: Int) -> Int? {
        func value(_ index: Int) -> UInt32? { index < s.count ? s[index].value : nil }
        /// `[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]` from `index`: the end of a CSI body, if complete.
        func csiEnd(_ index: Int) -> Int? {
            var index = index
            while let v = value(index), (0x30...0x3F).contains(v) { index += 1 }
            while let v = value(index), (0x20...0x2F).contains(v) { index += 1 }
            if let v = value(index), (0x40...0x7E).contains(v) { return index + 1 }
            return nil
        }
        /// The end of the first terminator at or after `index` (lazy `[\s\S]*?`).
        func terminated(_ index: Int, by terminators: [[UInt32]]) -> Int? {
            var index = index
            while index < s.count {
                for terminator in terminators where (0..<terminator.count).allSatisfy({ value(index + $0) == terminator[$0] }) {
                    return index + terminator.count
                }
                index += 1
            }
            return nil
        }
        switch s[start].value {
        case 0x1B:
            guard let next = value(start + 1) else { return nil }
            switch next {
            case 0x5B:  // [
                if let end = csiEnd(start + 2) { return end }
            case 0x5D:  // ]
                if let end = terminated(start + 2, by: [[0x07], [0x1B, 0x5C]]) { return end }
            case 0x50, 0x58, 0x5E, 0x5F:  // P X ^ _
                if let end = terminated(start + 2, by: [[0x1B, 0x5C]]) { return end }
            case 0x20...0x2F:
                var index = start + 1
                while let v = value(index), (0x20...0x2F).contains(v) { index += 1 }
                if let v = value(index), (0x30...0x7E).contains(v) { return index + 1 }
                return nil
            default:
                break
            }
            // Fp/Fe/Fs: ESC and one byte; also what is left when a longer form did not complete.
            return (0x30...0x7E).contains(next) ? start + 2 : nil
        case 0x9B:
            return csiEnd(start + 1) ?? start + 1
        case 0x9D:
            return terminated(start + 1, by: [[0x07], [0x9C]]) ?? start + 1
        case 0x80...0x9F:
            return start + 1
        default:
            return nil
        }
    }

    /// `text.splitlines()`: split at `\n`, `\r`, `\r\n`, `\v`, `\f`, `\x1c`–`\x1e`, `\x85`,
    /// U+2028 and U+2029, the breaks not kept, no empty last line for a trailing break.
    static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var line = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if previousWasCR && scalar == "\n" {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            switch scalar.value {
            case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
                lines.append(String(line))
                line = String.UnicodeScalarView()
            default:
                line.append(scalar)
            }
        }
        if !line.isEmpty { lines.append(String(line)) }
        return lines
    }

    /// `text[-count:]`: the last `count` code points.
    static func suffix(_ text: String, _ count: Int) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.suffix(max(count, 0))))
    }
}

/// Turns a byte stream into text as Python's incremental UTF-8 decoder with `errors="replace"`
/// does: a character split across two reads is decoded whole, invalid bytes become U+FFFD.
struct UTF8Chunks: Sendable {
    private var pending: [UInt8] = []

    /// The text of `bytes`, holding back an incomplete character at the end for the next call.
    mutating func decode(_ bytes: some Collection<UInt8>) -> String {
        var input = pending
        input.append(contentsOf: bytes)
        let keep = Self.incompleteTail(input)
        pending = Array(input.suffix(keep))
        return String(decoding: input.dropLast(keep), as: UTF8.self)
    }

    /// What is held back, decoded (an incomplete character becomes U+FFFD).
    mutating func finish() -> String {
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// How many bytes at the end begin a character that is not complete yet.
    private static func incompleteTail(_ bytes: [UInt8]) -> Int {
        var count = 0
        for byte in bytes.reversed().prefix(4) {
            count += 1
            if byte & 0xC0 == 0x80 { continue }  // a continuation byte: keep looking for the lead
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            return length > count ? count : 0
        }
        return 0
    }
}

/// The head and the tail of a stream of text within `maxCharacters` code points, 40% head and
/// 60% tail, as Python's `_BoundedOutputCollector` keeps a foreground command's output: memory
/// stays bounded however much the command prints, and `render` writes Python's notice of what
/// was left out.
struct OutputWindow: Sendable {
    let maxCharacters: Int
    private let headLimit: Int
    private let tailLimit: Int
    private var head = ""
    private var headCount = 0
    /// Holds up to twice `tailLimit` code points, trimmed to `tailLimit` when it grows past that,
    /// so that appending is amortised O(1); only its last `tailLimit` are ever rendered.
    private var tail = ""
    private var tailCount = 0
    /// Every code point appended.
    private(set) var totalCharacters = 0

    init(maxCharacters: Int) {
        self.maxCharacters = max(1, maxCharacters)
        headLimit = Int(Double(self.maxCharacters) * 0.4)
        tailLimit = self.maxCharacters - headLimit
    }

    mutating func append(_ text: String) {
        let count = text.unicodeScalars.count
        guard count > 0 else { return }
        totalCharacters += count
        var rest = text.unicodeScalars[...]
        var remaining = count
        if headCount < headLimit {
            let take = min(headLimit - headCount, count)
            head.unicodeScalars.append(contentsOf: rest.prefix(take))
            headCount += take
            rest = rest.dropFirst(take)
            remaining -= take
        }
        guard remaining > 0, tailLimit > 0 else { return }
        tail.unicodeScalars.append(contentsOf: rest)
        tailCount += remaining
        if tailCount > 2 * tailLimit {
            tail = TerminalText.suffix(tail, tailLimit)
            tailCount = tailLimit
        }
    }

    /// The output within `maxCharacters`, `suffix` (a status line) kept whole: all of it when it
    /// fits, else head, Python's `... [OUTPUT TRUNCATED - N chars omitted out of M total] ...`
    /// notice and tail, the notice's own length taken out of the budget as Python does it.
    func render(suffix: String = "") -> String {
        let suffixCount = suffix.unicodeScalars.count
        if suffixCount >= maxCharacters { return TerminalText.suffix(suffix, maxCharacters) }
        let available = maxCharacters - suffixCount
        let keptTail = TerminalText.suffix(tail, tailLimit)
        if totalCharacters <= available { return head + keptTail + suffix }
        var notice = ""
        for _ in 0..<4 {
            let budget = max(0, available - notice.unicodeScalars.count)
            let headCharacters = Int(Double(budget) * 0.4)
            let omitted = max(0, totalCharacters - headCharacters - (budget - headCharacters))
            let updated =
                "\n\n... [OUTPUT TRUNCATED - \(PythonText.grouped(omitted)) chars omitted out of \(PythonText.grouped(totalCharacters)) total] ...\n\n"
            if updated == notice { break }
            notice = updated
        }
        let budget = max(0, available - notice.unicodeScalars.count)
        let headCharacters = Int(Double(budget) * 0.4)
        let tailCharacters = budget - headCharacters
        return PythonText.prefix(head, headCharacters) + PythonText.prefix(notice, available)
            + (tailCharacters > 0 ? TerminalText.suffix(keptTail, tailCharacters) : "") + suffix
    }
}

/// The last `maxCharacters` code points of a background process's output (Python's 200,000-char
/// rolling `output_buffer`). It holds up to a quarter more between trims, so appending stays
/// amortised O(1); `text` is always exactly the last `maxCharacters`.
struct RollingText: Sendable {
    let maxCharacters: Int
    private var buffer = ""
    private var count = 0

    init(maxCharacters: Int) { self.maxCharacters = max(1, maxCharacters) }

    mutating func append(_ text: String) {
        buffer += text
        count += text.unicodeScalars.count
        if count > maxCharacters + maxCharacters / 4 {
            buffer = TerminalText.suffix(buffer, maxCharacters)
            count = maxCharacters
        }
    }

    /// The buffer, as Python holds it.
    var text: String { count > maxCharacters ? TerminalText.suffix(buffer, maxCharacters) : buffer }

    /// `buffer[-n:]`.
    func last(_ n: Int) -> String { TerminalText.suffix(buffer, min(n, maxCharacters)) }

    var isEmpty: Bool { count == 0 }
}
