import ArgumentParser
import HermesConfig
import HermesCore
import HermesRuntime

/// The `hermes` command: the runtime's front door.
@main
struct Hermes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hermes",
        abstract: "The Hermes agent runtime, in Swift.",
        discussion: """
            Every command works in $HERMES_HOME (default ~/.hermes), laid out as the Python hermes-agent lays it \
            out: config.yaml, .env, state.db, memories/, skills/, platforms/pairing/. `-p NAME` (or --profile NAME, \
            anywhere on the line) uses the profile ~/.hermes/profiles/NAME instead, as does the name in \
            ~/.hermes/active_profile. $HERMES_HOME/.env is loaded into the environment first, over what the shell \
            exported.
            """,
        version: HermesVersion.current,
        subcommands: [ChatCommand.self, GatewayCommand.self, ConfigCommand.self, ProfileCommand.self, SessionsCommand.self, PairingCommand.self]
    )

    /// Logs go through the secret redactor before anything else runs.
    static func main() async {
        RedactingLogHandler.bootstrap()
        do {
            var command = try parseAsRoot(Launch.prepare(Array(CommandLine.arguments.dropFirst())))
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as ConfigError {
            Terminal.error("hermes: \(error)\n")
            exit(withError: ExitCode(ExitStatus.failure.rawValue))
        } catch {
            exit(withError: error)
        }
    }
}
