import ArgumentParser
import Foundation
import HermesCore
import HermesGateway
import HermesRuntime

/// `hermes pairing …`: who may talk to the bot, in the Python project's pairing files
/// (`$HERMES_HOME/platforms/pairing`), with its commands and its words.
struct PairingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairing",
        abstract: "List, approve and revoke the users who may talk to the bot (DM pairing).",
        discussion: """
            An unknown user who writes to the bot in a direct chat gets a one-time code (valid for an \
            hour); approving it lets them talk to the bot. The files are the Python project's, under \
            $HERMES_HOME (default ~/.hermes), so an approval made with either holds for both.
            """,
        subcommands: [List.self, Approve.self, Revoke.self, ClearPending.self]
    )

    /// The store of this process's `HERMES_HOME`.
    static var store: PairingStore {
        PairingStore(directory: PairingStore.directory(hermesHome: HermesHome.unprofiled(ProcessInfo.processInfo.environment).path))
    }

    /// `hermes pairing list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the waiting codes and the approved users.")

        func run() async throws {
            let (pending, approved) = try await Failure.reporting {
                try await store.perform { files in (try files.pending(), try files.approved()) }
            }
            guard !pending.isEmpty || !approved.isEmpty else {
                Terminal.out("No pairing data found. No one has tried to pair yet~\n")
                return
            }
            func column(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
            var text = ""
            if pending.isEmpty {
                text += "\n  No pending pairing requests.\n"
            } else {
                text += "\n  Pending Pairing Requests (\(pending.count)):\n"
                text += "  \(column("Platform", 12)) \(column("Code", 10)) \(column("User ID", 20)) \(column("Name", 20)) Age\n"
                text += "  \(column("--------", 12)) \(column("----", 10)) \(column("-------", 20)) \(column("----", 20)) ---\n"
                for entry in pending {
                    text +=
                        "  \(column(entry.platform, 12)) \(column(entry.code, 10)) \(column(entry.userID, 20)) \(column(entry.userName, 20)) \(entry.ageMinutes)m ago\n"
                }
            }
            if approved.isEmpty {
                text += "\n  No approved users.\n"
            } else {
                text += "\n  Approved Users (\(approved.count)):\n"
                text += "  \(column("Platform", 12)) \(column("User ID", 20)) \(column("Name", 20))\n"
                text += "  \(column("--------", 12)) \(column("-------", 20)) \(column("----", 20))\n"
                for user in approved { text += "  \(column(user.platform, 12)) \(column(user.userID, 20)) \(column(user.userName, 20))\n" }
            }
            Terminal.out(text + "\n")
        }
    }

    /// `hermes pairing approve PLATFORM CODE`.
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve the user who was given CODE.")

        @Argument(help: "The platform, e.g. telegram.") var platform: String
        @Argument(help: "The code the user was sent.") var code: String

        func run() async throws {
            let platform = platform.lowercased().trimmingCharacters(in: .whitespaces)
            let code = code.uppercased().trimmingCharacters(in: .whitespaces)
            let result = try await Failure.reporting { try await store.perform { try $0.approve(platform: platform, code: code) } }
            switch result {
            case .approved(let user, let name):
                let display = name.isEmpty ? user : "\(name) (\(user))"
                Terminal.out(
                    "\n  Approved! User \(display) on \(platform) can now use the bot~\n  They'll be recognized automatically on their next message.\n\n"
                )
            case .lockedOut(let minutes):
                Terminal.out(
                    "\n  Platform '\(platform)' is locked out after too many failed approval attempts.\n  Lockout clears in ~\(minutes) minute(s).\n  To reset sooner, delete the '_lockout:\(platform)' entry from ~/.hermes/platforms/pairing/_rate_limits.json\n\n"
                )
                throw ExitCode(ExitStatus.failure.rawValue)
            case .unknownCode:
                Terminal.out(
                    "\n  Code '\(code)' not found or expired for platform '\(platform)'.\n  Run 'hermes pairing list' to see pending codes.\n\n")
                throw ExitCode(ExitStatus.failure.rawValue)
            }
        }
    }

    /// `hermes pairing revoke PLATFORM USER`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a user's approval back.")

        @Argument(help: "The platform, e.g. telegram.") var platform: String
        @Argument(help: "The user's id on it.") var user: String

        func run() async throws {
            let platform = platform.lowercased().trimmingCharacters(in: .whitespaces)
            let user = user
            if try await Failure.reporting({ try await store.perform { try $0.revoke(platform: platform, user: user) } }) {
                Terminal.out("\n  Revoked access for user \(user) on \(platform).\n\n")
            } else {
                Terminal.out("\n  User \(user) not found in approved list for \(platform).\n\n")
                throw ExitCode(ExitStatus.failure.rawValue)
            }
        }
    }

    /// `hermes pairing clear-pending`.
    struct ClearPending: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "clear-pending", abstract: "Drop every waiting code.")

        func run() async throws {
            let count = try await Failure.reporting { try await store.perform { try $0.clearPending() } }
            Terminal.out(count > 0 ? "\n  Cleared \(count) pending pairing request(s).\n\n" : "\n  No pending requests to clear.\n\n")
        }
    }
}
