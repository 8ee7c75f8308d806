import ArgumentParser
import HermesCore
import HermesRuntime

/// The `hermes-bench` command: simulators and benchmarks.
@main
struct HermesBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hermes-bench",
        abstract: "Load, latency and allocation benchmarks for the Hermes runtime.",
        version: HermesVersion.current,
        subcommands: [
            RunCommand.self, ValidateCommand.self, ListCommand.self, SimCommand.self, MicroCommand.self, StoreCommand.self, GateCommand.self,
            CompareCommand.self, MergeCommand.self, ServeCommand.self,
        ]
    )

    /// Logs go through the same redacting handler as `hermes`'s, so that an in-process runtime
    /// logs, and costs, what the shipped one does.
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
