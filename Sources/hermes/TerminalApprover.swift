import Foundation
import HermesTools

#if canImport(Glibc)
    import Glibc
#endif

/// Asks the person at the terminal about a dangerous command, as the Python CLI does
/// (`prompt_dangerous_approval`): the command, `[o]nce | [s]ession | [a]lways | [d]eny`, and
/// anything else (an empty line, end of input, no answer within the timeout) denies. The
/// prompt goes to standard error, so that a reply piped from standard output stays clean.
/// Without a terminal on standard input nobody can answer, and the command is refused.
enum TerminalApprover {
    /// How long an answer is awaited, as Python's `approvals.timeout` default.
    static let timeout = Duration.seconds(60)

    /// The approver for this process: asking when standard input is a terminal, else nobody.
    static var current: Approver {
        isatty(STDIN_FILENO) == 1 ? .ask(ask) : .nobody
    }

    @Sendable static func ask(_ request: ApprovalRequest) async -> ApprovalChoice {
        Terminal.error(
            "\n  ⚠️  DANGEROUS COMMAND: \(request.description)\n      \(request.command)\n\n      [o]nce  |  [s]ession  |  [a]lways  |  [d]eny\n\n      Choice [o/s/a/D]: "
        )
        let answer = await withTaskGroup(of: String?.self) { group in
            group.addTask { await readLine() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let answer else {
            Terminal.error("\n      ⏱ Timeout - denying command\n\n")
            return .deny
        }
        switch answer.trimmingCharacters(in: .whitespaces).lowercased() {
        case "o", "once":
            Terminal.error("      ✓ Allowed once\n\n")
            return .once
        case "s", "session":
            Terminal.error("      ✓ Allowed for this session\n\n")
            return .session
        case "a", "always":
            Terminal.error("      ✓ Added to permanent allowlist\n\n")
            return .always
        default:
            Terminal.error("      ✗ Denied\n\n")
            return .deny
        }
    }

    /// A line from standard input, read on a thread of its own so that no task thread blocks;
    /// end of input reads as an empty answer.
    private static func readLine() async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: Swift.readLine() ?? "") }
        }
    }
}
