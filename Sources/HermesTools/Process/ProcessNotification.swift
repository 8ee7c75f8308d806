import HermesCore

/// The words a session hears about its background processes, as Python's gateway puts them:
/// `format_process_notification` (tools/process_registry.py) for the message of a new turn, and
/// `_run_process_watcher` (gateway/run.py) for how a completion's output and command are
/// redacted and cut, and for the plain chat message sent instead when the agent had already
/// read the result.
public enum ProcessNotification {
    /// Python's `format_process_notification`: the `[IMPORTANT: …]` message the model gets.
    public static func text(for event: ProcessEvent) -> String {
        switch event.kind {
        case .watchDisabled:
            return "[IMPORTANT: \(event.message ?? "")]"
        case .watchMatch:
            var text =
                "[IMPORTANT: Background process \(event.processID) matched watch pattern \"\(event.pattern ?? "?")\".\nCommand: \(event.command)\nMatched output:\n\(event.output)"
            if event.suppressed != 0 { text += "\n(\(event.suppressed) earlier matches were suppressed by rate limit)" }
            return text + "]"
        case .completion:
            let code = event.exitCode.map(String.init) ?? "None"
            let signal = event.exitCode == -15 || event.exitCode == 143 ? ", SIGTERM" : ""
            let status: String
            if event.completionReason == "killed" {
                status = "terminated by \(event.terminationSource.flatMap { $0.isEmpty ? nil : $0 } ?? "Hermes")"
            } else {
                status = event.exitCode == 0 ? "completed normally" : "exited"
            }
            return
                "[IMPORTANT: Background process \(event.processID) \(status) (exit code \(code)\(signal)).\nCommand: \(event.command)\nOutput:\n\(event.output)]"
        }
    }

    /// What Python's watcher makes of a finished process whose whole (kept) output is `log`.
    static func completionNotice(
        processID: String, session: SessionID, command: String, exit: BackgroundProcess.Exit, log: String, consumed: Bool,
        redactor: Redactor
    ) -> CompletionNotice {
        if consumed {
            return .message(
                finishedMessage(
                    processID: processID, exitCode: exit.code, tail: TerminalText.suffix(log, 1000), command: command, redactor: redactor),
                exitCode: exit.code)
        }
        let event = ProcessEvent(
            kind: .completion, processID: processID, session: session, command: gatewayCommand(command), exitCode: exit.code,
            completionReason: exit.reason, terminationSource: exit.source,
            output: completionOutput(log, command: command, redactor: redactor))
        return .turn(text(for: event))
    }

    /// The output a gateway completion carries: the whole log, ANSI escapes removed and
    /// redacted as terminal output (`redactor`, which the user may switch off), then, past 2,000
    /// characters, the last 2,000 from the first line break on, after Python's marker, so that
    /// it never starts mid-line.
    static func completionOutput(_ log: String, command: String, redactor: Redactor) -> String {
        let stripped = TerminalText.stripANSI(log)
        let raw = stripped.isEmpty ? stripped : redactor.redactOutput(stripped, of: command)
        let limit = 2000
        let scalars = raw.unicodeScalars
        guard scalars.count > limit else { return raw }
        var tail = scalars.suffix(limit)
        if let newline = tail.firstIndex(of: "\n") { tail = tail[tail.index(after: newline)...] }
        return "[… output truncated — showing last \(tail.count) chars]\n" + String(String.UnicodeScalarView(tail))
    }

    /// A command as it may leave the gateway (Python's `_redact_gateway_user_facing_secrets`):
    /// every pass of the redactor, whatever the user's setting, then the gateway's own patterns.
    static func gatewayCommand(_ command: String) -> String {
        var text = Redactor(enabled: true).redact(command)
        for pattern in gatewayPatterns {
            text = pattern.replace(in: text) { groups in (groups.count > 1 ? groups[1] ?? "" : "") + "[REDACTED]" }
        }
        return text
    }

    /// `_GATEWAY_SECRET_PATTERNS`.
    private static let gatewayPatterns =
        [
            #"\bsk-[A-Za-z0-9][A-Za-z0-9_\-]{12,}\b"#, #"\bgh[pousr]_[A-Za-z0-9_]{20,}\b"#, #"\bxapp-\d+-[A-Za-z0-9\-]{20,}\b"#,
            #"\bxox[baprs]-[A-Za-z0-9\-]{20,}\b"#, #"\bhf_[A-Za-z0-9]{20,}\b"#, #"\bglpat-[A-Za-z0-9_\-]{20,}\b"#,
        ].map { Pattern($0, dotAll: false, ignoringCase: false) } + [
            Pattern(#"\b(Bearer\s+)[A-Za-z0-9._\-]{20,}\b"#, dotAll: false, ignoringCase: true)
        ]

    /// The plain message Python's watcher sends the chat when the agent had already taken the
    /// result (`process` wait, log or kill): `tail`, the last 1,000 characters of the log as
    /// they are (escapes included, as Python leaves them), redacted.
    static func finishedMessage(processID: String, exitCode: Int, tail: String, command: String, redactor: Redactor) -> String {
        let output = tail.isEmpty ? tail : redactor.redactOutput(tail, of: command)
        return "[Background process \(processID) finished with exit code \(exitCode)~ Here's the final output:\n\(output)]"
    }
}

/// What the gateway says of a `notify_on_complete` process that has exited, decided when the
/// session's turn comes (`ProcessRegistry.completionNotice`).
public enum CompletionNotice: Sendable, Hashable {
    /// The agent has not seen the result: a new turn with this message.
    case turn(String)
    /// The agent already took the result (`process` wait, log or kill): no turn, but this plain
    /// message for the chat, when `display.background_process_notifications` asks for it.
    case message(String, exitCode: Int)
}

/// Python's `display.background_process_notifications`. A `notify_on_complete` process whose
/// result the agent has not seen always becomes a turn; these modes decide the plain message
/// the chat is sent instead when the agent already took the result (`process` wait, log or
/// kill). Python's `all` also sends running output of watched processes that do not notify,
/// which its gateway never watches, so `all` and `result` do the same.
public enum BackgroundNotifications: String, Sendable, CaseIterable {
    /// Every message.
    case all
    /// The final message.
    case result
    /// The final message of a process that failed (exit code other than 0).
    case error
    /// No plain message.
    case off
}

extension BackgroundNotifications {
    /// Whether the plain "finished" message goes to the chat for a process that ended with `exitCode`.
    public func sendsFinished(exitCode: Int) -> Bool {
        switch self {
        case .all, .result: true
        case .error: exitCode != 0
        case .off: false
        }
    }
}
