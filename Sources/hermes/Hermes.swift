import ArgumentParser
import HermesCore

/// The `hermes` command: the runtime's front door.
@main
struct Hermes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hermes",
        abstract: "The Hermes agent runtime, in Swift.",
        version: HermesVersion.current,
        subcommands: [ChatCommand.self, GatewayCommand.self, SessionsCommand.self]
    )
}
