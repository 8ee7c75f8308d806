/// The quote-aware reading of a shell command that `CommandGuard` needs, as the Python project's
/// `tools/approval.py` does it: where real commands start (not inside quotes), which words are in
/// command position, and which commands carry a program in an option (`bash -c PAYLOAD`,
/// `python -c`, `rg --pre`). It never executes or expands anything. Offsets count Unicode scalars.
enum ShellScan {
    typealias Scalars = [Unicode.Scalar]

    /// A word in command position and where it is.
    struct Word {
        var range: Range<Int>
        var text: String
    }

    /// A mechanism that runs a program given in an argument, and that program when it is plain text.
    struct Finding {
        var description: String
        var payload: String?
    }

    static let wrapperWords: Set<String> = ["sudo", "env", "exec", "nohup", "setsid", "time", "command", "builtin"]
    static let sudoOptionsWithArgument: Set<String> = ["-c", "--close-from", "-g", "--group", "-h", "--host", "-p", "--prompt", "-u", "--user"]
    static let bashOptionsWithArgument: Set<String> = ["-O", "+O", "-o", "+o", "--init-file", "--rcfile"]
    static let bashShortOptions = Set("ilrsDcabefhkmnptuvxBCEHPTOo")
    static let interpreterExecFlags: [String: Set<String>] = [
        "python": ["-c"], "node": ["-e", "--eval", "-p", "--print"], "perl": ["-e", "--eval"], "ruby": ["-e"], "php": ["-r"],
        "powershell": ["-command", "-c", "-file", "-f"],
    ]
    static let readToolExecFlags: [String: Set<String>] = [
        "sort": ["--compress-program"], "rg": ["--pre", "--hostname-bin"], "ag": ["--pager"], "man": ["--pager", "--html", "-P", "-H"],
    ]
    static let malformed = "command parser limit or malformed executable payload"

    // MARK: Command starts

    /// The offsets where a command starts: the beginning, after `;`, `&`, `&&`, `|`, `||`, a
    /// newline, `(`, `{` and `$(` outside quotes (and `$(` inside double quotes), whitespace skipped.
    static func commandStarts(_ text: Scalars) -> [Int] {
        var starts = [0]
        var quote: Unicode.Scalar?
        var index = 0
        func at(_ offset: Int) -> Unicode.Scalar? { offset < text.count ? text[offset] : nil }
        while index < text.count {
            let char = text[index]
            if quote == "'" {
                if char == "'" { quote = nil }
                index += 1
                continue
            }
            if quote == "\"" {
                if char == "\\" && index + 1 < text.count {
                    index += 2
                } else if char == "\"" {
                    quote = nil
                    index += 1
                } else if char == "$" && at(index + 1) == "(" {
                    starts.append(index + 2)
                    index += 2
                } else {
                    index += 1
                }
                continue
            }
            switch char {
            case "'", "\"":
                quote = char
                index += 1
            case "\\" where index + 1 < text.count:
                index += 2
            case "$" where at(index + 1) == "(":
                starts.append(index + 2)
                index += 2
            case "(", "{", ";", "\n":
                starts.append(index + 1)
                index += 1
            case "&", "|":
                let doubled = at(index + 1) == char
                index += doubled ? 2 : 1
                starts.append(index)
            default:
                index += 1
            }
        }
        var seen = Set<Int>()
        return starts.compactMap { start in
            var offset = start
            while offset < text.count, text[offset].properties.isWhitespace { offset += 1 }
            guard offset < text.count, seen.insert(offset).inserted else { return nil }
            return offset
        }
    }

    /// `command` with a newline inserted before each real command start, so that the patterns
    /// anchored on a command position see subshells and brace groups.
    static func markCommandStarts(_ command: String) -> String {
        let text = Array(command.unicodeScalars)
        let offsets = commandStarts(text).filter { $0 > 0 }.sorted()
        guard !offsets.isEmpty else { return command }
        var result = String.UnicodeScalarView()
        var previous = 0
        for offset in offsets {
            result.append(contentsOf: text[previous..<offset])
            result.append("\n")
            previous = offset
        }
        result.append(contentsOf: text[previous...])
        return String(result)
    }

