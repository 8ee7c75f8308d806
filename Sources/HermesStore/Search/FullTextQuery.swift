import Foundation

/// Turns what a person typed into an FTS5 `MATCH` expression that cannot fail to parse, keeping
/// the Python project's rules so both implementations find the same messages:
///
/// - balanced `"quoted phrases"` are kept as they are;
/// - other FTS5 operators characters (`+ { } ( ) : " ^`) become spaces, `***` becomes `*`, and a
///   `*` that starts a word is dropped;
/// - a dangling `AND`/`OR`/`NOT` at either end is dropped;
/// - words joined by `.`, `-` or `_` (`chat-send`, `P2.2`) are quoted, so they match as written
///   rather than as separate words.
struct FullTextQuery: Sendable, Hashable {
    /// Longer input is cut: a search box needs no more, and it bounds the work per query.
    static let maxCharacters = 2_048

    /// The `MATCH` expression; empty when nothing searchable is left.
    var expression: String

    init(_ text: String) {
        var quoted: [String] = []
        var pieces = ""
        var rest = Substring(text.prefix(Self.maxCharacters))
        while let quote = rest.firstIndex(of: "\"") {
            pieces += rest[..<quote]
            let afterQuote = rest.index(after: quote)
            if let end = rest[afterQuote...].firstIndex(of: "\"") {
                pieces += "\u{0}\(quoted.count)\u{0}"
                quoted.append(String(rest[quote...end]))
                rest = rest[rest.index(after: end)...]
            } else {
                pieces += " "
                rest = rest[afterQuote...]
            }
        }
        pieces += rest

        var words: [String] = []
        for word in pieces.split(whereSeparator: { $0.isWhitespace || "+{}():\"^".contains($0) }) {
            var cleaned = ""
            for character in word where !(character == "*" && (cleaned.isEmpty || cleaned.last == "*")) {
                cleaned.append(character)
            }
            if !cleaned.isEmpty { words.append(cleaned) }
        }
        let operators: Set<String> = ["AND", "OR", "NOT"]
        if let first = words.first, operators.contains(first.uppercased()) { words.removeFirst() }
        if words.count > 0, let last = words.last, operators.contains(last.uppercased()) { words.removeLast() }

        var expression = words.map(Self.quoteJoinedWords).joined(separator: " ")
        for (index, phrase) in quoted.enumerated() {
            expression = expression.replacingOccurrences(of: "\u{0}\(index)\u{0}", with: phrase)
        }
        self.expression = expression
    }

    /// Quotes the runs of word characters joined by `.`, `-` or `_` inside one word.
    private static func quoteJoinedWords(_ word: String) -> String {
        let characters = Array(word)
        var result = ""
        var index = 0
        while index < characters.count {
            guard isWordCharacter(characters[index]) else {
                result.append(characters[index])
                index += 1
                continue
            }
            var end = index
            var joined = false
            while end < characters.count {
                if isWordCharacter(characters[end]) {
                    end += 1
                } else if ".-_".contains(characters[end]), end + 1 < characters.count, isWordCharacter(characters[end + 1]) {
                    joined = true
                    end += 1
                } else {
                    break
                }
            }
            let run = String(characters[index..<end])
            result += joined ? "\"\(run)\"" : run
            index = end
        }
        return result
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }
}

/// CJK text, which the unicode61 tokenizer splits into single characters: such queries go to the
/// trigram index (three or more CJK characters per word) or to a substring scan (fewer).
enum CJK {
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x3000...0x303F, 0x3040...0x309F,
            0x30A0...0x30FF, 0xAC00...0xD7AF:
            true
        default:
            false
        }
    }

    static func count(in text: some StringProtocol) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (isCJK($1) ? 1 : 0) }
    }
}
