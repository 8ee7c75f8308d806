import ArgumentParser
import HermesCore
import HermesRuntime

/// The `hermes` command: the runtime's front door.
@main
struct Hermes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hermes",
        abstract: "The Hermes agent runtime, in Swift.",
        version: HermesVersion.current,
        subcommands: [ChatCommand.self, GatewayCommand.self, SessionsCommand.self, PairingCommand.self]
    )

    /// Logs go through the secret redactor before anything else runs.
    static func main() async {
        RedactingLogHandler.bootstrap()
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