    // MARK: Words

    /// The word at `position` (after whitespace): through quotes, `$(…)`, `${…}` and backticks, up
    /// to whitespace or `;`, `&`, `|`.
    static func word(_ text: Scalars, at position: Int) -> Range<Int> {
        var start = position
        while start < text.count, text[start].properties.isWhitespace { start += 1 }
        var index = start
        var quote: Unicode.Scalar?
        while index < text.count {
            if stepInQuote(text, &index, &quote) { continue }
            let char = text[index]
            if char == "'" || char == "\"" {
                quote = char
                index += 1
            } else if char == "\\" && index + 1 < text.count {
                index += 2
            } else if char == "$" && index + 1 < text.count && text[index + 1] == "(" {
                index = closingParenthesis(text, from: index) ?? index + 2
            } else if char == "$" && index + 1 < text.count && text[index + 1] == "{" {
                index = (text[(index + 2)...].firstIndex(of: "}")).map { $0 + 1 } ?? index + 2
            } else if char == "`" {
                index = (text[(index + 1)...].firstIndex(of: "`")).map { $0 + 1 } ?? index + 1
            } else if char.properties.isWhitespace || char == ";" || char == "&" || char == "|" {
                break
            } else {
                index += 1
            }
        }
        return start..<index
    }

    /// Inside a quote, steps past one character (a `\"` escape in double quotes is two) and
    /// closes the quote at its end; outside one, does nothing and says so.
    static func stepInQuote(_ text: Scalars, _ index: inout Int, _ quote: inout Unicode.Scalar?) -> Bool {
        guard let open = quote else { return false }
        let char = text[index]
        if char == "\\" && open == "\"" && index + 1 < text.count {
            index += 2
            return true
        }
        if char == open { quote = nil }
        index += 1
        return true
    }

    /// The offset after the `)` that closes the `$(` at `start`.
    static func closingParenthesis(_ text: Scalars, from start: Int) -> Int? {
        var depth = 1
        var quote: Unicode.Scalar?
        var index = start + 2
        while index < text.count {
            if stepInQuote(text, &index, &quote) { continue }
            let char = text[index]
            if char == "'" || char == "\"" {
                quote = char
            } else if char == "\\" && index + 1 < text.count {
                index += 1
            } else if char == "$" && index + 1 < text.count && text[index + 1] == "(" {
                depth += 1
                index += 1
            } else if char == ")" {
                depth -= 1
                if depth == 0 { return index + 1 }
            }
            index += 1
        }
        return nil
    }

    /// The words in command position: the first word of each command, and past it the words
    /// after wrappers (`sudo`, `env`, `nohup`, …, with their options) and `VAR=value` assignments.
    static func commandWords(_ command: String) -> [Word] {
        let text = Array(command.unicodeScalars)
        var words: [Word] = []
        for start in commandStarts(text) {
            var position = start
            var count = 0
            var skipOptions = false
            var skipArgument = false
            while count < 12 {
                let range = word(text, at: position)
                guard !range.isEmpty else { break }
                let raw = String(String.UnicodeScalarView(text[range]))
                let plain = unquote(raw)
                let lower = plain.lowercased()
                position = range.upperBound
                count += 1
                if skipArgument {
                    skipArgument = false
                    continue
                }
                if skipOptions && lower.hasPrefix("-") {
                    let name = lower.split(separator: "=", maxSplits: 1).first.map(String.init) ?? lower
                    skipArgument = !lower.contains("=") && sudoOptionsWithArgument.contains(name)
                    continue
                }
                words.append(Word(range: range, text: raw))
                if wrapperWords.contains(lower) {
                    skipOptions = lower == "sudo" || lower == "env"
                    continue
                }
                if isAssignment(plain) {
                    skipOptions = false
                    continue
                }
                break
            }
        }
        return words
    }

