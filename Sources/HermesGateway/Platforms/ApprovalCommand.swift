import Foundation
import HermesTools

/// `/approve` or `/deny` sent in a chat, read as the Python gateway reads them
/// (`gateway/slash_commands.py`): `/approve [all] [session|always]` approves the oldest waiting
/// command (every one with `all`) once, for the session, or always; `/deny [all] [reason]` denies, relaying the
/// reason (at most 280 characters) to the agent.
struct ApprovalCommand: Equatable {
    var choice: ApprovalChoice
    var all: Bool
    var reason: String?
}

extension ApprovalCommand {
    /// The command in `text`, or nil when it is not one (`/approve@bot` counts).
    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let head = trimmed.prefix { !$0.isWhitespace }
        let arguments = trimmed.dropFirst(head.count).trimmingCharacters(in: .whitespaces)
        switch head.lowercased().split(separator: "@", maxSplits: 1).first {
        case "/approve":
            let words = arguments.lowercased().split(whereSeparator: \.isWhitespace)
            all = words.contains("all")
            if words.contains(where: { ["always", "permanent", "permanently"].contains($0) }) {
                choice = .always
            } else {
                choice = words.contains { ["session", "ses"].contains($0) } ? .session : .once
            }
            reason = nil
        case "/deny":
            let first = arguments.prefix { !$0.isWhitespace }
            all = first.lowercased() == "all"
            let text = (all ? String(arguments.dropFirst(first.count)) : arguments).trimmingCharacters(in: .whitespaces)
            choice = .deny
            reason = text.isEmpty ? nil : String(text.prefix(280)).trimmingCharacters(in: .whitespaces)
        default:
            return nil
        }
    }

    /// Answers the commands waiting in `session`; returns the reply for the chat, Python's.
    func apply(to approvals: ChatApprovals, session: String) -> String {
        let count = approvals.resolve(session: session, choice: choice, all: all, reason: reason)
        switch (choice, count) {
        case (.deny, 0): return "No pending command to deny."
        case (_, 0): return "No pending command to approve."
        case (.deny, 1): return reason.map { "❌ Command denied. Reason relayed to the agent: \"\($0)\"" } ?? "❌ Command denied."
        case (.deny, _):
            return reason.map { "❌ Commands denied (\(count) commands). Reason relayed to the agent: \"\($0)\"" }
                ?? "❌ Commands denied (\(count) commands)."
        case (.session, 1): return "✅ Command approved (pattern approved for this session). The agent is resuming..."
        case (.session, _): return "✅ Commands approved (pattern approved for this session) (\(count) commands). The agent is resuming..."
        case (.always, 1): return "✅ Command approved (pattern approved permanently). The agent is resuming..."
        case (.always, _): return "✅ Commands approved (pattern approved permanently) (\(count) commands). The agent is resuming..."
        case (_, 1): return "✅ Command approved. The agent is resuming..."
        case (_, _): return "✅ Commands approved (\(count) commands). The agent is resuming..."
        }
    }
}
