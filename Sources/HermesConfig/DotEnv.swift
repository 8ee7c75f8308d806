/// A `.env` file read as the Python project loads `$HERMES_HOME/.env` into its environment
/// (python-dotenv with interpolation): `KEY=value` lines, an optional `export ` prefix, values
/// quoted with `'…'` (only `\\` and `\'` escaped) or `"…"` (C escapes), both of which may span
/// lines, an unquoted value ending at ` #` (a comment), and `${NAME}` / `${NAME:-default}`
/// replaced from the keys above it and the environment (an unset name gives ""). A bare `$NAME`
/// stays as written.
///
/// Written by hand: no listed package reads `.env` files, and python-dotenv's rules (which the
/// user's file was written for) are what a switching user expects.
public struct DotEnv: Sendable, Equatable {
    /// The assignments in file order (a later one of the same key wins when applied).
    public var values: [(key: String, value: String)]
    /// Lines that could not be read, by number, each with what was wrong; they set nothing, as
    /// python-dotenv skips them with a warning.
    public var problems: [(line: Int, message: String)]

    public static func == (a: DotEnv, b: DotEnv) -> Bool {
        a.values.elementsEqual(b.values) { $0 == $1 } && a.problems.elementsEqual(b.problems) { $0 == $1 }
    }

    /// Reads `text`; `${NAME}` falls back to `environment` when no earlier key of the file
    /// names it. With `override` (how Hermes loads its own `.env`) the file's earlier keys win
    /// over the environment, as python-dotenv resolves them then.
    public init(parsing text: String, environment: [String: String] = [:], override: Bool = true) {
        values = []
        problems = []
        var parser = Parser(text)
        var seen: [String: String] = [:]
        while !parser.atEnd {
            let line = parser.line
            switch parser.statement() {
            case .blank:
                continue
            case .failure(let message):
                problems.append((line, message))
            case .assignment(let key, let raw, let interpolate):
                let value =
                    interpolate
                    ? Self.interpolated(raw) { name in
                        override ? (seen[name] ?? environment[name]) : (environment[name] ?? seen[name])
                    } : raw
                seen[key] = value
                values.append((key, value))
            }
        }
    }

    /// The file's values over `environment`: what the process sees after loading it with
    /// override, as Hermes loads `$HERMES_HOME/.env`.
    public func applied(to environment: [String: String]) -> [String: String] {
        var result = environment
        for (key, value) in values { result[key] = value }
        return result
    }

    /// `text` with `${NAME}` and `${NAME:-default}` replaced through `lookup` ("" when unset).
    static func interpolated(_ text: String, lookup: (String) -> String?) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            result += rest[..<start.lowerBound]
            let body = rest[start.upperBound..<end]
            if let split = body.firstRange(of: ":-") {
                let name = String(body[..<split.lowerBound])
                result += lookup(name).flatMap { $0.isEmpty ? nil : $0 } ?? String(body[split.upperBound...])
            } else {
                result += lookup(String(body)) ?? ""
            }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}

/// One statement at a time over a `.env` text, tracking the line number for problems.
private struct Parser {
    enum Statement {
        case blank
        case assignment(key: String, value: String, interpolate: Bool)
        case failure(String)
    }

    private let characters: [Character]
    private var index = 0
    private(set) var line = 1

    init(_ text: String) {
        characters = Array(text.replacing("\r\n", with: "\n"))
    }

    var atEnd: Bool { index >= characters.count }

    private var current: Character? { index < characters.count ? characters[index] : nil }

    private mutating func advance() {
        if current == "\n" { line += 1 }
        index += 1
    }

    private mutating func skipSpaces() {
        while let character = current, character == " " || character == "\t" { advance() }
    }

    /// Skips to just past the end of the line (a problem spoils only its own line).
    private mutating func skipLine() {
        while let character = current, character != "\n" { advance() }
        if current == "\n" { advance() }
    }

    /// Whether only spaces and an optional comment remain on the line; consumes them.
    private mutating func endOfLine() -> Bool {
        skipSpaces()
        if current == "#" {
            skipLine()
            return true
        }
        guard current == nil || current == "\n" else { return false }
        if current == "\n" { advance() }
        return true
    }

    mutating func statement() -> Statement {
        skipSpaces()
        if endOfLine() { return .blank }
        if characters[index...].starts(with: "export ") {
            index += 7
            skipSpaces()
        }
        let key: String
        if current == "'" {
            advance()
            var name = ""
            while let character = current, character != "'", character != "\n" {
                name.append(character)
                advance()
            }
            guard current == "'" else {
                skipLine()
                return .failure("the quoted key has no closing quote")
            }
            advance()
            key = name
        } else {
            var name = ""
            while let character = current, character != "=", character != "\n", character != " ", character != "\t",
                character != "#"
            {
                name.append(character)
                advance()
            }
            key = name
        }
        skipSpaces()
        guard !key.isEmpty else {
            skipLine()
            return .failure("expected KEY=value")
        }
        guard current == "=" else {
            // python-dotenv reads `KEY` alone as "no value" and sets nothing.
            if endOfLine() { return .blank }
            skipLine()
            return .failure("expected KEY=value after \(key)")
        }
        advance()
        skipSpaces()
        switch current {
        case "'":
            return quoted(key: key, quote: "'")
        case "\"":
            return quoted(key: key, quote: "\"")
        default:
            var value = ""
            while let character = current, character != "\n" {
                if character == "#", value.last == " " || value.last == "\t" { break }
                value.append(character)
                advance()
            }
            skipLine()
            while let last = value.last, last == " " || last == "\t" { value.removeLast() }
            return .assignment(key: key, value: value, interpolate: true)
        }
    }

    private mutating func quoted(key: String, quote: Character) -> Statement {
        let (start, startIndex) = (line, index)
        advance()
        var value = ""
        while let character = current, character != quote {
            advance()
            guard character == "\\", let next = current else {
                value.append(character)
                continue
            }
            advance()
            if quote == "'" {
                value += next == "\\" || next == "'" ? String(next) : "\\\(next)"
                continue
            }
            switch next {
            case "n": value.append("\n")
            case "t": value.append("\t")
            case "r": value.append("\r")
            case "a": value.append("\u{07}")
            case "b": value.append("\u{08}")
            case "f": value.append("\u{0C}")
            case "v": value.append("\u{0B}")
            case "\\", "'", "\"": value.append(next)
            default: value += "\\\(next)"
            }
        }
        guard current == quote else {
            // Only this line is lost: the lines after it are read as statements of their own.
            (line, index) = (start, startIndex)
            skipLine()
            return .failure("the value of \(key) opens a quote on line \(start) that is never closed")
        }
        advance()
        guard endOfLine() else {
            skipLine()
            return .failure("unexpected text after the closing quote of \(key)")
        }
        return .assignment(key: key, value: value, interpolate: true)
    }
}