    /// `word` without its quoting: quotes removed, backslash escapes resolved.
    static func unquote(_ word: String) -> String {
        var result = String.UnicodeScalarView()
        var quote: Unicode.Scalar?
        var escaped = false
        for char in word.unicodeScalars {
            if escaped {
                result.append(char)
                escaped = false
            } else if char == "\\" && quote != "'" {
                escaped = true
            } else if let open = quote, char == open {
                quote = nil
            } else if quote == nil && (char == "'" || char == "\"") {
                quote = char
            } else {
                result.append(char)
            }
        }
        return String(result)
    }

    static func isAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        let name = word[..<equals]
        guard let first = name.first, first == "_" || first.isASCII && first.isLetter else { return false }
        return name.allSatisfy { $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    // MARK: Segments and tokens

    /// The top-level commands of `command`, split at `;`, `&`, `&&`, `|`, `||` and newlines
    /// outside quotes.
    static func segments(_ command: String) -> [String] {
        var segments: [String] = []
        var current = String.UnicodeScalarView()
        var quote: Unicode.Scalar?
        var escaped = false
        var skipNext = false
        let text = Array(command.unicodeScalars)
        for (index, char) in text.enumerated() {
            if skipNext {
                skipNext = false
                continue
            }
            if escaped {
                escaped = false
            } else if char == "\\" && quote != "'" {
                escaped = true
            } else if let open = quote {
                if char == open { quote = nil }
            } else if char == "'" || char == "\"" {
                quote = char
            } else if char == ";" || char == "&" || char == "|" || char == "\n" {
                if !current.isEmpty { segments.append(String(current)) }
                current = String.UnicodeScalarView()
                skipNext = (char == "&" || char == "|") && index + 1 < text.count && text[index + 1] == char
                continue
            }
            current.append(char)
        }
        if !current.isEmpty { segments.append(String(current)) }
        return segments
    }

    /// The words of `segment` as the shell would pass them (POSIX quoting, `<`/`>` apart), or nil
    /// when a quote is left open.
    static func tokens(_ segment: Substring) -> [String]? {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        var inWord = false
        var quote: Unicode.Scalar?
        var escaped = false
        func finish() {
            if inWord { tokens.append(String(current)) }
            current = String.UnicodeScalarView()
            inWord = false
        }
        for char in segment.unicodeScalars {
            if escaped {
                current.append(char)
                escaped = false
            } else if let open = quote {
                if char == open {
                    quote = nil
                } else if char == "\\" && open == "\"" {
                    escaped = true
                } else {
                    current.append(char)
                }
            } else if char == "\\" {
                escaped = true
                inWord = true
            } else if char == "'" || char == "\"" {
                quote = char
                inWord = true
            } else if char.properties.isWhitespace {
                finish()
            } else if char == "<" || char == ">" {
                if inWord, current.last != "<", current.last != ">" { finish() }
                current.append(char)
                inWord = true
            } else {
                if inWord, current.last == "<" || current.last == ">", current.allSatisfy({ $0 == "<" || $0 == ">" }) { finish() }
                current.append(char)
                inWord = true
            }
        }
        guard quote == nil, !escaped else { return nil }
        finish()
        return tokens
    }

    // MARK: Program-bearing options

    /// The interpreter family of an executable (`python3.12` → `python`), if it is one.
    static func interpreterFamily(_ name: String) -> String? {
        interpreters.first { $0.0.matches(name) }?.1
    }

    static let interpreters: [(Pattern, String)] = [
        (#"py(?:\.exe)?|python[23]?(?:\.\d+)*(?:\.exe)?"#, "python"), (#"node(?:js)?(?:\.exe)?"#, "node"),
        (#"perl[0-9]*(?:\.\d+)*(?:\.exe)?"#, "perl"), (#"ruby[0-9.]*(?:\.exe)?"#, "ruby"), (#"php(?:\.exe)?"#, "php"),
        (#"powershell(?:\.exe)?|pwsh(?:\.exe)?"#, "powershell"),
    ].map { (Pattern("^(?:" + $0.0 + ")$", dotAll: false, ignoringCase: false), $0.1) }

    /// Each command of `command` that runs a program given as an argument.
    static func executionFindings(_ command: String) -> [Finding] {
        var findings: [Finding] = []
        for segment in segments(command) {
            let text = Array(segment.unicodeScalars)
            for word in commandWords(segment) {
                let executable = unquote(word.text)
                let name = (executable.split(separator: "/").last.map(String.init) ?? executable).lowercased()
                let family = interpreterFamily(name)
                let programBearing = family != nil || readToolExecFlags[name] != nil
                let rest = String(String.UnicodeScalarView(text[word.range.lowerBound...]))
                guard let tokens = tokens(Substring(rest)) else {
                    if programBearing { findings.append(Finding(description: malformed)) }
                    continue
                }
                guard !tokens.isEmpty else { continue }
                let arguments = Array(tokens.dropFirst())
                if let family {
                    if interpreterExecutes(family, arguments) {
                        findings.append(Finding(description: "script execution via -e/-c flag"))
                        continue
                    }
                    if arguments.contains(where: { $0.hasPrefix("<<") }) {
                        findings.append(Finding(description: "script execution via heredoc"))
                        continue
                    }
                }
                if ["bash", "sh", "zsh", "ksh"].contains(name), let payload = bashPayload(arguments) {
                    findings.append(Finding(description: "shell command via -c/-lc flag", payload: payload))
                }
                if let flags = readToolExecFlags[name], let (option, payload) = readToolProgram(flags, arguments) {
                    findings.append(Finding(description: "arbitrary program execution via \(name) \(option)", payload: payload))
                }
            }
        }
        return findings
    }

    /// Whether the interpreter's leading options include one that executes its argument.
    static func interpreterExecutes(_ family: String, _ arguments: [String]) -> Bool {
        let flags = interpreterExecFlags[family] ?? []
        for token in arguments {
            if token == "--" || family != "powershell" && !token.hasPrefix("-") { break }
            let option = String(token.split(separator: "=", maxSplits: 1).first ?? "")
            if flags.contains(family == "powershell" ? option.lowercased() : option) { return true }
            if family != "powershell", !option.hasPrefix("--"), option.count > 2,
                option.dropFirst().contains(where: { flags.contains("-\($0)") })
            {
                return true
            }
        }
        return false
    }

    /// Whether `-c` is among bash's leading options, and the command string it owns (`""` when
    /// it is missing).
    static func bashPayload(_ arguments: [String]) -> String? {
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            if token == "--" || !(token.hasPrefix("-") || token.hasPrefix("+")) { break }
            if bashOptionsWithArgument.contains(token) {
                index += 2
                continue
            }
            if token.hasPrefix("--") {
                index += 1
                continue
            }
            let letters = Set(token.dropFirst())
            guard letters.isSubset(of: bashShortOptions) else {
                index += 1
                continue
            }
            let ownsArgument = letters.contains("O") || letters.contains("o")
            guard letters.contains("c") else {
                index += ownsArgument ? 2 : 1
                continue
            }
            let payloadIndex = index + 1 + (ownsArgument ? 1 : 0)
            return payloadIndex < arguments.count ? arguments[payloadIndex] : ""
        }
        return nil
    }

    /// A read-only tool's option that runs a program (`rg --pre CMD`), with that program.
    static func readToolProgram(_ flags: Set<String>, _ arguments: [String]) -> (String, String)? {
        for (index, token) in arguments.enumerated() {
            if token == "--" { break }
            let parts = token.split(separator: "=", maxSplits: 1).map(String.init)
            guard let option = parts.first, flags.contains(option) else { continue }
            let payload = parts.count > 1 ? parts[1] : (index + 1 < arguments.count ? arguments[index + 1] : "")
            if !payload.isEmpty { return (option, payload) }
        }
        return nil
    }
}
