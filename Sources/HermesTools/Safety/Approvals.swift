import HermesCore
import Synchronization

/// What a person answered when asked to approve a dangerous command (Python's choices).
public enum ApprovalChoice: String, Sendable, Hashable {
    /// Run it this time.
    case once
    /// Run it, and commands of the same kind for the rest of the session.
    case session
    /// Run it, and commands of the same kind from now on (`CommandAllowlist`).
    case always
    /// Do not run it.
    case deny
}

/// A dangerous command waiting for a person's answer.
public struct ApprovalRequest: Sendable, Hashable {
    /// The command as the model wrote it, its secrets masked (what a person is shown).
    public var command: String
    /// Why it needs approval (Python's description, also the key approvals are kept under).
    public var description: String

    /// Makes a request.
    public init(command: String, description: String) {
        self.command = command
        self.description = description
    }
}

/// Who can approve a session's dangerous commands.
public enum Approver: Sendable {
    /// Nobody is there to ask (`hermes chat` without a terminal): refused, failing closed.
    case nobody
    /// A person is asked, and the command waits for the answer.
    case ask(@Sendable (ApprovalRequest) async -> ApprovalChoice)
    /// The people of the session's chat are asked (`ChatApprovals`), and the command waits for
    /// `/approve` or `/deny`; a gateway session with no chat to ask in (the API server, a signed
    /// webhook) is refused with Python's "asking the user for approval" message.
    case chat(@Sendable (ApprovalRequest) async -> ChatVerdict)
}

/// One session's approvals of dangerous commands, as the Python project's `tools/approval.py`
/// keeps them: a hardline command is refused whatever is set; with YOLO mode
/// (`HERMES_YOLO_MODE`, read once at start) a dangerous one runs unasked; else one of a kind
/// approved for the session or always (`command_allowlist`) runs; else the approver decides.
public final class Approvals: Sendable {
    /// The result of a review.
    public enum Decision: Sendable, Hashable {
        /// Run the command.
        case run
        /// Do not; the text is the tool result the model gets.
        case refuse(String)
    }

    /// Who is asked.
    public let approver: Approver
    /// Whether dangerous commands run unasked (hardline ones never do).
    public let yolo: Bool
    private let guardian: CommandGuard
    private let redactor: Redactor
    private let allowlist: CommandAllowlist
    private let approved = Mutex<Set<String>>([])

    /// Approvals for one session, judged by `guardian`; what is shown of a command is masked by
    /// `redactor`; kinds approved always are kept in `allowlist`, shared by every session.
    public init(
        approver: Approver, yolo: Bool = false, guard guardian: CommandGuard = .forEnvironment(), redactor: Redactor = Redactor(),
        allowlist: CommandAllowlist = CommandAllowlist()
    ) {
        self.allowlist = allowlist
        self.approver = approver
        self.yolo = yolo
        self.guardian = guardian
        self.redactor = redactor
    }

    /// Whether `command` may run, asking the approver when it is dangerous.
    public func review(_ command: String) async -> Decision {
        switch guardian.check(command) {
        case .allowed:
            return .run
        case .hardline(let description):
            return .refuse(
                Self.blocked(
                    "BLOCKED (hardline): \(description). This command is on the unconditional blocklist and cannot be executed via the agent — not even with --yolo, /yolo, approvals.mode=off, or cron approve mode. If you genuinely need to run it, run it yourself in a terminal outside the agent."
                ))
        case .dangerous(let description):
            if yolo || approved.withLock({ $0.contains(description) }) || allowlist.contains(description) { return .run }
            switch approver {
            case .nobody:
                return .refuse(
                    Self.blocked(
                        "BLOCKED: approval required (\(description)) but no interactive user or gateway is present to approve it."))
            case .ask(let ask):
                let choice = await ask(ApprovalRequest(command: redactor.redact(command), description: description))
                switch choice {
                case .deny:
                    return .refuse(
                        Self.blocked(
                            "BLOCKED: User denied this potentially dangerous action (matched '\(description)'). Do NOT retry — the user has explicitly rejected it."
                        ))
                case .once, .session, .always:
                    await remember(choice, description)
                    return .run
                }
            case .chat(let ask):
                return await chatDecision(ask(ApprovalRequest(command: redactor.redact(command), description: description)), description, command)
            }
        }
    }

    /// What the people of a chat answered, as the Python gateway words it.
    private func chatDecision(_ verdict: ChatVerdict, _ description: String, _ command: String) async -> Decision {
        let consent =
            " The user has NOT consented to this action. Do NOT retry this command, do NOT rephrase it, and do NOT attempt the same outcome via a different command. Stop the current workflow and wait for the user to respond before taking any further destructive or irreversible action."
        switch verdict {
        case .approved(let choice) where choice != .deny:
            await remember(choice, description)
            return .run
        case .approved, .denied(nil):
            return .refuse(Self.blocked("BLOCKED: Command denied by user." + consent))
        case .denied(let reason?):
            return .refuse(Self.blocked("BLOCKED: Command denied by user. Reason given by the user: \"\(reason)\"." + consent))
        case .timedOut:
            return .refuse(Self.blocked("BLOCKED: Command timed out without user response." + consent + " Silence is not consent."))
        case .unreachable:
            return .refuse(Self.blocked("BLOCKED: Failed to send approval request to user. Do NOT retry."))
        case .noChat:
            return .refuse(gatewayReview(description, command: command))
        }
    }

    /// Keeps an approval of `description`'s kind for the session, or always. A list that cannot
    /// be saved still holds in this process (its `save` reports the failure); the command runs
    /// either way, as in Python.
    private func remember(_ choice: ApprovalChoice, _ description: String) async {
        guard choice == .session || choice == .always else { return }
        approved.withLock { _ = $0.insert(description) }
        if choice == .always { try? await allowlist.add(description) }
    }

    /// Python's answer where a gateway has nobody to ask: the command waits for a review that
    /// this turn will not see.
    private func gatewayReview(_ description: String, command: String) -> String {
        Self.blocked(
            "⚠️ This action is potentially dangerous (\(description)). Asking the user for approval.\n\n**Target:**\n```\n\(redactor.redact(command))\n```"
        )
    }

    /// The terminal tool's result for a command it did not run, in the Python tool's shape.
    static func blocked(_ message: String) -> String {
        JSONValue.object(["output": .string(""), "exit_code": .int(-1), "error": .string(message), "status": .string("blocked")])
            .jsonText
    }
}
