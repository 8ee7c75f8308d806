import Foundation

/// What the terminal tool may run, as the Python project's `tools/approval.py` decides it: a
/// *hardline* command (no recovery: `rm -rf /`, `mkfs`, a raw-device `dd`, shutdown, a fork bomb,
/// `kill -1`, `sudo -S` password guessing) is never run, whatever the approval settings; a
/// *dangerous* one (a recursive delete, `chmod 777`, `curl | sh`, `git reset --hard`, a write to
/// `~/.ssh` or `~/.hermes/.env`, …) needs a person's approval.
///
/// The patterns are Python's, matched the same way (case-insensitive, over the lower-cased
/// command), and so is the normalisation that keeps trivial rewrites from slipping through:
/// ANSI escapes and NUL bytes stripped, Unicode NFKC, line continuations joined, the absolute home
/// and Hermes home folded to `~` and `~/.hermes`, backslash escapes and empty quotes removed,
/// `$IFS` read as a space, command starts found by a quote-aware scan (so `(reboot)` is a
/// command and `--title "block (reboot)"` is not), and the payloads of `bash -c` checked as
/// commands of their own. Written with Foundation's regular expressions because the patterns
/// are Python's `re` syntax, which ICU reads alike; they are compiled once.
public struct CommandGuard: Sendable {
    /// The verdict on one command.
    public enum Verdict: Sendable, Hashable {
        /// Nothing matched.
        case allowed
        /// Never run; the description says why (Python's wording).
        case hardline(String)
        /// Run only with approval; the description is also the approval's key, as in Python.
        case dangerous(String)
    }

    /// The user's home (`$HOME`), folded to `~` before matching.
    public var home: String?
    /// The Hermes home (`$HERMES_HOME`, else `~/.hermes`), folded to `~/.hermes`.
    public var hermesHome: String?
    /// Whether `SUDO_PASSWORD` is set: then the runtime's own `sudo -S` is legitimate, as in Python.
    public var sudoPasswordConfigured: Bool

    /// A guard for this process's `HOME`, `HERMES_HOME` and `SUDO_PASSWORD`.
    public static func forEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> CommandGuard {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        let hermesHome = environment["HERMES_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home.map { $0 + "/.hermes" }
        return CommandGuard(home: home, hermesHome: hermesHome, sudoPasswordConfigured: environment["SUDO_PASSWORD"] != nil)
    }

    /// Makes a guard.
    public init(home: String?, hermesHome: String?, sudoPasswordConfigured: Bool = false) {
        self.home = home
        self.hermesHome = hermesHome
        self.sudoPasswordConfigured = sudoPasswordConfigured
    }

    /// The verdict on `command`: hardline first (and the sudo stdin guard), then dangerous.
    public func check(_ command: String) -> Verdict {
        if CommandGuard.exceedsParserLimits(command) { return .hardline(Self.parserLimit) }
        let normalized = normalize(command)
        let variants = Self.variants(of: normalized)
        for variant in variants {
            let lower = variant.lowercased()
            for (pattern, description) in Self.hardline where pattern.matches(lower) { return .hardline(description) }
        }
        if !sudoPasswordConfigured, Self.sudoStdin.matches(normalized.lowercased()) {
            return .hardline("sudo password guessing via stdin (sudo -S)")
        }
        for variant in variants {
            let lower = variant.lowercased()
            for (pattern, description) in Self.dangerous where pattern.matches(lower) { return .dangerous(description) }
        }
        if let finding = ShellScan.executionFindings(normalized).first { return .dangerous(finding.description) }
        return .allowed
    }

    // MARK: - Normalisation (`_normalize_command_for_detection`)

    /// `command` as the patterns see it.
    func normalize(_ command: String) -> String {
        var text = Self.ansi.replace(in: command, with: "")
        text = text.replacingOccurrences(of: "\u{0}", with: "")
        text = text.precomposedStringWithCompatibilityMapping
        text = Self.lineContinuation.replace(in: text, with: "")
        text = Self.fold(text, prefix: hermesHome, into: "~/.hermes")
        text = Self.fold(text, prefix: home, into: "~")
        text = Self.backslashEscape.replace(in: text, with: "$1")
        text = Self.emptyQuotes.replace(in: text, with: "")
        text = Self.ifs.replace(in: text, with: " ")
        return text
    }

    /// Replaces the absolute directory `prefix` followed by a path tail with `replacement` and that
    /// tail; a prefix of fewer than two components is never folded (a stray `HOME=/`).
    static func fold(_ text: String, prefix: String?, into replacement: String) -> String {
        guard let prefix else { return text }
        let components = prefix.split(whereSeparator: { $0 == "/" || $0 == "\\" }).map(String.init)
        guard components.count >= 2 else { return text }
        let body = components.map(NSRegularExpression.escapedPattern(for:)).joined(separator: #"[/\\]+"#)
        guard let pattern = try? NSRegularExpression(pattern: #"[/\\]*"# + body + #"((?:[/\\][^/\\\s'"`;|&<>()]*)+)"#) else {
            return text
        }
        let source = text as NSString
        var result = ""
        var last = 0
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: source.length)) {
            result += source.substring(with: NSRange(location: last, length: match.range.location - last))
            result += replacement + source.substring(with: match.range(at: 1)).replacingOccurrences(of: "\\", with: "/")
            last = match.range.location + match.range.length
        }
        return result + source.substring(from: last)
    }

