import Foundation

/// The checks and notes of Python's `terminal_tool` (tools/terminal_tool.py), with its words:
/// the foreground guard for commands that would outlive their call, the `workdir` allowlist,
/// the meaning of exit codes that are not errors, and the hints of a background start.
enum TerminalRules {
    /// The most seconds a foreground command may be given (`TERMINAL_MAX_FOREGROUND_TIMEOUT`).
    static let foregroundMaxTimeout = 600

    /// Python's refusal of a foreground `timeout` over the maximum.
    static func foregroundTimeoutRefusal(_ timeout: Int) -> String {
        "Foreground timeout \(timeout)s exceeds the maximum of \(foregroundMaxTimeout)s. Use background=true with notify_on_complete=true for long-running commands."
    }

    // MARK: Foreground guard

    private static let shellBackground = Pattern(
        #"(?m)(?:^|[;&|]\s*|&&\s*|\|\|\s*|\$\(\s*)(?:nohup|disown|setsid)\b"#, dotAll: false, ignoringCase: true)
    private static let inlineAmpersand = Pattern(#"\s&\s"#, dotAll: false, ignoringCase: false)
    private static let trailingAmpersand = Pattern(#"\s&\s*(?:#.*)?$"#, dotAll: false, ignoringCase: false)
    private static let longLived = [
        #"\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?(?:dev|start|serve|watch)\b"#, #"\bdocker\s+compose\s+up\b"#, #"\bnext\s+dev\b"#,
        #"\bvite(?:\s|$)"#, #"\bnodemon\b"#, #"\buvicorn\b"#, #"\bgunicorn\b"#, #"\bpython(?:3)?\s+-m\s+http\.server\b"#,
    ].map { Pattern($0, dotAll: false, ignoringCase: true) }
    private static let singleQuoted = Pattern(#"'[^']*'"#, dotAll: false, ignoringCase: false)
    private static let doubleQuoted = Pattern(#""(?:[^"\\]|\\.)*""#, dotAll: false, ignoringCase: false)
    private static let backQuoted = Pattern(#"`[^`]*`"#, dotAll: false, ignoringCase: false)

    /// Python's `_foreground_background_guidance`: why `command` should run with
    /// `background=true` instead (a shell-level background wrapper, a `&`, a dev server or
    /// watcher), or nil. Quoted text is ignored, and `--help`/`--version` calls always pass.
    static func foregroundGuidance(_ command: String) -> String? {
        let normalized = words(command.lowercased()).joined(separator: " ")
        if normalized.contains(" --help") || normalized.hasSuffix(" -h") || normalized.contains(" --version")
            || normalized.hasSuffix(" -v")
        {
            return nil
        }
        var unquoted = singleQuoted.replace(in: command, with: "''")
        unquoted = doubleQuoted.replace(in: unquoted, with: "\"\"")
        unquoted = backQuoted.replace(in: unquoted, with: "``")
        if shellBackground.matches(unquoted) {
            return
                "Foreground command uses shell-level background wrappers (nohup/disown/setsid). Use terminal(background=true) so Hermes can track the process, then run readiness checks and tests in separate commands."
        }
        if inlineAmpersand.matches(unquoted) || trailingAmpersand.matches(unquoted) {
            return
                "Foreground command uses '&' backgrounding. Use terminal(background=true) for long-lived processes, then run health checks and tests in follow-up terminal calls."
        }
        if longLived.contains(where: { $0.matches(unquoted) }) {
            return
                "This foreground command appears to start a long-lived server/watch process. Run it with background=true, verify readiness (health endpoint/log signal), then execute tests in a separate command."
        }
        return nil
    }

    // MARK: workdir

    /// Python's `_validate_workdir`: nil when every character of `workdir` is one of
    /// `^[A-Za-z0-9/\\:_\-.~ +@=,]+$` (whose `$` also lets one final newline through, as
    /// `re.match` does), else Python's message naming the first other character.
    static func workdirRefusal(_ workdir: String) -> String? {
        guard !workdir.isEmpty else { return nil }
        var scalars = Array(workdir.unicodeScalars)
        if scalars.last == "\n" { scalars.removeLast() }
        if !scalars.isEmpty && scalars.allSatisfy(isWorkdirCharacter) { return nil }
        guard let offending = workdir.unicodeScalars.first(where: { !isWorkdirCharacter($0) }) else {
            return "Blocked: workdir contains disallowed characters."
        }
        return "Blocked: workdir contains disallowed character \(pythonRepr(offending)). Use a simple filesystem path without shell metacharacters."
    }

    private static func isWorkdirCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "/", "\\", ":", "_", "-", ".", "~", " ", "+", "@", "=", ",": true
        default: false
        }
    }

    /// `repr(ch)` of one character: quoted with `'` (with `"` when it is `'`), escapes for the
    /// characters Python does not print.
    static func pythonRepr(_ scalar: Unicode.Scalar) -> String {
        if scalar == "'" { return "\"'\"" }
        let body: String
        switch scalar {
        case "\\": body = "\\\\"
        case "\n": body = "\\n"
        case "\r": body = "\\r"
        case "\t": body = "\\t"
        default:
            if isPrintable(scalar) {
                body = String(scalar)
            } else {
                let hex = String(scalar.value, radix: 16)
                let width = scalar.value < 0x100 ? 2 : scalar.value < 0x10000 ? 4 : 8
                let prefix = width == 2 ? "\\x" : width == 4 ? "\\u" : "\\U"
                body = prefix + String(repeating: "0", count: width - hex.count) + hex
            }
        }
        return "'" + body + "'"
    }

    /// `str.isprintable` for one code point: not a control, format, surrogate, private-use or
    /// unassigned one, nor a separator other than the space.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator: return false
        default: return true
        }
    }

    // MARK: Exit codes

    private static let exitMeanings: [String: [Int: String]] = {
        let noMatches = [1: "No matches found (not an error)"]
        let differ = [1: "Files differ (expected, not an error)"]
        let falseCondition = [1: "Condition evaluated to false (expected, not an error)"]
        return [
            "grep": noMatches, "egrep": noMatches, "fgrep": noMatches, "rg": noMatches, "ag": noMatches, "ack": noMatches,
            "diff": differ, "colordiff": differ,
            "find": [1: "Some directories were inaccessible (partial results may still be valid)"],
            "test": falseCondition, "[": falseCondition,
            "curl": [
                6: "Could not resolve host", 7: "Failed to connect to host", 22: "HTTP response code indicated error (e.g. 404, 500)",
                28: "Operation timed out",
            ],
            "git": [1: "Non-zero exit (often normal — e.g. 'git diff' returns 1 when files differ)"],
        ]
    }()

    /// Python's `_interpret_exit_code`: what a non-zero `exitCode` of the last command of the
    /// chain means when it is not an error (`grep` 1: no matches), or nil.
    static func exitCodeMeaning(_ command: String, _ exitCode: Int) -> String? {
        guard exitCode != 0 else { return nil }
        // re.split(r'\s*(?:\|\||&&|[|;])\s*') keeps what follows the last separator.
        let scalars = Array(command.unicodeScalars)
        var start = 0
        var index = 0
        while index < scalars.count {
            let pair = index + 1 < scalars.count ? (scalars[index], scalars[index + 1]) : (scalars[index], " ")
            if (pair.0 == "|" && pair.1 == "|") || (pair.0 == "&" && pair.1 == "&") {
                index += 2
                start = index
            } else if scalars[index] == "|" || scalars[index] == ";" {
                index += 1
                start = index
            } else {
                index += 1
            }
        }
        let last = String(String.UnicodeScalarView(scalars[start...]))
        guard let word = words(last).first(where: { !($0.contains("=") && !$0.hasPrefix("-")) }) else { return nil }
        let base = word.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? word
        return exitMeanings[base]?[exitCode]
    }

    /// `text.split()`: the words between runs of whitespace.
    static func words(_ text: String) -> [String] {
        text.unicodeScalars.split(whereSeparator: PythonText.isSpace).map { String(String.UnicodeScalarView($0)) }
    }

    // MARK: Background

    /// Python's `_command_requires_pipe_stdin`: `gh auth login --with-token` waits for EOF on a
    /// pipe, which a pseudo-terminal never gives it.
    static func requiresPipeStdin(_ command: String) -> Bool {
        let normalized = words(command.lowercased()).joined(separator: " ")
        return normalized.hasPrefix("gh auth login") && normalized.contains("--with-token")
    }

    static let ptyDisabledNote =
        "PTY disabled for this command because it expects piped stdin/EOF (for example gh auth login --with-token). For local background processes, call process(action='close') after writing so it receives EOF."

    static let silentBackgroundHint =
        "background=true without notify_on_complete=true means this process runs SILENTLY — you will not be told when it exits. If this is a bounded task (test suite, build, CI poller, deploy, anything with a defined end), you almost certainly wanted notify_on_complete=true so the system pings you on exit. Re-launch with notify_on_complete=true, or call process(action='poll') / process(action='wait') yourself to learn the outcome. Only ignore this hint for genuine long-lived processes that never exit (servers, watchers, daemons)."

    static let ciPollerHint =
        "This looks like a homebrewed CI poller built from `gh pr view --json statusCheckRollup` and/or `gh pr checks | jq`. That shape has burned us repeatedly in hermes-agent dev work (PRs #31329, #31448, #31695, #31709, #31745, #32264, #33131) — stdout buffering kills output capture, jq null-key edge cases silently exit the loop, conclusion-vs-status field confusion exits early with bogus all-green verdicts, TTY-only summary banners never appear when piped. Use the canonical snippets in the green-ci-policy skill instead: the exit-code-driven `gh pr checks $PR >/dev/null` (rc 0 = green, 8 = pending, else fail) for exit-on-first-fail behavior, or the column-2 awk-on-tabs poller (`awk -F\"\\t\" \"$2==\\\"pending\\\"\"`) for sharded matrices. Load skill_view(name='github/hermes-agent-dev', file_path='references/green-ci-policy.md') for the verbatim snippets. If you must roll a custom loop with rich structured output, write each tick to a known file (`tee -a /tmp/ci.log`) and rely on `process(action='log')` to read THAT file — do not rely on background-process stdout capture for line-buffered shell loops."

    /// Whether `command` is the CI-poller shape Python warns about.
    static func looksLikeCIPoller(_ command: String) -> Bool {
        let gh = command.contains("gh pr view") || command.contains("gh pr checks")
        let jq = command.contains(" jq ") || command.contains("| jq") || command.contains("$(jq")
        return command.contains("statusCheckRollup") || (gh && jq)
    }

    static let notifyUnsupported =
        "notify_on_complete / watch_patterns are not available in this session — it cannot receive an async completion after the turn ends (a one-shot runner such as `hermes -z` or a cron job, or a stateless HTTP endpoint). The process is running in the background; retrieve its result with process(action='poll') or process(action='wait')."

    static let watchPatternsIgnored =
        "watch_patterns ignored because notify_on_complete=True; these two flags produce duplicate notifications when combined"
}