    /// The forms of a normalised command the patterns are tried on: itself, the payloads of
    /// `bash -c` (recursively), itself with a newline before each real command start, and itself
    /// with each command word's quoting removed.
    static func variants(of normalized: String) -> [String] {
        var seen: Set<String> = [normalized]
        var variants = [normalized]
        func add(_ variant: String) {
            if seen.insert(variant).inserted { variants.append(variant) }
        }
        var pending = [normalized]
        while let next = pending.popLast() {
            for finding in ShellScan.executionFindings(next) {
                guard let payload = finding.payload, !seen.contains(payload) else { continue }
                add(payload)
                add(ShellScan.markCommandStarts(payload))
                pending.append(payload)
            }
        }
        add(ShellScan.markCommandStarts(normalized))
        for word in ShellScan.commandWords(normalized) {
            let plain = ShellScan.unquote(word.text)
            guard !plain.isEmpty, plain != word.text else { continue }
            let scalars = Array(normalized.unicodeScalars)
            var variant = String.UnicodeScalarView(scalars[..<word.range.lowerBound])
            variant.append(contentsOf: plain.unicodeScalars)
            variant.append(contentsOf: scalars[word.range.upperBound...])
            add(String(variant))
        }
        return variants
    }

    /// Python's parser bounds: past them the command is refused rather than half inspected.
    static func exceedsParserLimits(_ command: String) -> Bool {
        let utf8 = command.utf8
        if command.count > 128_000 { return true }
        let separators = utf8.lazy.filter { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "|") || $0 == 10 }.count
        if command.count > 4_096 && separators == 0 { return true }
        return separators >= 25_000
    }

    static let parserLimit = "command parser limit exceeded"
}

/// One compiled pattern, matched anywhere in a string.
struct Pattern: Sendable {
    private let expression: NSRegularExpression

    /// Compiles `pattern` as Python's `re.IGNORECASE | re.DOTALL` would read it (`dotAll`: `.`
    /// also matches a newline). The patterns are constants of this module: one that does not
    /// compile is a programming error.
    init(_ pattern: String, dotAll: Bool = true, ignoringCase: Bool = true) {
        var options: NSRegularExpression.Options = []
        if ignoringCase { options.insert(.caseInsensitive) }
        if dotAll { options.insert(.dotMatchesLineSeparators) }
        do {
            expression = try NSRegularExpression(pattern: pattern, options: options)
        } catch {
            preconditionFailure("CommandGuard pattern does not compile: \(pattern): \(error)")
        }
    }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil
    }

    /// `text` with each match replaced by what `transform` makes of its groups (0: the whole
    /// match; nil: a group that did not take part), as Python's `re.sub` with a function.
    func replace(in text: String, _ transform: ([String?]) -> String) -> String {
        let source = text as NSString
        let matches = expression.matches(in: text, range: NSRange(location: 0, length: source.length))
        guard !matches.isEmpty else { return text }
        var result = ""
        var last = 0
        for match in matches {
            result += source.substring(with: NSRange(location: last, length: match.range.location - last))
            let groups = (0..<match.numberOfRanges).map { index -> String? in
                let range = match.range(at: index)
                return range.location == NSNotFound ? nil : source.substring(with: range)
            }
            result += transform(groups)
            last = match.range.location + match.range.length
        }
        return result + source.substring(from: last)
    }

    func replace(in text: String, with template: String) -> String {
        expression.stringByReplacingMatches(
            in: text, range: NSRange(location: 0, length: (text as NSString).length), withTemplate: template)
    }
}
